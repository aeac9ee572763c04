"""Label and field selectors of the emulator's lists and watches."""

from __future__ import annotations

from typing import Any

import kmock
import pytest

from kube_devops.sandbox.emulator.selectors import matcher

POD: dict[str, Any] = {
    "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web", "tier": "front"}},
    "status": {"phase": "Running"},
}


@pytest.mark.parametrize(
    ("params", "selected"),
    [
        ({"labelSelector": "app=web"}, True),
        ({"labelSelector": "app==web,tier=back"}, False),
        ({"labelSelector": "app in (api, web)"}, True),
        ({"labelSelector": "app notin (api,web)"}, False),
        ({"labelSelector": "tier,!canary"}, True),
        ({"labelSelector": "!tier"}, False),
        ({"labelSelector": "canary!=yes"}, True),
        ({"fieldSelector": "metadata.name=web-1,status.phase!=Pending"}, True),
        ({"fieldSelector": "spec.nodeName="}, True),
        ({"fieldSelector": "metadata.namespace=other"}, False),
    ],
)
def test_selectors_select(params: dict[str, str], selected: bool) -> None:
    select = matcher(params)
    assert select is not None
    assert select(POD) is selected


def test_no_selector_and_a_bad_one() -> None:
    assert matcher({"limit": "500"}) is None
    with pytest.raises(kmock.KubernetesError) as err:
        matcher({"labelSelector": "app in web"})
    assert err.value.status == 400
