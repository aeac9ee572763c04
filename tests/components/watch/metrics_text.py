"""Read a /metrics text exposition into ``{(name, labels...): value}``."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, ...], float]:
    """Every sample keyed by its name followed by its sorted ``label=value`` pairs."""
    found: dict[tuple[str, ...], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[(sample.name, *labels)] = sample.value
    return found
