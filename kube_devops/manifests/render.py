"""YAML rendering of manifests: multi-document, builder key order, long text as blocks."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """A safe dumper: multi-line strings (the dashboard JSON) as ``|`` blocks, no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
# Vocabularies (``StrEnum``) are written as their words.
_Dumper.add_multi_representer(StrEnum, lambda dumper, value: _represent_str(dumper, str(value)))


def to_yaml(document: Any) -> str:
    """One document as YAML text."""
    text: str = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100
    )
    return text


def to_multi_yaml(documents: Iterable[Any]) -> str:
    """Several documents, each starting with ``---``, for ``kubectl apply -f -``."""
    return "".join(f"---\n{to_yaml(document)}" for document in documents)


def load_all(text: str) -> list[Any]:
    """Parse multi-document YAML back into objects (empty documents dropped)."""
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]
