"""Start-up time of the ``kube-devops`` command: ``--version`` and ``--help``.

Runs each as a fresh process ``--runs`` times (11 by default, after one warm-up run that fills
the operating system's file cache) and prints the median and the slowest wall-clock time, and
the median time Python itself needs to start (``python -c pass``) for comparison.
Target: median <= 0.3 s for both.

    python benchmarks/bench_cli_startup.py [--runs 11]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

ENTRY = "from kube_devops.cli.main import main; raise SystemExit(main())"
TARGET_SECONDS = 0.3


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _measure(argv: list[str], runs: int) -> list[float]:
    _timed(argv)
    return [_timed(argv) for _ in range(runs)]


def main() -> None:
    """Print one line per command: median and slowest of ``--runs`` runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs per command (default: 11)")
    runs = parser.parse_args().runs
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "kube-devops --version": [sys.executable, "-c", ENTRY, "--version"],
        "kube-devops --help": [sys.executable, "-c", ENTRY, "--help"],
    }
    for label, argv in cases.items():
        times = _measure(argv, runs)
        median = statistics.median(times)
        verdict = (
            ""
            if label.startswith("python")
            else ("  ok" if median <= TARGET_SECONDS else f"  over the {TARGET_SECONDS} s target")
        )
        print(f"{label:24} median {median:.3f} s  max {max(times):.3f} s  ({runs} runs){verdict}")


if __name__ == "__main__":
    main()
