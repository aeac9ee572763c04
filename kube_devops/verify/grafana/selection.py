"""Which option(s) a variable takes once its options are known.

Follows ``@grafana/scenes`` ``MultiValueVariable.getStateUpdateGivenNewOptions``: no options gives
All when the variable includes All (``defaultToAll`` is ``includeAll`` for dashboards), else ``[]``
(multi) or ``""``; a saved All stays All while the variable includes All; multi-value keeps the
saved values still among the options, else the default; single-value keeps the option whose value
(or, failing that, text) is the saved one, else the default. The default is All for a variable
that includes All, else the first option. A saved value no longer offered is never used.
"""

from __future__ import annotations

from collections.abc import Sequence

from kube_devops.verify.grafana.options import Option
from kube_devops.verify.grafana.values import ALL_TEXT, ALL_VALUE, Raw, Value
from kube_devops.verify.grafana.variables import Variable


def select(variable: Variable, options: Sequence[Option]) -> Value:
    """The variable's value given its new options."""
    value, text = _choose(variable, options)
    return Value(
        name=variable.name,
        type=variable.type,
        value=value,
        text=text,
        options=tuple(v for _, v in options),
        option_texts=tuple(t for t, _ in options),
        multi=variable.multi,
        include_all=variable.include_all,
        all_value=variable.all_value,
    )


def _choose(variable: Variable, options: Sequence[Option]) -> tuple[Raw, Raw]:
    current = variable.current_value
    if not options:
        if variable.include_all:
            return ALL_VALUE, ALL_TEXT
        return ((), ()) if variable.multi else ("", "")
    if _is_all(current):
        if variable.include_all:
            return current, ALL_TEXT
        text, value = options[0]
        return _multi((value, text)) if variable.multi else (value, text)
    if variable.multi:
        return _keep_multi(variable, options)
    return _keep_single(variable, options)


def _is_all(value: Raw) -> bool:
    if isinstance(value, tuple):
        return bool(value) and value[0] == ALL_VALUE
    return value == ALL_VALUE


def _multi(pair: tuple[str, str]) -> tuple[Raw, Raw]:
    return (pair[0],), (pair[1],)


def _default(variable: Variable, options: Sequence[Option]) -> tuple[Raw, Raw]:
    if variable.include_all:
        return ((ALL_VALUE,), (ALL_TEXT,)) if variable.multi else (ALL_VALUE, ALL_TEXT)
    text, value = options[0]
    return _multi((value, text)) if variable.multi else (value, text)


def _keep_multi(variable: Variable, options: Sequence[Option]) -> tuple[Raw, Raw]:
    current = variable.current_value
    wanted = current if isinstance(current, tuple) else (current,)
    texts = {value: text for text, value in reversed(options)}
    valid = tuple(v for v in wanted if v in texts)
    if not valid:
        return _default(variable, options)
    return valid, tuple(texts[v] for v in valid)


def _keep_single(variable: Variable, options: Sequence[Option]) -> tuple[Raw, Raw]:
    value, text = variable.current_value, variable.current_text
    by_value = next((o for o in options if o[1] == value), None)
    by_text = next((o for o in reversed(options) if o[0] == text), None)
    found = by_value or by_text
    if found is None:
        return _default(variable, options)
    return found[1], found[0]
