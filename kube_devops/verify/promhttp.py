"""HTTP details of talking to Prometheus that prometheus-api-client leaves to its caller: the
session's environment settings, readable error reasons, and the shapes of its answers."""

from __future__ import annotations

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


def api_success(response: requests.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == "success"


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
