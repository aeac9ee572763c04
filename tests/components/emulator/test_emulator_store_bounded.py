"""Churn does not grow the emulator's store: deleted objects are dropped beyond the most recent
``TOMBSTONES``, while every DELETE is still answered with the object and a later GET is a 404."""

from __future__ import annotations

import pytest
from kubernetes import client

from kube_devops.sandbox.emulator.writes import TOMBSTONES
from tests.support.emulator import KubeEmulator
from tests.support.kube_models import body, meta


def _config_map(name: str) -> client.V1ConfigMap:
    return body(
        client.V1ConfigMap,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}},
    )


def test_deleted_objects_beyond_the_tombstones_leave_the_store(
    kube_emulator: KubeEmulator,
) -> None:
    core = kube_emulator.core
    churned = TOMBSTONES + 36  # 100 objects created and deleted
    for i in range(churned):
        core.create_namespaced_config_map("default", _config_map(f"c{i}"))
        answer = core.delete_namespaced_config_map(f"c{i}", "default")
        assert answer is not None  # the DELETE is answered (kmock answers from the store)
    core.create_namespaced_config_map("default", _config_map("kept"))

    stored = kube_emulator.thread.call(lambda emu: len(list(emu.objects.keys())))
    live = kube_emulator.thread.call(
        lambda emu: sum(1 for obj in emu.objects.values() if not obj.deleted)
    )
    assert stored - live == TOMBSTONES  # only the 64 most recent deletions are kept
    with pytest.raises(client.ApiException) as gone:
        core.read_namespaced_config_map("c0", "default")
    assert gone.value.status == 404
    assert meta(core.read_namespaced_config_map("kept", "default")).name == "kept"


def test_a_name_deleted_again_after_its_tombstone_is_answered(
    kube_emulator: KubeEmulator,
) -> None:
    core = kube_emulator.core
    for _ in range(3):  # the same names churned past the tombstones three times: every
        for i in range(TOMBSTONES):  # DELETE must be answered (an error would raise here)
            core.create_namespaced_config_map("default", _config_map(f"c{i}"))
            assert core.delete_namespaced_config_map(f"c{i}", "default") is not None
    core.create_namespaced_config_map("default", _config_map("c0"))
    core.delete_namespaced_config_map("c0", "default")
    with pytest.raises(client.ApiException) as gone:
        core.read_namespaced_config_map("c0", "default")
    assert gone.value.status == 404
