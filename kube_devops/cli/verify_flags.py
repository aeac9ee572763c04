"""The flags of ``kube-devops verify`` and the parsing of their values."""

from __future__ import annotations

import argparse
from pathlib import Path

from kube_devops.cli.common import CliError
from kube_devops.core.catalog import Component

#: The planner's PANEL_WIDTH, named here so ``--help`` needs no import of the verifier.
ASSUMED_PANEL_WIDTH = 900


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0, e.g. 8")
    return int(text)


def add_verify_flags(parser: argparse.ArgumentParser) -> None:
    """Everything but the cluster flags: where Prometheus and the dashboards are."""
    parser.add_argument("--prometheus-url", metavar="URL", help="Prometheus base URL")
    parser.add_argument(
        "--state-file", type=Path, metavar="PATH",
        help="sandbox state file (gives the Prometheus URL and component endpoints)",
    )  # fmt: skip
    parser.add_argument(
        "--dashboard", type=Path, metavar="PATH", action="append", default=[],
        help="Grafana dashboard JSON (also exported or API form), ConfigMap YAML, List/"
        "ConfigMapList, or a directory searched for .json/.yaml/.yml; repeatable "
        "(default: the shipped dashboard)",
    )  # fmt: skip
    parser.add_argument(
        "--datasource", action="append", default=[], metavar="NAME=TYPE",
        help="data source NAME referenced by plain name is of plugin TYPE (prometheus, loki, "
        "...); repeatable",
    )  # fmt: skip
    _judging_flags(parser)


def _judging_flags(parser: argparse.ArgumentParser) -> None:
    """How targets are judged and reported."""
    parser.add_argument(
        "--concurrency", type=_positive_int, default=8, metavar="N",
        help="queries in flight at once (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--max-data-points", type=_positive_int, default=None, metavar="N",
        help="Grafana's maxDataPoints for a half-width panel (12 of 24 columns) that sets none; "
        "panels w columns wide get N x w / 12. In a browser it is the panel's width in pixels, "
        f"so the default assumes a 1920-pixel window: {ASSUMED_PANEL_WIDTH}",
    )  # fmt: skip
    parser.add_argument(
        "--range", default="10m", help="dashboard time range, ending now (default 10m)"
    )
    parser.add_argument(
        "--endpoint", action="append", default=[], metavar="COMPONENT=URL",
        help="scrape this component's /metrics live and compare it with the catalog (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument(
        "--html", type=Path, metavar="FILE",
        help="also write the HTML report (the notebook's verify_stack.html) to FILE",
    )  # fmt: skip
    parser.add_argument(
        "--strict", action="store_true", help="warnings and filtered_out targets fail too"
    )
    parser.add_argument(
        "--deploy", action="store_true", help="server-side apply the manifests first"
    )


def endpoints(args: argparse.Namespace) -> dict[str, str]:
    """``--endpoint COMPONENT=URL`` values."""
    found: dict[str, str] = {}
    for item in args.endpoint:
        name, sep, url = item.partition("=")
        if not sep or name not in {c.value for c in Component}:
            raise CliError(
                f"--endpoint {item!r} must be COMPONENT=URL, e.g. watch=http://host:8080"
            )
        found[name] = url
    return found


def datasources(args: argparse.Namespace) -> dict[str, str]:
    """``--datasource NAME=TYPE`` values."""
    found: dict[str, str] = {}
    for item in args.datasource:
        name, sep, kind = item.partition("=")
        if not sep or not name or not kind:
            raise CliError(f"--datasource {item!r} must be NAME=TYPE, e.g. Loki=loki")
        found[name] = kind
    return found
