"""Data shipped inside the package, so an installed wheel runs every command outside a checkout.

``samples/`` holds the sample resources the sandbox seeds (namespaces, DevOpsPolicies and
workloads) and ``notebooks/`` the Jupyter notebooks. In the repository they are symbolic links to
``kube-tests/`` and ``notebooks/``, the single source; building a wheel or an sdist copies the
files they point to.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def samples_dir() -> Path:
    """The folder of the sample resource files (``sample-workloads.yaml`` and the policies)."""
    return _HERE / "samples"


def notebooks_dir() -> Path:
    """The folder of the shipped notebooks (``verify_stack.ipynb`` and the others)."""
    return _HERE / "notebooks"
