"""Every reach into another library's private names, in one room (as kopf's ``thirdparty``).

kmock (pinned in ``pyproject.toml`` to the tested minor, ``KMOCK_TESTED``):

- ``Response`` — kmock's response class (status, headers, payload); kmock 0.8 imports it at its
  top level but leaves it out of ``__all__``, so it is taken from ``kmock._internal.rendering``;
- ``route(handler, request)`` — kmock's DSL routing (reactions, then fallbacks to the
  ``_serve_*`` hooks) without ``KubernetesEmulator._handle``'s own write tracking, which the
  ``Emulator`` replaces with its own (``emulator.writes``);
- ``replace_request(handler, old, new)``, ``forget_request(handler, request)`` — edit the request
  log kmock keeps on the handler and on each reaction (it grows forever otherwise);
- ``raw_request(request)`` — the aiohttp request a parsed kmock request came from;
- ``EMULATOR_HOOKS`` — the private methods of ``kmock.KubernetesEmulator`` the ``Emulator``
  overrides: kmock routes requests to them, so a rename would silently bypass ours.

argparse (the standard library has no public walk over a parser's arguments):

- ``parser_actions(parser)`` and ``SubParsersAction`` — for shell completion (``cli.completion``).

``tests/unit/sandbox/test_thirdparty_canary.py`` fails, naming the moved name and the pin, when
an upgrade moves any of these.
"""

from __future__ import annotations

import argparse
from typing import Any

import aiohttp.web
import kmock
from kmock._internal.rendering import Response

__all__ = [
    "EMULATOR_HOOKS",
    "KMOCK_TESTED",
    "Response",
    "SubParsersAction",
    "forget_request",
    "parser_actions",
    "raw_request",
    "replace_request",
    "route",
]

#: The kmock minor these reaches were tested with (the pin in ``pyproject.toml``).
KMOCK_TESTED = "0.8"

#: ``kmock.KubernetesEmulator``'s private hooks that ``sandbox.emulator.server.Emulator`` overrides.
EMULATOR_HOOKS = (
    "_handle",
    "_serve_list",
    "_serve_watch",
    "_serve_fetch",
    "_serve_create",
    "_serve_update",
    "_serve_delete",
    "_serve_api",
    "_serve_apis",
    "_serve_group",
    "_serve_version",
    "_serve_server_version",
)

#: argparse's action class for sub-commands (private in the standard library).
SubParsersAction = argparse._SubParsersAction


async def route(handler: kmock.RawHandler, request: kmock.Request) -> aiohttp.web.StreamResponse:
    """kmock's routing of ``request`` to the DSL's reactions and fallbacks, skipping the write
    tracking of ``KubernetesEmulator._handle`` (the caller has written already)."""
    return await kmock.RawHandler._handle(handler, request)


def replace_request(handler: kmock.RawHandler, old: kmock.Request, new: kmock.Request) -> None:
    """Put ``new`` in ``old``'s place in ``handler``'s request log (kmock's views find a request
    by identity in it)."""
    log: list[kmock.Request] = handler._requests
    log[:] = [new if seen is old else seen for seen in log]


def forget_request(handler: kmock.RawHandler, request: kmock.Request) -> None:
    """Drop ``request`` from the request logs of ``handler`` and of each of its reactions."""
    _forget(handler._requests, request)
    for payload in handler._payloads:
        _forget(payload._requests, request)


def raw_request(request: kmock.Request) -> aiohttp.web.BaseRequest | None:
    """The aiohttp request ``request`` was parsed from (``None`` for one built in code)."""
    raw: aiohttp.web.BaseRequest | None = request._raw_request
    return raw


def parser_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The arguments and sub-command groups of ``parser``, in the order they were added."""
    return list(parser._actions)


def _forget(requests: list[Any], request: kmock.Request) -> None:
    requests[:] = [seen for seen in requests if seen is not request]
