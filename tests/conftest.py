"""Shared fixtures for every test tier.

``kube_emulator`` — a kmock Kubernetes API emulator on loopback with a kubeconfig; see
``tests/support/emulator.py`` (and ``tests/support/README.md``) for what it offers.
"""

from __future__ import annotations

from tests.support.emulator import KubeEmulator, kube_emulator

__all__ = ["KubeEmulator", "kube_emulator"]
