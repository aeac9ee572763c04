"""Replace ``$var``, ``${var}``, ``${var:format}`` and ``[[var:format]]`` the way Grafana does.

Follows ``@grafana/scenes`` ``sceneInterpolator.ts``: the reference syntax is its
``VARIABLE_REGEX``; a format written in the reference wins over the caller's default format; no
format at all means ``glob``; an unknown format falls back to ``glob``; a ``CustomAllValue``
(``allValue``) is used as written and then interpolated again; a name that is not a variable is
left as written. Names of Grafana's own (``$__interval``, ``$__rate_interval``, ``$__range``, ...)
are left for :func:`kube_devops.verify.grafana.intervals.apply_builtins`, which does what the
Prometheus back end does with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kube_devops.verify.grafana.formats import FORMATS, Formatter, glob
from kube_devops.verify.grafana.values import ALL_TEXT, CustomAll, Value

VARIABLE_REGEX = re.compile(
    r"\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+?)(?::([A-Za-z0-9_]+))?\]\]"
    r"|\$\{([A-Za-z0-9_]+)(?:\.([^:^}]+))?(?::([^}]+))?\}"
)
_USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Scope:
    """What names mean while interpolating one text."""

    variables: Mapping[str, Value]
    macros: Mapping[str, str] = field(default_factory=dict)
    """Grafana's global names with a value here (``__from``, ``__to``, ``__dashboard``, ...)."""


@dataclass(slots=True)
class Interpolation:
    """The interpolated text and the variable names it used that are not defined."""

    text: str
    undefined: tuple[str, ...]


def interpolate(text: str, scope: Scope, default: Formatter | str | None = None) -> Interpolation:
    """``text`` with every defined variable replaced; see the module docstring for the rules."""
    undefined: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(4) or ""
        written = match.group(3) or match.group(6)
        variable = scope.variables.get(name)
        if variable is None:
            return _not_a_variable(match.group(0), name, written, scope, undefined)
        return _format(variable, written or default, scope)

    result = VARIABLE_REGEX.sub(replace, text)
    return Interpolation(result, tuple(dict.fromkeys(undefined)))


def _not_a_variable(
    written: str, name: str, fmt: str | None, scope: Scope, undefined: list[str]
) -> str:
    if name in scope.macros:
        return _macro(scope.macros[name], fmt)
    if not name.startswith("__") and _USER_NAME.fullmatch(name):
        undefined.append(name)
    return written


def _macro(value: str, fmt: str | None) -> str:
    """``$__from`` / ``$__to`` formats: ``date:seconds`` gives epoch seconds, others the value."""
    if fmt == "date:seconds" and value.isdigit():
        return str(round(int(value) / 1000))
    return value


def _format(variable: Value, fmt: Formatter | str | None, scope: Scope) -> str:
    value = variable.get()
    if isinstance(value, CustomAll):
        return interpolate(_custom_all(value, variable, fmt), scope).text
    if callable(fmt):
        return fmt(value, variable, ())
    name, *args = (fmt or "glob").split(":")
    return FORMATS.get(name, glob)(value, variable, tuple(args))


def _custom_all(value: CustomAll, variable: Value, fmt: Formatter | str | None) -> str:
    """``CustomAllValue.formatter``: ``text`` gives All, ``percentencode`` and ``queryparam``
    format it, anything else returns ``allValue`` as written."""
    if fmt == "text":
        return ALL_TEXT
    if fmt in {"percentencode", "queryparam"}:
        return FORMATS[fmt](value.value, variable, ())
    return value.value
