"""Typed Kubernetes API errors, translated from HTTP statuses and transport failures.

Public API (all subclasses of ``KubeError``, which carries ``status``, ``reason``, ``where`` and
``transient``):

- ``NotFound`` (404), ``Conflict`` (409, also a failed resourceVersion precondition),
  ``Gone`` (410, an expired watch/list resourceVersion: relist), ``Forbidden`` (403),
  ``Unauthorized`` (401), ``Invalid`` (422 and other 4xx) — permanent: do not retry blindly;
- ``TransientError`` — 429, 5xx, timeouts and dropped connections: retry with backoff;
- ``ConfigError`` — no usable kubeconfig or in-cluster configuration.

``error_from_status(status, reason, body, where)`` builds the right class from an HTTP answer.
"""

from __future__ import annotations

import json


class KubeError(Exception):
    """A failed Kubernetes API call; ``where`` names the request (``GET /api/v1/pods``)."""

    transient = False

    def __init__(self, message: str, *, status: int = 0, reason: str = "", where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.status = status
        self.reason = reason
        self.where = where


class NotFound(KubeError):  # noqa: N818 - the API's own status names
    """The object or resource does not exist (404)."""


class Conflict(KubeError):  # noqa: N818 - the API's own status names
    """The object already exists or changed since it was read (409): re-read and retry."""


class Gone(KubeError):  # noqa: N818 - the API's own status names
    """The requested resourceVersion is too old (410): list again from scratch."""


class Unauthorized(KubeError):  # noqa: N818 - the API's own status names
    """The credentials were rejected (401): check the kubeconfig user or service account token."""


class Forbidden(KubeError):  # noqa: N818 - the API's own status names
    """The identity lacks a permission (403): grant it in the RBAC role."""


class Invalid(KubeError):  # noqa: N818 - the API's own status names
    """The request was rejected as malformed or invalid (422 or another 4xx)."""


class TransientError(KubeError):
    """A failure worth retrying with backoff: 429, 5xx, timeout or dropped connection."""

    transient = True


class ConfigError(KubeError):
    """No usable cluster configuration was found."""


class FatalError(KubeError):
    """The component cannot go on. Whoever raises it has logged why and what to do in one
    line; the runner ends the process with exit code 1 without logging it again."""


_BY_STATUS: dict[int, type[KubeError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    429: TransientError,
}


def error_from_status(status: int, reason: str, body: bytes | str | None, where: str) -> KubeError:
    """The typed error for an HTTP ``status``; the message comes from a Status body if any."""
    message = _status_message(body) or reason or f"HTTP {status}"
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = TransientError if status >= 500 or status == 0 else Invalid
    return cls(f"{message} (HTTP {status})", status=status, reason=reason, where=where)


def _status_message(body: bytes | str | None) -> str:
    if not body:
        return ""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        text = body.decode(errors="replace") if isinstance(body, bytes) else body
        return text.strip()[:200]
    if isinstance(data, dict):
        return str(data.get("message") or data.get("reason") or "")
    return ""
