"""One running ``prometheus`` process: :class:`RunningPrometheus`.

:func:`kube_devops.sandbox.prometheus.start_prometheus` makes it. It is a
:class:`~kube_devops.sandbox.child.Child` whose ``ready()`` asks ``/-/ready``, and a context
manager that stops it.
"""

from __future__ import annotations

from pathlib import Path

from kube_devops.sandbox.child import Child


class RunningPrometheus(Child):
    """A started Prometheus process, probed on ``/-/ready``; ``stop()`` (or leaving the ``with``
    block) ends it."""

    def __init__(self, argv: list[str], log_path: Path, url: str) -> None:
        self.url = url
        super().__init__(argv, log_path, f"{url}/-/ready")

    def __enter__(self) -> RunningPrometheus:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
