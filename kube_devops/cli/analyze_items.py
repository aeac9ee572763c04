"""Reading YAML Lists item by item (``kubectl get -o yaml`` prints one List).

``yaml.load_all`` builds a whole document before handing it on: a 50 MB List took 72 s and
2.5 GB. Here PyYAML's composer runs over libyaml's events (``SafeLoader`` without libyaml): each
item of a top-level ``items`` sequence is composed, built and handed on alone, as ``CSafeLoader``
would build it. The other fields of a List are dropped (they hold nothing to analyse); a document
that is not a List keeps them, and its items are handed on first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from kube_devops.cli.analyze_stream import Part, StreamError


def item_parts(stream: Any) -> Iterator[Part]:
    """Documents of the stream, the items of top-level ``items`` sequences one at a time.

    Raises :class:`StreamError` where the input stops being readable.
    """
    loader = item_loader()(stream)
    index = 1
    try:
        loader.get_event()  # stream start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # document start
            if loader.check_event(yaml.MappingStartEvent):
                yield from (Part(index, i, d) for i, d in _mapping_parts(loader))
            else:
                yield Part(index, None, loader.construct_document(loader.compose_node(None, None)))
            loader.get_event()  # document end
            loader.anchors = {}
            index += 1
    except yaml.YAMLError as err:
        raise StreamError(index, err) from None
    finally:
        loader.dispose()


def _mapping_parts(loader: Any) -> Iterator[tuple[int | None, Any]]:
    """A top-level mapping: each item of its ``items`` sequence, then the mapping without them
    unless it is a List (whose other fields hold nothing to analyse)."""
    loader.get_event()  # mapping start
    rest: dict[Any, Any] = {}
    items = 0
    while not loader.check_event(yaml.MappingEndEvent):
        key = loader.construct_document(loader.compose_node(None, None))
        if key == "items" and loader.check_event(yaml.SequenceStartEvent):
            loader.get_event()
            while not loader.check_event(yaml.SequenceEndEvent):
                yield items, loader.construct_document(loader.compose_node(None, None))
                items += 1
            loader.get_event()
            rest[key] = []
        else:
            rest[key] = loader.construct_document(loader.compose_node(None, None))
    loader.get_event()  # mapping end
    if not items or not str(rest.get("kind") or "").endswith("List"):
        yield None, rest


def item_loader() -> Any:
    """PyYAML's composer (node by node) over libyaml's parser when PyYAML has libyaml, else
    ``SafeLoader``: objects as ``CSafeLoader`` builds them, any subtree composed alone."""
    if not hasattr(yaml, "CSafeLoader"):
        return yaml.SafeLoader
    from yaml._yaml import CParser

    class ItemLoader(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return ItemLoader
