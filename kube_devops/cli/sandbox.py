"""``kube-devops sandbox``: the whole stack on loopback until SIGTERM/SIGINT or --duration."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from kube_devops.cli.common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, add_verb


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sandbox`` verb."""
    parser = add_verb(
        subparsers, "sandbox",
        help="run an emulated API, the three components, Prometheus and traffic on loopback",
        description="Run an emulated (or real) Kubernetes API, the three components, Prometheus"
        " and traffic on loopback.\nOnce ready it supervises its processes: one that dies is"
        " reported at once (a line, and\nthe state file's processes/degraded) and restarted"
        " after 1 s, 2 s, 4 s ... (at most 30 s).\nIts processes die with it, even on SIGKILL;"
        " what a killed sandbox left is cleaned at the next start.",
        examples=(
            "kube-devops sandbox --state-file sandbox.json",
            "kube-devops sandbox --base-port 0 --duration 60",
        ),
        exit_codes={
            EXIT_OK: "stopped (SIGTERM, Ctrl-C or --duration)",
            EXIT_FAILURE: "could not start (a program missing or not ready)",
            EXIT_USAGE: "bad flag, a port already in use, or a --state-file a running sandbox"
            " uses",
        },
    )  # fmt: skip
    parser.add_argument(
        "--state-file", type=Path, metavar="PATH",
        help="write {prometheus_url, kubeconfig, endpoints, processes, degraded} here as JSON"
        " once ready, again whenever a process dies or comes back; removed at stop",
    )  # fmt: skip
    parser.add_argument(
        "--duration", type=float, metavar="SECONDS", help="stop after this long (default: never)"
    )
    parser.add_argument(
        "--base-port", type=int, metavar="N",
        help="every port from N: components N..N+2, Prometheus N+3, API N+4, the real API's etcd"
        " N+5/N+6 and kube-controller-manager N+7 (default: components 8080/9090/8443, the rest"
        " free; 0 = all free). A port already in use is refused before anything starts (exit"
        " 2)",
    )  # fmt: skip
    parser.add_argument(
        "--samples", type=Path, metavar="DIR",
        help="seed from this folder's sample-workloads.yaml and sample-devopspolicy.yaml "
        "(default: the samples shipped in the package)",
    )  # fmt: skip
    parser.add_argument(
        "--api", choices=("emulated", "real"), default="emulated",
        help="emulated API (default, starts in seconds) or a real control plane built by"
        " `bash scripts/build-control-plane.sh`",
    )  # fmt: skip
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from kube_devops.kube.errors import KubeError
    from kube_devops.sandbox.launcher import Sandbox
    from kube_devops.sandbox.ports import PortBusyError
    from kube_devops.sandbox.prometheus import PrometheusError
    from kube_devops.sandbox.real.binaries import NotBuiltError
    from kube_devops.sandbox.settings import SandboxSettings
    from kube_devops.sandbox.stale import StateFileInUseError

    settings = SandboxSettings(
        base_port=args.base_port, samples_dir=args.samples, api=args.api,
        state_file=args.state_file,
    )  # fmt: skip
    try:
        sandbox = Sandbox(settings, progress=lambda msg: print(msg, file=sys.stderr))
    except NotBuiltError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
    except ValueError as err:
        raise CliError(f"--base-port: {err}", EXIT_USAGE) from None
    except (PortBusyError, StateFileInUseError) as err:
        raise CliError(str(err), EXIT_USAGE) from None

    stop, ready = threading.Event(), threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()
        if not ready.is_set():  # still starting: abandon the start-up now
            raise KeyboardInterrupt

    # SIGINT too: a shell starts background jobs with SIGINT ignored, Python then never raises
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        state = sandbox.start()
        print(state.describe(), flush=True)
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in state.timings.items())
        print(f"ready ({timings}); stop with Ctrl-C or SIGTERM", file=sys.stderr, flush=True)
        ready.set()
        stop.wait(args.duration)
    except PrometheusError as err:
        raise CliError(str(err), EXIT_FAILURE) from None
    except (RuntimeError, TimeoutError, FileNotFoundError, KubeError) as err:
        raise CliError(f"sandbox failed to start: {err}", EXIT_FAILURE) from None
    except KeyboardInterrupt:
        pass
    finally:
        ready.set()  # a signal during teardown must not interrupt it
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_OK
