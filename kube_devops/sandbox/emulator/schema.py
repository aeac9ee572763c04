"""A custom resource's structural schema applied as the apiextensions server applies it.

``admit(obj, schema, strict)`` prunes the fields the schema does not declare (``strict``:
``fieldValidation=Strict``, where an unknown field is a 400 instead), fills schema ``default``s,
and returns the validation errors as ``(reason, field, message)``: ``type`` (with
``nullable``), ``enum``, ``minimum``, ``maximum``, ``pattern``, ``required``, ``minLength``,
``maxLength``, ``minItems`` and ``maxItems``; ``x-kubernetes-preserve-unknown-fields`` keeps
what is under it; ``metadata``, ``apiVersion`` and ``kind`` are left to the server. Not
covered: CEL rules (``x-kubernetes-validations``), formats, ``anyOf``/``oneOf``/``allOf``.
``unchanged(field, old, new)`` serves validation ratcheting on updates.
"""

from __future__ import annotations

import json
import re
from typing import Any

Schema = dict[str, Any]
Error = tuple[str, str, str]
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool}


def _quote(value: Any) -> str:
    """A value as the API server's messages show it: strings quoted, booleans lower-case."""
    if isinstance(value, str):
        return json.dumps(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    return "array" if isinstance(value, list) else "string"


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = _TYPES.get(kind)
    return expected is None or isinstance(value, expected)


_LIMITS = {  # keyword: (applies to, words, unit, whether it holds for (measure, bound))
    "minimum": ((int, float), "greater than or equal to", "", True),
    "maximum": ((int, float), "less than or equal to", "", False),
    "minLength": ((str,), "at least", " chars long", True),
    "maxLength": ((str,), "at most", " chars long", False),
    "minItems": ((list,), "at least", " items", True),
    "maxItems": ((list,), "at most", " items", False),
}


def _bounds(value: Any, schema: Schema, path: str) -> list[Error]:
    errors: list[Error] = []
    for key, (kinds, words, unit, lower) in _LIMITS.items():
        if key not in schema or not isinstance(value, kinds) or isinstance(value, bool):
            continue
        measure = value if isinstance(value, int | float) else len(value)
        if (measure >= schema[key]) if lower else (measure <= schema[key]):
            continue
        detail = f"{path} in body should be {words} {schema[key]}{unit}"
        shown = value if isinstance(value, int | float) else _quote(value)
        errors.append(("FieldValueInvalid", path, f"Invalid value: {shown}: {detail}"))
    return errors


def _scalar(value: Any, schema: Schema, path: str) -> list[Error]:
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(_quote(v) for v in schema["enum"])
        message = f"Unsupported value: {_quote(value)}: supported values: {allowed}"
        return [("FieldValueNotSupported", path, message)]
    pattern = schema.get("pattern")
    if pattern and isinstance(value, str) and re.search(pattern, value) is None:
        detail = f"{path} in body should match '{pattern}'"
        return [("FieldValueInvalid", path, f"Invalid value: {_quote(value)}: {detail}")]
    return _bounds(value, schema, path)


def _walk(value: Any, schema: Schema, path: str, strict: bool, errors: list[Error]) -> Any:
    kind = schema.get("type")
    if value is None:
        if not schema.get("nullable") and kind:
            detail = f'{path} in body must be of type {kind}: "null"'
            errors.append(("FieldValueInvalid", path, f'Invalid value: "null": {detail}'))
        return value
    if kind and not _type_ok(value, kind):
        name = _type_name(value)
        detail = f'{path} in body must be of type {kind}: "{name}"'
        errors.append(("FieldValueInvalid", path, f'Invalid value: "{name}": {detail}'))
        return value
    if isinstance(value, dict):
        return _object(value, schema, path, strict, errors)
    if isinstance(value, list):
        errors.extend(_bounds(value, schema, path))
        items = schema.get("items") or {}
        return [_walk(v, items, f"{path}[{i}]", strict, errors) for i, v in enumerate(value)]
    errors.extend(_scalar(value, schema, path))
    return value


def _object(value: dict[str, Any], schema: Schema, path: str, strict: bool,
            errors: list[Error]) -> dict[str, Any]:  # fmt: skip
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    keep_unknown = schema.get("x-kubernetes-preserve-unknown-fields") or extra is True
    result: dict[str, Any] = {}
    for key, item in value.items():
        child = f"{path}.{key}" if path else key
        declared = properties.get(key, extra if isinstance(extra, dict) else None)
        if declared is None and not keep_unknown:
            if strict:
                errors.append(("FieldValueUnknown", child, f'unknown field "{child}"'))
            continue  # pruned, as the API server does
        result[key] = item if declared is None else _walk(item, declared, child, strict, errors)
    for key, declared in properties.items():
        if key not in result and "default" in declared:
            result[key] = json.loads(json.dumps(declared["default"]))
    for key in schema.get("required") or []:
        if key not in result:
            child = f"{path}.{key}" if path else key
            errors.append(("FieldValueRequired", child, "Required value"))
    return result


def admit(obj: dict[str, Any], schema: Schema, strict: bool) -> tuple[dict[str, Any], list[Error]]:
    """``obj`` pruned and defaulted by ``schema``, and its validation errors (see the doc)."""
    errors: list[Error] = []
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}
    rest = {**schema, "properties": {k: v for k, v in (schema.get("properties") or {}).items()
                                     if k not in ("apiVersion", "kind", "metadata")}}  # fmt: skip
    admitted = _object(body, rest, "", strict, errors)
    head: dict[str, Any] = {k: obj[k] for k in ("apiVersion", "kind", "metadata") if k in obj}
    return {**head, **admitted}, errors


def _at(obj: Any, field: str) -> Any:
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        if name and isinstance(obj, dict):
            obj = obj.get(name)
        elif index and isinstance(obj, list) and int(index) < len(obj):
            obj = obj[int(index)]
        else:
            return None
    return obj


def unchanged(field: str, old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``field`` (``spec.items[0].name``) holds the same value in ``old`` and ``new``."""
    return bool(_at(old, field) == _at(new, field))
