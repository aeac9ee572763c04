"""Grafana's variable format specifiers (``${var:csv}``, ...) and the Prometheus default format.

Follows ``@grafana/scenes`` ``variables/interpolation/formatRegistry.ts`` (one function per format
id) and, for ``$var`` without a format in a Prometheus query, ``interpolateQueryExpr`` with
``prometheusRegularEscape`` / ``prometheusSpecialRegexEscape`` of ``@grafana/prometheus``
``datasource.ts`` (classic escaping, without the ``prometheusSpecialCharsInLabelValues`` toggle).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import quote

from kube_devops.verify.grafana.values import Raw, Value

Formatter = Callable[[Raw, Value, tuple[str, ...]], str]

_REGEX_META = re.compile(r"[\\^$*+?.()|\[\]{}/]")
_PROM_META = re.compile(r"[$^*{}\[\]+?.()|]")
_LUCENE = re.compile(r"([!*+\-=<>\s&|()\[\]{}^~?:\\/\"])")


def _items(value: Raw) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _string(value: Raw) -> str:
    """JavaScript's ``String(value)``: arrays joined by commas."""
    return ",".join(value) if isinstance(value, tuple) else value


def _uri_component(text: str) -> str:
    """``encodeURIComponentStrict``: RFC 3986, ``!'()*`` encoded too."""
    return quote(text, safe="-_.~")


def _lucene_escape(text: str) -> str:
    try:
        float(text)
    except ValueError:
        return _LUCENE.sub(r"\\\1", text)
    return text


def _lucene(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    if isinstance(value, str):
        return _lucene_escape(value)
    if not value:
        return "__empty__"
    return "(" + " OR ".join(f'"{_lucene_escape(v)}"' for v in value) + ")"


def _regex(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    escaped = [_REGEX_META.sub(lambda m: "\\" + m.group(0), v) for v in _items(value)]
    if isinstance(value, str) or len(escaped) == 1:
        return escaped[0]
    return "(" + "|".join(escaped) + ")"


def _distributed(value: Raw, var: Value, _args: tuple[str, ...]) -> str:
    if isinstance(value, str):
        return value
    return ",".join(v if i == 0 else f"{var.name}={v}" for i, v in enumerate(value))


def glob(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    """The default format: several values as ``{a,b}``, one value as it is."""
    if isinstance(value, tuple) and len(value) > 1:
        return "{" + ",".join(value) + "}"
    return _string(value)


def _percentencode(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    text = "{" + ",".join(value) + "}" if isinstance(value, tuple) else value
    return _uri_component(text)


def _uriencode(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    text = "{" + ",".join(value) + "}" if isinstance(value, tuple) else value
    return quote(text, safe=";,/?:@&=+$-_.~#")


def _quoted(quote_char: str, escaped: str) -> Formatter:
    def format_quoted(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
        return ",".join(
            quote_char + v.replace(quote_char, escaped) + quote_char for v in _items(value)
        )

    return format_quoted


def _sqlstring(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    return ",".join("'" + v.replace("'", "''").replace('"', '\\"') + "'" for v in _items(value))


def _queryparam(_value: Raw, var: Value, _args: tuple[str, ...]) -> str:
    """``var-NAME=VALUE`` per value, from the variable's URL state (All is ``$__all``)."""
    key = quote(f"var-{var.name}", safe="-_.~@:$,;")
    return "&".join(f"{key}={quote(v, safe='-_.~@:$,;')}" for v in _items(var.url_value()))


def _text(_value: Raw, var: Value, _args: tuple[str, ...]) -> str:
    return var.value_text()


def _json_format(value: Raw, _var: Value, _args: tuple[str, ...]) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)


def _join(value: Raw, _var: Value, args: tuple[str, ...]) -> str:
    return (args[0] if args else ",").join(value) if isinstance(value, tuple) else value


FORMATS: dict[str, Formatter] = {
    "lucene": _lucene,
    "raw": lambda value, _var, _args: _string(value),
    "regex": _regex,
    "pipe": lambda value, _var, _args: "|".join(_items(value)),
    "distributed": _distributed,
    "csv": lambda value, _var, _args: _string(value),
    "json": _json_format,
    "percentencode": _percentencode,
    "uriencode": _uriencode,
    "singlequote": _quoted("'", "\\'"),
    "doublequote": _quoted('"', '\\"'),
    "sqlstring": _sqlstring,
    "join": _join,
    "glob": glob,
    "text": _text,
    "queryparam": _queryparam,
}


def prometheus_regular_escape(value: str) -> str:
    """``prometheusRegularEscape``: backslash doubled, ``'`` becomes ``\\\\'``."""
    return value.replace("\\", "\\\\").replace("'", "\\\\'")


def prometheus_regex_escape(value: str) -> str:
    """``prometheusSpecialRegexEscape``: a regex-safe value inside a PromQL double-quoted string."""
    return _PROM_META.sub(lambda m: "\\\\" + m.group(0), value.replace("\\", "\\\\\\\\"))


def prometheus(value: Raw, var: Value, _args: tuple[str, ...]) -> str:
    """``interpolateQueryExpr``: plain escape unless multi or include-All, then a regex group."""
    if not var.multi and not var.include_all:
        return prometheus_regular_escape(value) if isinstance(value, str) else _string(value)
    if isinstance(value, str):
        return prometheus_regex_escape(value)
    escaped = [prometheus_regex_escape(v) for v in value]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"
