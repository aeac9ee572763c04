"""Structured logging: one JSON object per line on stderr.

Public API:

- ``configure_logging(level="INFO", stream=None)`` — install the JSON handler on the root logger
  (idempotent; ``stream`` defaults to ``sys.stderr``). Call it once, from the CLI.
- ``JsonFormatter`` — the formatter itself. Every record becomes
  ``{"ts", "level", "logger", "msg", ...extra fields..., "exc"?}``; fields passed with
  ``logger.info("watch relisted", extra={"resource": "pods", "items": 3})`` appear as keys.

Human-readable output belongs on stdout and never goes through logging.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any, TextIO

from kube_devops.core.times import rfc3339

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """Render a record as a single JSON line, including its ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": rfc3339(record.created, digits=3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str | int = "INFO", stream: TextIO | None = None) -> None:
    """Send every log record to ``stream`` (default stderr) as JSON; replaces earlier handlers."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_kube_devops", False):
            root.removeHandler(old)
    handler._kube_devops = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
