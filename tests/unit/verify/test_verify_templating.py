"""Grafana template substitution and time context, with hand-worked expectations."""

from __future__ import annotations

from kube_devops.verify.templating import Resolved, TimeContext, step_for, substitute


def test_rate_interval_like_grafana() -> None:
    # 10 min at 200 points -> step 3 s; max(3 + 1, 4 x 1) = 4 s
    assert step_for(600, 1.0) == 3.0
    assert TimeContext(600, 3, 1).rate_interval == 4.0
    # 1 h at 200 points -> step 18 s; max(18 + 15, 4 x 15) = 60 s
    assert TimeContext(3600, step_for(3600, 15.0), 15).rate_interval == 60.0


def test_substitution_forms_all_and_multi_values() -> None:
    ctx = TimeContext(600, 3, 1)
    variables = {
        "ns": Resolved((), is_all=True, regex=True),
        "pol": Resolved(("a.b", "c"), regex=True),
        "one": Resolved(("x",)),
    }
    text = 'm{ns=~"$ns",p=~"${pol}",o="[[one]]"}[$__rate_interval] $__range $__interval $1'
    assert substitute(text, variables, ctx) == (
        'm{ns=~".*",p=~"(a\\\\.b|c)",o="x"}[4s] 10m 3s $1',
        (),
    )


def test_unknown_variables_are_reported() -> None:
    assert substitute('m{a=~"$nope"}', {}, TimeContext(60, 1, 1))[1] == ("nope",)
