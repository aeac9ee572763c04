"""Building the parser (``--help``, ``--version``) imports no heavy third-party library."""

from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import sys\n"
    "from kube_devops.cli.main import build_parser\n"
    "build_parser()\n"
    "heavy = ('kubernetes', 'kmock', 'aiohttp', 'pandas', 'matplotlib', 'prometheus_client')\n"
    "print(','.join(name for name in heavy if name in sys.modules))\n"
)


def test_parser_imports_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == ""
