"""A template variable's current state as Grafana's interpolator sees it.

Mirrors ``@grafana/scenes`` ``MultiValueVariable`` (``getValue``, ``getValueText``,
``hasAllValue``, ``CustomAllValue``) and ``LocalValueVariable`` (the single value a repeated panel
or row is given).
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_VALUE = "$__all"
ALL_TEXT = "All"

Raw = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustomAll:
    """The ``allValue`` of a variable whose value is All: used as written, never escaped."""

    value: str


@dataclass(frozen=True, slots=True)
class Value:
    """One variable's chosen value(s), its options and the flags formatting depends on."""

    name: str
    type: str
    value: Raw
    """A string, or a tuple for a multi-value variable; ``$__all`` (or ``("$__all",)``) for All."""
    text: Raw
    options: tuple[str, ...] = ()
    """Every option's value (All excluded): what All expands to."""
    option_texts: tuple[str, ...] = ()
    """Every option's text, in the order of ``options``."""
    multi: bool = False
    include_all: bool = False
    all_value: str | None = None

    @property
    def is_all(self) -> bool:
        """Whether All is chosen (scenes ``hasAllValue``)."""
        if isinstance(self.value, tuple):
            return bool(self.value) and self.value[0] == ALL_VALUE
        return self.value == ALL_VALUE

    def get(self) -> Raw | CustomAll:
        """What formatters get (scenes ``getValue``): All is ``allValue`` or every option."""
        if self.is_all:
            return CustomAll(self.all_value) if self.all_value else self.options
        return self.value

    def value_text(self) -> str:
        """The picker's text (scenes ``getValueText``): ``All``, or texts joined by `` + ``."""
        if self.is_all:
            return ALL_TEXT
        return " + ".join(self.text) if isinstance(self.text, tuple) else self.text

    def values(self) -> tuple[tuple[str, str], ...]:
        """(value, text) of every value the variable stands for: each option for All, else the
        chosen ones (dashboard-scene ``getMultiVariableValues``)."""
        if self.is_all:
            return tuple(zip(self.options, self.option_texts or self.options, strict=False))
        values = self.value if isinstance(self.value, tuple) else (self.value,)
        texts = self.text if isinstance(self.text, tuple) else (self.text,)
        return tuple(zip(values, texts + values[len(texts) :], strict=False))

    def url_value(self) -> Raw:
        """The value as the dashboard URL carries it (``var-NAME=...``)."""
        if isinstance(self.value, tuple) or not self.multi:
            return self.value
        return (self.value,)

    def scoped(self, value: str, text: str) -> Value:
        """The single value a repeated panel or row is given (scenes ``LocalValueVariable``)."""
        return Value(
            self.name, self.type, value, text, (value,), (text,), self.multi, self.include_all
        )
