"""Which data source plugin runs a panel target, as Grafana resolves it.

A target's own ``datasource`` wins; otherwise the panel's; otherwise the instance's default data
source. A reference is an object ``{"type", "uid"}`` or (older dashboards) a plain name. ``$var``
and ``${var}`` name a datasource variable (its ``query`` is the plugin type); ``${DS_X}`` in an
exported dashboard names an entry of ``__inputs`` (its ``pluginId``). ``-- Mixed --`` leaves the
choice to each target; ``-- Dashboard --`` reuses another panel's results; ``-- Grafana --`` is
Grafana's built-in test data; ``__expr__`` is a server-side expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kube_devops.verify.grafana.panels import as_list
from kube_devops.verify.grafana.variables import read_variables

MIXED = "-- Mixed --"
DASHBOARD = "-- Dashboard --"
_SPECIAL = {DASHBOARD: "datasource", "-- Grafana --": "grafana", "grafana": "grafana",
            "__expr__": "__expr__", "-- Expression --": "__expr__"}  # fmt: skip
_PLUGIN_WORDS = {
    "prometheus": "prometheus", "mimir": "prometheus", "thanos": "prometheus",
    "cortex": "prometheus", "victoriametrics": "prometheus", "loki": "loki", "tempo": "tempo",
    "jaeger": "jaeger", "zipkin": "zipkin", "elasticsearch": "elasticsearch",
    "opensearch": "opensearch", "influxdb": "influxdb", "influx": "influxdb",
    "graphite": "graphite", "testdata": "testdata", "mysql": "mysql", "postgres": "postgres",
    "postgresql": "postgres", "mssql": "mssql", "cloudwatch": "cloudwatch",
    "pyroscope": "pyroscope",
}  # fmt: skip
_VARIABLE = re.compile(r"^\$\{?([A-Za-z0-9_]+)(?::[^}]*)?\}?$")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A target's data source: the plugin type, or ``None`` with the name nobody mapped."""

    type: str | None
    name: str = ""
    by_name: bool = False
    """The type was taken from a plugin name in the data source's name (``Loki`` is loki)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What names mean in one dashboard."""

    mapping: Mapping[str, str]
    """``--datasource NAME=TYPE``: plain names (and uids) to plugin types."""
    default_type: str
    inputs: Mapping[str, str]
    """``__inputs`` names (``DS_PROMETHEUS``) to plugin ids."""
    variables: Mapping[str, str]
    """Datasource variables to the plugin type in their query."""


def context_for(raw: Mapping[str, Any], mapping: Mapping[str, str], default_type: str) -> Context:
    """The data source names of one dashboard JSON model."""
    inputs = {
        str(i.get("name")): str(i.get("pluginId") or "")
        for i in as_list(raw.get("__inputs"))
        if isinstance(i, Mapping) and i.get("type", "datasource") == "datasource"
    }
    variables = {v.name: v.query for v in read_variables(raw) if v.type == "datasource"}
    return Context(dict(mapping), default_type, inputs, variables)


def reference_type(reference: Any, ctx: Context) -> str | None:
    """The plugin type of a data source reference (a variable's), the default one when empty."""
    if reference in (None, "", {}):
        return ctx.default_type
    return _reference(reference, ctx).type


def resolve(target: Mapping[str, Any], panel: Mapping[str, Any], ctx: Context) -> Resolved:
    """The data source of ``target`` in ``panel``."""
    own = target.get("datasource")
    if own not in (None, "", {}):
        return _reference(own, ctx)
    shared = panel.get("datasource")
    if shared in (None, "", {}) or _is_mixed(shared):
        return Resolved(ctx.default_type)
    return _reference(shared, ctx)


def _is_mixed(reference: Any) -> bool:
    if isinstance(reference, Mapping):
        return bool(reference.get("uid") == MIXED or reference.get("type") == "mixed")
    return bool(reference == MIXED)


def _reference(reference: Any, ctx: Context) -> Resolved:
    if isinstance(reference, Mapping):
        uid, kind = str(reference.get("uid") or ""), str(reference.get("type") or "")
        if uid in _SPECIAL:
            return Resolved(_SPECIAL[uid], uid)
        if kind and not _VARIABLE.match(kind):
            return Resolved(kind, uid)
        return _name(uid, ctx) if uid else Resolved(ctx.default_type)
    return _name(str(reference), ctx)


def _name(name: str, ctx: Context) -> Resolved:
    if name in _SPECIAL:
        return Resolved(_SPECIAL[name], name)
    if name in ctx.mapping:
        return Resolved(ctx.mapping[name], name)
    variable = _VARIABLE.match(name)
    key = variable.group(1) if variable else name
    if variable:
        found = ctx.inputs.get(key) or ctx.variables.get(key) or ctx.mapping.get(key)
        if found:
            return Resolved(found, name)
    if name.lower() in {"default", ctx.default_type}:
        return Resolved(ctx.default_type, name)
    return Resolved(_plugin_in(key), name, by_name=True)


def _plugin_in(name: str) -> str | None:
    """The one plugin a data source name names (Grafana names a new data source after its
    plugin: ``Loki``, ``TestData``, ``Prometheus-2``), or None."""
    words = set(re.findall(r"[a-z]+", name.lower()))
    found = {plugin for word, plugin in _PLUGIN_WORDS.items() if word in words}
    return found.pop() if len(found) == 1 else None
