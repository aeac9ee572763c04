"""The package ships the sandbox's sample files and the notebooks, the same bytes as the
repository's ``kube-tests/`` and ``notebooks/``; and it declares every distribution it imports."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from kube_devops.data import notebooks_dir, samples_dir
from kube_devops.sandbox.seed import SAMPLE_FILES, default_samples_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_sandbox_seeds_from_the_packaged_samples() -> None:
    assert default_samples_dir() == samples_dir()
    assert sorted(p.name for p in samples_dir().iterdir()) == sorted(SAMPLE_FILES)
    for name in SAMPLE_FILES:
        shipped = (samples_dir() / name).read_bytes()
        assert shipped == (REPO_ROOT / "kube-tests" / name).read_bytes()


def test_every_repository_notebook_is_shipped() -> None:
    repo = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
    assert repo == ["explore_metrics.ipynb", "governance_report.ipynb", "verify_stack.ipynb"]
    assert sorted(p.name for p in notebooks_dir().glob("*.ipynb")) == repo
    for name in repo:
        assert (notebooks_dir() / name).read_bytes() == (
            REPO_ROOT / "notebooks" / name
        ).read_bytes()


#: Prints the top-level names kube_devops imports. Run in a fresh interpreter: CPython 3.11.7's
#: ``ast.parse`` can fail with "AST constructor recursion depth mismatch" late in a long test run.
_SCAN = """
import ast, json, pathlib, sys
names = set()
for path in pathlib.Path(sys.argv[1]).rglob("*.py"):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
print(json.dumps(sorted(names)))
"""


def _imported_top_level_names() -> set[str]:
    argv = [sys.executable, "-c", _SCAN, str(REPO_ROOT / "kube_devops")]
    names = set(json.loads(subprocess.run(argv, capture_output=True, check=True).stdout))
    return names - set(sys.stdlib_module_names) - {"kube_devops"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_distribution_is_a_declared_dependency() -> None:
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        _normal(re.split(r"[<>=!~\[; ]", req, maxsplit=1)[0])
        for req in pyproject["project"]["dependencies"]
    }
    providers = importlib.metadata.packages_distributions()
    imported = _imported_top_level_names()
    assert {"kubernetes", "aiohttp", "yaml", "attrs", "jsonpointer", "urllib3"} <= imported
    undeclared = {
        name: providers.get(name)
        for name in imported
        if not {_normal(d) for d in providers.get(name, [])} & declared
    }
    assert undeclared == {}
    assert {"attrs", "jsonpatch", "jsonpointer", "requests", "urllib3"} <= declared
