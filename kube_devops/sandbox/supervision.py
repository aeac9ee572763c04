"""A ready sandbox under supervision.

:class:`Supervision` starts a :class:`~kube_devops.sandbox.supervisor.Supervisor` over the
sandbox's processes (:class:`~kube_devops.sandbox.parts.Parts`) and keeps its
:class:`~kube_devops.sandbox.state.SandboxState` current, and the state file with it, whenever a
process dies or comes back; ``hold(name)`` stops watching one stopped on purpose, ``stop()``
ends the supervisor and removes the state file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from kube_devops.sandbox.parts import Parts
from kube_devops.sandbox.ports import SandboxPorts
from kube_devops.sandbox.state import SandboxState
from kube_devops.sandbox.supervisor import Backoff, Status, Supervisor


class Supervision:
    """The state of a ready sandbox, kept current by a supervisor of its processes."""

    def __init__(self, state: SandboxState, state_file: Path | None) -> None:
        self.state = state
        self.state_file = state_file
        self._supervisor: Supervisor | None = None

    def start(
        self, parts: Parts, ports: SandboxPorts, say: Callable[[str], None], backoff: Backoff
    ) -> None:
        """Write the state (file) with every process up, then supervise them."""
        children = {name: child for name, (child, _port) in parts.children(ports).items()}
        self._supervisor = Supervisor(children, self._on_change, say, backoff, parts.programs())
        self._on_change(self._supervisor.status)
        self._supervisor.start()

    def _on_change(self, status: dict[str, Status]) -> None:
        """A process died or came back: the state (and its file) say so."""
        processes = {name: s.to_json() for name, s in status.items()}
        self.state = dataclasses.replace(self.state, processes=processes)
        if self.state_file is not None:
            self.state.write(self.state_file)

    def hold(self, name: str) -> None:
        """Stop watching the process ``name`` (it is being stopped on purpose and stays down)."""
        if self._supervisor is not None:
            self._supervisor.hold(name)

    def stop(self) -> None:
        """End the supervisor (it restarts nothing from now on) and remove the state file."""
        if self._supervisor is not None:
            self._supervisor.stop()
            self._supervisor = None
        if self.state_file is not None:
            self.state_file.unlink(missing_ok=True)
