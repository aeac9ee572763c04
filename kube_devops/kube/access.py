"""Ask the API server what the current identity may do, without doing it.

Public API:

- ``AccessQuery(verb, group, resource, subresource="", namespace=None)`` — one permission (no
  namespace: across all namespaces / cluster-wide);
- ``await review_access(client, query) -> AccessAnswer`` — a ``SelfSubjectAccessReview``
  (``authorization.k8s.io/v1``): ``allowed``, ``denied`` and the authorizer's ``reason``;
- ``await who_am_i(client) -> str`` — the username the API server authenticated, from a
  ``SelfSubjectReview`` (``authentication.k8s.io/v1``);
- ``AccessReviewUnavailableError`` — the server does not answer these reviews (an API without the
  authorization group, such as a test emulator): fall back to trying the calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from kube_devops.kube.client import JsonDict, KubeClient
from kube_devops.kube.errors import Invalid, KubeError, NotFound

_SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
_SSR = "/apis/authentication.k8s.io/v1/selfsubjectreviews"


class AccessReviewUnavailableError(KubeError):
    """The API server does not serve SelfSubjectAccessReview / SelfSubjectReview."""


@dataclass(frozen=True, slots=True)
class AccessQuery:
    """One permission to ask about."""

    verb: str
    group: str
    resource: str
    subresource: str = ""
    namespace: str | None = None

    def attributes(self) -> JsonDict:
        """``spec.resourceAttributes`` of the review."""
        attributes: JsonDict = {"verb": self.verb, "group": self.group, "resource": self.resource}
        if self.subresource:
            attributes["subresource"] = self.subresource
        if self.namespace:
            attributes["namespace"] = self.namespace
        return attributes


@dataclass(frozen=True, slots=True)
class AccessAnswer:
    """The authorizer's verdict on one query."""

    query: AccessQuery
    allowed: bool
    reason: str = ""


async def review_access(client: KubeClient, query: AccessQuery) -> AccessAnswer:
    """The API server's verdict on ``query`` for the client's own identity."""
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": query.attributes()},
    }
    status = (await _post(client, _SSAR, body)).get("status")
    if not isinstance(status, dict) or "allowed" not in status:
        raise AccessReviewUnavailableError("no status.allowed in the answer", where=f"POST {_SSAR}")
    allowed = bool(status.get("allowed")) and not status.get("denied")
    return AccessAnswer(query, allowed, str(status.get("reason") or ""))


async def who_am_i(client: KubeClient) -> str:
    """The authenticated username of the client's identity."""
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    answer = await _post(client, _SSR, body)
    user = ((answer.get("status") or {}).get("userInfo") or {}).get("username")
    if not user:
        raise AccessReviewUnavailableError("no status.userInfo.username in the answer", where=_SSR)
    return str(user)


async def _post(client: KubeClient, path: str, body: JsonDict) -> JsonDict:
    try:
        answer = await client.request("POST", path, body=body)
    except (NotFound, Invalid) as err:
        raise AccessReviewUnavailableError(
            str(err), status=err.status, where=f"POST {path}"
        ) from err
    return answer if isinstance(answer, dict) else {}
