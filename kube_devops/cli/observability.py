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

from kube_devops.cli.common import EXIT_FAILURE, CliError
from kube_devops.manifests import labels as lb
from kube_devops.manifests.alerts import prometheus_rule
from kube_devops.manifests.dashboard import dashboard_configmap
from kube_devops.manifests.labels import Manifest
from kube_devops.manifests.reference import observability_all, reference_files
from kube_devops.manifests.render import to_multi_yaml
from kube_devops.manifests.servicemonitors import ObservabilitySettings, service_monitors
from kube_devops.manifests.services import services

_DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")

Generator = Callable[[ObservabilitySettings], list[Manifest]]

_VERBS: dict[str, tuple[str, Generator]] = {
    "generate-all": (
        "print Services, ServiceMonitors, the dashboard ConfigMap and the PrometheusRule",
        observability_all,
    ),
    "generate-services": ("print the three Services", lambda s: services(s.namespace)),
    "generate-service-monitors": ("print the three ServiceMonitors", service_monitors),
    "generate-dashboard": (
        "print the Grafana dashboard ConfigMap",
        lambda s: [dashboard_configmap(s.namespace)],
    ),
    "generate-alerts": ("print the PrometheusRule with the alerts", lambda s: [prometheus_rule(s)]),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``observability`` and its verbs."""
    parser = subparsers.add_parser("observability", help="generate monitoring manifests")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb, (help_text, generator) in _VERBS.items():
        sub = verbs.add_parser(verb, help=help_text)
        _add_settings_flags(sub)
        sub.set_defaults(func=_printer(generator))
    write = verbs.add_parser("write-reference", help="rewrite the generated files of kube-tests/")
    write.add_argument("--output-dir", type=Path, default=Path("kube-tests"), metavar="DIR")
    write.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file differs"
    )
    write.set_defaults(func=_write_reference)


def settings_from(args: argparse.Namespace) -> ObservabilitySettings:
    """The settings the flags describe; a bad ``--interval`` is a usage error."""
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
        "--interval", default=lb.DEFAULT_INTERVAL, help="scrape interval (default 15s)"
    )


def _printer(generator: Generator) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        sys.stdout.write(to_multi_yaml(generator(settings_from(args))))
        return 0

    return run


def _write_reference(args: argparse.Namespace) -> int:
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
