"""Helpers of the end-to-end tier on the real control plane: the pinned kubectl, fresh
namespaces, JSON reads and polling."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.waiting import wait_until


@dataclass(frozen=True)
class Kubectl:
    """The kubectl built with the control plane, bound to one kubeconfig."""

    binary: Path
    kubeconfig: Path

    def run(
        self, *args: str, stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``kubectl ARGS``; with ``check`` a failure raises with its stderr."""
        argv = [str(self.binary), "--kubeconfig", str(self.kubeconfig), *args]
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed:\n{done.stderr}")
        return done

    def json(self, *args: str) -> Any:
        """``kubectl ARGS -o json``, decoded."""
        return json.loads(self.run(*args, "-o", "json").stdout)

    def as_user(self, kubeconfig: Path) -> Kubectl:
        """The same kubectl with another identity."""
        return Kubectl(self.binary, kubeconfig)


@contextmanager
def fresh_namespace(kubectl: Kubectl, prefix: str = "t") -> Iterator[str]:
    """A new namespace for one test, deleted afterwards (without waiting)."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    kubectl.run("create", "namespace", name)
    wait_until(
        lambda: (
            kubectl.run("get", "serviceaccount", "default", "-n", name, check=False).returncode == 0
        ),
        30,
        f"default ServiceAccount of {name}",
        every=0.25,
    )
    try:
        yield name
    finally:
        kubectl.run("delete", "namespace", name, "--wait=false", check=False)


def manifest(*docs: Mapping[str, Any]) -> str:
    """Documents as one JSON list kubectl reads from stdin."""
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": list(docs)})
