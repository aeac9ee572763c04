"""HTTP details of talking to Prometheus that prometheus-api-client leaves to its caller: the
session's environment settings, readable error reasons, the shapes of its answers, and what a URL
that is not Prometheus answered instead."""

from __future__ import annotations

import ast
import json
import os
import re
from datetime import UTC, datetime
from typing import Any

import requests

from kube_devops.verify.model import Series


def session(url: str, verify_tls: bool) -> requests.Session:
    """A session that reads the proxy and CA bundle settings of the environment once, not on
    every request (requests re-reads the environment per call, a third of a small query's CPU)."""
    session = requests.Session()
    session.proxies = dict(requests.utils.get_environ_proxies(url))
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    session.verify = (bundle or True) if verify_tls else False
    session.trust_env = False
    return session


def reason(err: requests.RequestException) -> str:
    """The operating system's words (``Connection refused``) out of urllib3's long message."""
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(err))
    if found:
        return found.group(1).strip()
    if isinstance(err, requests.Timeout):
        return "no answer in time"
    return str(err)


def answers_query(response: requests.Response) -> bool:
    """Whether ``response`` is Prometheus's answer to a query: HTTP 200 and the JSON envelope
    ``{"status": "success", "data": {"resultType": ..., "result": ...}}``."""
    body = _json(response.content)
    if response.status_code != 200 or not isinstance(body, dict):
        return False
    data = body.get("data")
    return body.get("status") == "success" and isinstance(data, dict) and "resultType" in data


def not_prometheus(url: str, request: str, answered: str) -> str:
    """The error line for a ``url`` whose answer to ``GET request`` is not Prometheus's."""
    return (
        f"{url} is not a Prometheus API: GET {request} answered {answered}; give the Prometheus "
        "base URL (e.g. http://host:9090)"
    )


def answer(status: int, content: bytes) -> str:
    """What a URL answered, in a few words: ``HTTP 404 with an HTML page``."""
    text = content.decode("utf-8", "replace").strip()
    body = _json(content)
    if "<html" in text[:1000].lower() or text[:15].lower().startswith("<!doctype html"):
        what = "an HTML page"
    elif isinstance(body, dict) and body.get("status") == "error":
        what = f"Prometheus's error {body.get('errorType')}: {body.get('error')}"
    elif body is not _NOT_JSON:
        what = 'JSON outside Prometheus\'s envelope {"status": "success", "data": ...}'
    else:
        what = repr(text[:60] + ("..." if len(text) > 60 else "")) if text else "an empty body"
    return f"HTTP {status} with {what}"


def failed_answer(message: str) -> tuple[int, bytes] | None:
    """Status and body out of prometheus-api-client's 'HTTP Status Code 404 (b'...')' text."""
    found = re.fullmatch(r"HTTP Status Code (\d+) \((b(['\"]).*\3)\)", message, re.DOTALL)
    if found is None:
        return None
    try:
        content = ast.literal_eval(found.group(2))
    except (ValueError, SyntaxError):
        return None
    return int(found.group(1)), content if isinstance(content, bytes) else b""


def is_prometheus_error(content: bytes) -> bool:
    """Whether ``content`` is Prometheus's error envelope (``"status": "error"``)."""
    body = _json(content)
    return isinstance(body, dict) and body.get("status") == "error"


_NOT_JSON = object()


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return _NOT_JSON


def vector(result: Any) -> list[Series]:
    """An instant result as series: a scalar or string result (``[time, "value"]``) becomes one
    series without labels, as Grafana draws it."""
    if isinstance(result, list) and len(result) == 2 and not isinstance(result[0], dict):
        return [{"metric": {}, "value": list(result)}]
    return list(result or [])


def dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def prometheus_message(text: str) -> str:
    """Pull the ``error`` field out of the client's 'HTTP Status Code 400 (b'{...}')' text."""
    start, end = text.find("{"), text.rfind("}")
    if start >= 0 and end > start:
        raw = text[start : end + 1].encode().decode("unicode_escape")
        try:
            body = json.loads(raw)
        except ValueError:
            return text
        if isinstance(body, dict) and body.get("error"):
            return f"{body.get('errorType', 'error')}: {body['error']}"
    return text
