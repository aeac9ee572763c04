"""Log records are single JSON lines carrying their extra fields."""

from __future__ import annotations

import io
import json
import logging

from kube_devops.runtime.logging import configure_logging


def test_records_are_json_with_extra_fields() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
    try:
        logging.getLogger("kube_devops.test").warning("watch relisted", extra={"items": 3})
    finally:
        configure_logging("WARNING", io.StringIO())
    line = json.loads(stream.getvalue().strip())
    assert line["level"] == "warning"
    assert line["logger"] == "kube_devops.test"
    assert line["msg"] == "watch relisted"
    assert line["items"] == 3
    assert line["ts"].endswith("Z")
