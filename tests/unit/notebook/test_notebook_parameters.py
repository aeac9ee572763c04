"""The notebook's ``dashboards`` parameter: papermill's ``-p`` passes text, ``-y`` a list."""

from __future__ import annotations

import pytest

from kube_devops.notebook.session import dashboard_paths


@pytest.mark.parametrize(
    ("value", "paths"),
    [
        ('["a.json", "dir/"]', ("a.json", "dir/")),
        ("[a.json, b.yaml]", ("a.json", "b.yaml")),
        ("kube-prometheus.yaml", ("kube-prometheus.yaml",)),
        (["a.json"], ("a.json",)),
        ("[]", ()),
        ("", ()),
        ((), ()),
    ],
)
def test_dashboards_parameter(value: str | list[str], paths: tuple[str, ...]) -> None:
    assert dashboard_paths(value) == paths


def test_dashboards_parameter_that_is_not_a_list_names_it() -> None:
    with pytest.raises(ValueError, match=r"parameter dashboards='\[a.json' is not a list"):
        dashboard_paths("[a.json")
