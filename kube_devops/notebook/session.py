"""What the notebooks call: connect to a stack (own sandbox, a sandbox state file, or a real
cluster and Prometheus), verify it, and keep the timings the main job reports.

A kernel keeps one session (:meth:`StackSession.for_kernel`): re-running the start cell with the
same parameters reuses the running sandbox instead of starting a second one. When the kernel
exits (shut down, restarted, or sent SIGTERM) the sandbox is stopped and its files removed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kube_devops.notebook.exit_hooks import close_on_exit
from kube_devops.notebook.report_html import write_html
from kube_devops.sandbox.apis import api_kind
from kube_devops.sandbox.launcher import Sandbox
from kube_devops.sandbox.settings import SandboxSettings
from kube_devops.sandbox.state import SandboxState, read_usable
from kube_devops.verify.report import Report
from kube_devops.verify.run import VerifySettings, verify


@dataclass(frozen=True, slots=True)
class StackParameters:
    """The notebook parameters (see ``notebooks/verify_stack.ipynb``)."""

    mode: str = "sandbox"
    """``sandbox`` (start one on loopback, or use ``state_file``) or ``cluster``."""
    kubeconfig: str | None = None
    """Cluster mode: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)."""
    context: str | None = None
    """Cluster mode: kubeconfig context."""
    namespace: str = "kube-devops"
    """Namespace kube-devops is deployed in."""
    prometheus_url: str | None = None
    """Cluster mode: Prometheus base URL (required there)."""
    dashboards: str | Sequence[str] = ()
    """Dashboard files, ConfigMap YAMLs, Lists or directories to verify; empty is the shipped
    dashboard."""
    base_port: int = 0
    """Sandbox mode: first port of the sandbox's services; 0 picks free ports."""
    deploy: bool = False
    """Cluster mode: server-side apply the manifests first."""
    wait_seconds: float = 0.0
    """Extra seconds to wait before querying (lets rate() windows fill on a fresh deploy)."""
    strict: bool = False
    """Warnings fail too."""
    report_dir: str = "reports"
    """Where the JSON report and HTML export go (relative: under the working directory)."""
    state_file: str | None = None
    """Sandbox mode: use the sandbox this ``kube-devops sandbox --state-file`` wrote."""
    range: str = "5m"
    """Range of the range queries."""
    endpoints: dict[str, str] = field(default_factory=dict)
    """Cluster mode: component -> base URL to scrape live (e.g. through port-forwards)."""
    api: str = "emulated"
    """Sandbox mode: ``emulated`` API, or ``real`` control plane (``kube-devops sandbox --api``)."""


def dashboard_paths(value: str | Sequence[str]) -> tuple[str, ...]:
    """The notebook's ``dashboards`` parameter as paths: a list (``-y``), or the text papermill's
    ``-p dashboards '["a.json", "dir"]'`` passes (a YAML/JSON list, or one path)."""
    if not isinstance(value, str):
        return tuple(str(v) for v in value)
    text = value.strip()
    if not text:
        return ()
    if text.startswith("["):
        try:
            found = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ValueError(f"parameter dashboards={value!r} is not a list: {err}") from None
        return tuple(str(v) for v in found or [])
    return (text,)


class StackSession:
    """One notebook run: ``start()``, ``verify()``, ``write_reports()``, ``close()``."""

    _current: StackSession | None = None
    """The kernel's session (see :meth:`for_kernel`)."""

    @classmethod
    def for_kernel(cls, params: StackParameters) -> StackSession:
        """The kernel's session: the open one when ``params`` are the same (a re-run start
        cell), otherwise a new one (the previous one closed first)."""
        current = cls._current
        if current is not None and current.params == params and not current.closed:
            return current
        if current is not None:
            current.close()
        cls._current = cls(params)
        return cls._current

    def __init__(self, params: StackParameters) -> None:
        if params.mode not in {"sandbox", "cluster"}:
            raise ValueError(f"parameter mode={params.mode!r}: use 'sandbox' or 'cluster'")
        api_kind(params.api)  # ValueError naming the allowed values
        if params.mode == "cluster" and not params.prometheus_url:
            raise ValueError(
                "cluster mode needs the parameter prometheus_url (Prometheus base URL)"
            )
        self.params = params
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self.sandbox: Sandbox | None = None
        self.state: SandboxState | None = None
        self.report: Report | None = None
        self.closed = False

    def start(self) -> dict[str, Any]:
        """Bring the stack up (or connect to it) once; returns the connection details."""
        if self.state is not None:
            print("already started: reusing it")
            return self.connection()
        p, began = self.params, time.perf_counter()
        if p.mode == "sandbox" and p.state_file:
            self.state = read_usable(Path(p.state_file))
        elif p.mode == "sandbox":
            settings = SandboxSettings(base_port=p.base_port, api=p.api)
            self.sandbox = Sandbox(settings, progress=print)
            close_on_exit(self.close)
            self.state = self.sandbox.start()
            self.timings["sandbox_until_targets_up"] = self.state.timings.get("targets_up", 0.0)
        else:
            self._deploy()
        if p.wait_seconds:
            print(f"waiting {p.wait_seconds:g}s for data")
            time.sleep(p.wait_seconds)
        self.timings["start"] = time.perf_counter() - began
        return self.connection()

    def connection(self) -> dict[str, Any]:
        """Prometheus URL, kubeconfig and component endpoints in use."""
        if self.state is not None:
            return self.state.to_json()
        return {
            "prometheus_url": self.params.prometheus_url,
            "kubeconfig": self.params.kubeconfig,
            "endpoints": dict(self.params.endpoints),
        }

    def _deploy(self) -> None:
        if not self.params.deploy:
            return
        from kube_devops.kube.config import ClusterConfig
        from kube_devops.notebook.deploy import apply_manifests, kube_devops_manifests

        cluster = ClusterConfig(self.params.kubeconfig, self.params.context)
        apply_manifests(cluster, kube_devops_manifests(self.params.namespace), progress=print)

    def verify(self) -> Report:
        """Run the verifier against the connected stack."""
        from kube_devops.core.promql import parse_duration

        if self.sandbox is not None and self.sandbox.state and self.sandbox.state.degraded:
            down = ", ".join(self.sandbox.state.degraded)
            raise RuntimeError(f"the sandbox has {down} down (restarting): verify again shortly")
        info, began = self.connection(), time.perf_counter()
        settings = VerifySettings(
            prometheus_url=str(info["prometheus_url"]),
            dashboards=tuple(Path(p) for p in dashboard_paths(self.params.dashboards)),
            endpoints=info.get("endpoints") or {},
            range_seconds=parse_duration(self.params.range),
            strict=self.params.strict,
        )
        self.report = verify(settings, progress=print)
        self.timings["verify"] = time.perf_counter() - began
        self.timings["slowest_panel_query"] = self.report.timings.get("slowest_query", 0.0)
        return self.report

    def write_reports(self) -> tuple[Path, Path]:
        """Write ``verify_report.json`` and ``verify_stack.html`` into the report directory."""
        assert self.report is not None, "call verify() first"
        folder = Path(self.params.report_dir).absolute()
        self.timings["total"] = time.perf_counter() - self.started
        json_path = self.report.write_json(folder / "verify_report.json")
        html_path = write_html(
            self.report, folder / "verify_stack.html", "kube-devops stack", self.timings
        )
        return json_path, html_path

    def timing_lines(self) -> str:
        """The timings, one per line, for the notebook's closing output."""
        return "\n".join(f"{name:<28} {seconds:8.3f} s" for name, seconds in self.timings.items())

    def close(self) -> None:
        """Stop the sandbox this session started (if any)."""
        self.closed = True
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
