"""``kube-devops observability``: Services, ServiceMonitors, dashboard and alert rules as YAML.

Every ``generate-*`` verb prints multi-document YAML on stdout for ``kubectl apply -f -``;
``write-reference`` (re)writes the generated files of ``kube-tests/``, or with ``--check`` only
reports which differ.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kube_devops.cli.common import (
    EXIT_FAILURE,
    PRINT_EXIT_CODES,
    CliError,
    SubParsers,
    add_group,
    add_verb,
)
from kube_devops.cli.output import add_manifest_output_flag, manifests
from kube_devops.manifests import labels as lb
from kube_devops.manifests.labels import Manifest

if TYPE_CHECKING:
    from kube_devops.manifests.servicemonitors import ObservabilitySettings

_DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")

Generator = Callable[["ObservabilitySettings"], list[Manifest]]


def _all(s: ObservabilitySettings) -> list[Manifest]:
    from kube_devops.manifests.reference import observability_all

    return observability_all(s)


def _services(s: ObservabilitySettings) -> list[Manifest]:
    from kube_devops.manifests.services import services

    return services(s.namespace)


def _monitors(s: ObservabilitySettings) -> list[Manifest]:
    from kube_devops.manifests.servicemonitors import service_monitors

    return service_monitors(s)


def _dashboard(s: ObservabilitySettings) -> list[Manifest]:
    from kube_devops.manifests.dashboard import dashboard_configmap

    return [dashboard_configmap(s.namespace)]


def _alerts(s: ObservabilitySettings) -> list[Manifest]:
    from kube_devops.manifests.alerts import prometheus_rule

    return [prometheus_rule(s)]


_VERBS: dict[str, tuple[str, Generator]] = {
    "generate-all": (
        "print Services, ServiceMonitors, the dashboard ConfigMap and the PrometheusRule",
        _all,
    ),
    "generate-services": ("print the three Services", _services),
    "generate-service-monitors": ("print the three ServiceMonitors", _monitors),
    "generate-dashboard": ("print the Grafana dashboard ConfigMap", _dashboard),
    "generate-alerts": ("print the PrometheusRule with the alerts", _alerts),
}


def register(subparsers: SubParsers) -> None:
    """Add ``observability`` and its verbs."""
    verbs = add_group(
        subparsers,
        "observability",
        help="generate monitoring manifests",
        dest="verb",
        examples=("kube-devops observability generate-all | kubectl apply -f -",),
    )
    for verb, (help_text, generator) in _VERBS.items():
        sub = add_verb(
            verbs,
            verb,
            help=help_text,
            examples=(
                f"kube-devops observability {verb} | kubectl apply -f -",
                f"kube-devops observability {verb} --namespace monitoring --interval 30s -o json",
            ),
            exit_codes=PRINT_EXIT_CODES,
        )
        _add_settings_flags(sub)
        sub.set_defaults(func=_printer(generator))
    write = add_verb(
        verbs,
        "write-reference",
        help="rewrite the generated files of kube-tests/",
        examples=(
            "kube-devops observability write-reference --output-dir kube-tests",
            "kube-devops observability write-reference --check   # exit 1 when a file is stale",
        ),
        exit_codes={0: "written, or up to date", 1: "--check: a file differs", 2: "bad flag"},
    )
    write.add_argument("--output-dir", type=Path, default=Path("kube-tests"), metavar="DIR")
    write.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file differs"
    )
    write.set_defaults(func=_write_reference)


def settings_from(args: argparse.Namespace) -> ObservabilitySettings:
    """The settings the flags describe; a bad ``--interval`` is a usage error."""
    from kube_devops.manifests.servicemonitors import ObservabilitySettings

    if not _DURATION.match(args.interval):
        raise CliError(f"--interval {args.interval!r} is not a Prometheus duration; use e.g. 15s")
    return ObservabilitySettings(
        namespace=args.namespace, release_label=args.release_label, interval=args.interval
    )


def _add_settings_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--namespace", default=lb.DEFAULT_NAMESPACE, help="target namespace")
    parser.add_argument(
        "--release-label",
        default=lb.DEFAULT_RELEASE_LABEL,
        help="value of the `release` label the kube-prometheus-stack release selects",
    )
    parser.add_argument(
        "--interval", default=lb.DEFAULT_INTERVAL, help="scrape interval (default: %(default)s)"
    )
    add_manifest_output_flag(parser)


def _printer(generator: Generator) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        sys.stdout.write(manifests(generator(settings_from(args)), args.output))
        return 0

    return run


def _write_reference(args: argparse.Namespace) -> int:
    from kube_devops.manifests.reference import reference_files

    directory: Path = args.output_dir
    if not directory.is_dir():
        raise CliError(f"--output-dir {directory} is not a directory; create it or pass another")
    stale = []
    for name, text in reference_files().items():
        path = directory / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "differs" if args.check else "written"
    for name in stale:
        print(f"{directory / name}: {verb}")
    if not stale:
        print(f"{directory}: all generated files up to date")
    return EXIT_FAILURE if args.check and stale else 0
