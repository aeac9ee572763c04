"""``kube-devops notebooks list|copy``: the Jupyter notebooks shipped in the package.

``copy DIR`` writes them into ``DIR`` (created when missing) to run with papermill or Jupyter
from anywhere, also from an installed wheel; it never overwrites a file unless ``--force``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from kube_devops.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    PRINT_EXIT_CODES,
    CliError,
    SubParsers,
    add_group,
    add_verb,
)
from kube_devops.data import notebooks_dir


def register(subparsers: SubParsers) -> None:
    """Add ``notebooks list`` and ``notebooks copy``."""
    verbs = add_group(
        subparsers,
        "notebooks",
        help="the shipped Jupyter notebooks",
        dest="notebooks_command",
        examples=("kube-devops notebooks list", "kube-devops notebooks copy work/"),
    )
    listing = add_verb(
        verbs,
        "list",
        help="print the names of the shipped notebooks",
        examples=("kube-devops notebooks list",),
        exit_codes=PRINT_EXIT_CODES,
    )
    listing.set_defaults(func=_list)
    copy = add_verb(
        verbs,
        "copy",
        help="write the notebooks into a folder",
        examples=(
            "kube-devops notebooks copy work/",
            "papermill work/verify_stack.ipynb reports/verify_stack.ipynb",
        ),
        exit_codes={
            EXIT_OK: "written",
            EXIT_FAILURE: "a file cannot be written",
            EXIT_USAGE: "a notebook exists already (pass --force to overwrite)",
        },
    )
    copy.add_argument("directory", type=Path, metavar="DIR", help="target folder")
    copy.add_argument("--force", action="store_true", help="overwrite notebooks that exist")
    copy.set_defaults(func=_copy)


def shipped() -> list[Path]:
    """The shipped notebooks, by name."""
    return sorted(notebooks_dir().glob("*.ipynb"))


def _list(_args: argparse.Namespace) -> int:
    for path in shipped():
        print(path.name)
    return EXIT_OK


def _copy(args: argparse.Namespace) -> int:
    target: Path = args.directory
    sources = shipped()
    existing = [target / p.name for p in sources if (target / p.name).exists()]
    if existing and not args.force:
        names = ", ".join(str(p) for p in existing)
        verb = "exists" if len(existing) == 1 else "exist"
        raise CliError(f"{names} {verb} already; pass --force to overwrite, or another DIR")
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copyfile(source, target / source.name)
            print(f"wrote {target / source.name}")
    except OSError as err:
        raise CliError(f"notebooks copy {target}: {err.strerror or err}", EXIT_FAILURE) from None
    return EXIT_OK
