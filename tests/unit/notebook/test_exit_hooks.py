"""close_on_exit: the clean-up runs once when the process gets SIGTERM, as a kernel does when it
does not answer its shutdown request in time."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

PROGRAM = """
import sys, time
from pathlib import Path
from kube_devops.notebook.exit_hooks import close_on_exit

marker = Path(sys.argv[1])
close_on_exit(lambda: marker.write_text(marker.read_text() + "closed\\n"))
marker.write_text("ready\\n")
time.sleep(60)
"""


def test_sigterm_runs_the_clean_up_once_and_exits_143(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    marker.write_text("")
    process = subprocess.Popen([sys.executable, "-c", PROGRAM, str(marker)])
    deadline = time.monotonic() + 20
    while marker.read_text() != "ready\n" and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 143
    assert marker.read_text() == "ready\nclosed\n"
