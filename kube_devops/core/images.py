"""Container image references: parsing and the "is this image unpinned (latest)?" rule.

A reference is ``[registry/][path/]name[:tag][@digest]``. The registry is the first component when
it looks like a host (contains ``.`` or ``:``, or is ``localhost``) and more components follow, so
``registry.local:5000/team/app`` has registry ``registry.local:5000`` and no tag. The tag is taken
after the last ``:`` of the last component only.

An image is *latest* (unpinned) when it has neither tag nor digest, or its tag is ``latest`` in any
letter case and it has no digest. A digest pins an image, with or without a tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::[0-9]+)?|\[[0-9A-Fa-f:]+\](?::[0-9]+)?")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference."""

    registry: str | None
    """Registry host (with port), or None for the default registry."""
    path: str
    """Components between registry and name, joined by ``/`` (``""`` when none)."""
    name: str
    """Last path component, e.g. ``app``."""
    tag: str | None
    """Tag, or None when absent."""
    digest: str | None
    """Digest such as ``sha256:...``, or None when absent."""

    @property
    def is_latest(self) -> bool:
        """True when the image is not pinned: no digest, and no tag or tag ``latest`` (any case)."""
        if self.digest is not None:
            return False
        return self.tag is None or self.tag.lower() == "latest"

    @property
    def repository(self) -> str:
        """``[registry/][path/]name`` without tag and digest."""
        parts = [p for p in (self.registry, self.path, self.name) if p]
        return "/".join(parts)


def parse_image(ref: str) -> ImageRef:
    """Parse ``ref``; raises ValueError naming the reference and what is wrong with it."""
    text = ref.strip()
    if not text or text != ref:
        raise ValueError(f"image {ref!r}: empty or padded with spaces; write e.g. 'nginx:1.27'")
    remainder, digest = _split_digest(ref)
    components = remainder.split("/")
    registry: str | None = None
    if len(components) > 1 and _looks_like_host(components[0]):
        registry = components.pop(0)
        if not _HOST.fullmatch(registry):
            raise ValueError(f"image {ref!r}: registry {registry!r} is not a valid host[:port]")
    last = components[-1]
    tag: str | None = None
    if ":" in last:
        last, tag = last.rsplit(":", 1)
        if not _TAG.fullmatch(tag):
            raise ValueError(f"image {ref!r}: tag {tag!r} is not a valid tag")
    components[-1] = last
    for part in components:
        if not _COMPONENT.fullmatch(part):
            raise ValueError(
                f"image {ref!r}: path component {part!r} must be lower-case letters, digits "
                "and single separators (. _ -)"
            )
    return ImageRef(registry, "/".join(components[:-1]), components[-1], tag, digest)


def _split_digest(ref: str) -> tuple[str, str | None]:
    if "@" not in ref:
        return ref, None
    remainder, digest = ref.split("@", 1)
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"image {ref!r}: digest {digest!r} must look like 'sha256:<hex>'")
    return remainder, digest


def _looks_like_host(component: str) -> bool:
    return "." in component or ":" in component or component == "localhost"


@lru_cache(maxsize=65536)
def is_latest_image(image: str | None) -> bool:
    """True when ``image`` is unpinned. Missing, empty and unparseable references count as latest.

    Cached: a cluster runs few distinct images, so this is a dictionary lookup in steady state.
    """
    if not image:
        return True
    try:
        return parse_image(image).is_latest
    except ValueError:
        return True
