"""Canary: the private names ``kube_devops.sandbox.thirdparty`` reaches are still where it reaches.

Each check fails with one line naming the name that moved, the installed version and the tested
pin, so an upgrade of kmock (or of Python, for argparse) says what to fix in ``thirdparty``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import sys
from importlib.metadata import version

import kmock
import pytest

from kube_devops.sandbox import thirdparty

KMOCK_VERSION = version("kmock")
PIN = f"kmock {thirdparty.KMOCK_TESTED}.x is the tested pin (pyproject.toml)"


def _moved(name: str) -> str:
    return (
        f"kmock {KMOCK_VERSION} moved {name}; {PIN}: "
        "update kube_devops/sandbox/thirdparty.py and the pin"
    )


def test_installed_kmock_is_the_tested_minor() -> None:
    minor = ".".join(KMOCK_VERSION.split(".")[:2])
    assert minor == thirdparty.KMOCK_TESTED, (
        f"kmock {KMOCK_VERSION} is installed but {PIN}: once the other canaries pass, "
        "set KMOCK_TESTED in kube_devops/sandbox/thirdparty.py and the pin to the new minor"
    )


def test_response_class_is_where_it_is_imported_from() -> None:
    rendering = importlib.import_module("kmock._internal.rendering")
    assert getattr(rendering, "Response", None) is thirdparty.Response, _moved(
        "kmock._internal.rendering.Response"
    )
    fields = {field.name for field in thirdparty.Response.__attrs_attrs__}
    assert {"status", "payload", "headers"} <= fields, _moved("Response(status, payload, headers)")


@pytest.mark.parametrize("hook", thirdparty.EMULATOR_HOOKS)
def test_emulator_hooks_exist(hook: str) -> None:
    assert callable(getattr(kmock.KubernetesEmulator, hook, None)), _moved(
        f"KubernetesEmulator.{hook}"
    )


def test_plain_routing_is_a_coroutine_of_raw_handler() -> None:
    handle = getattr(kmock.RawHandler, "_handle", None)
    assert inspect.iscoroutinefunction(handle), _moved("RawHandler._handle")
    assert kmock.KubernetesEmulator._handle is not handle, _moved(
        "KubernetesEmulator._handle (no longer its own write tracking)"
    )


def test_request_logs_are_lists_on_the_handler_and_its_reactions() -> None:
    emulator = kmock.KubernetesEmulator()
    emulator["get /probe"] << 204
    assert isinstance(getattr(emulator, "_requests", None), list), _moved("RawHandler._requests")
    payloads = getattr(emulator, "_payloads", None)
    assert isinstance(payloads, list), _moved("RawHandler._payloads")
    reactions = [p for p in payloads if isinstance(getattr(p, "_requests", None), list)]
    assert reactions, _moved("Reaction._requests")


def test_forget_request_empties_both_logs() -> None:
    async def scenario() -> tuple[int, int, int]:
        emulator = kmock.KubernetesEmulator()
        reaction = emulator["get /probe"] << 204
        async with kmock.Server(emulator) as server, server.client.get("/probe") as answer:
            status = answer.status
        (request,) = list(emulator)
        thirdparty.forget_request(emulator, request)
        return status, len(list(emulator)), len(reaction._requests)  # type: ignore[union-attr]  # `<< 204` on a route: a Reaction

    assert asyncio.run(scenario()) == (204, 0, 0), _moved("the request logs")


def test_parsed_request_keeps_its_raw_request() -> None:
    assert "_raw_request" in {f.name for f in kmock.Request.__attrs_attrs__}, _moved(
        "Request._raw_request"
    )
    assert thirdparty.raw_request(kmock.Request()) is None


def test_argparse_actions_walk() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flag")
    parser.add_subparsers().add_parser("sub")
    where = f"Python {sys.version_info[0]}.{sys.version_info[1]} moved argparse"
    kinds = [type(action) for action in thirdparty.parser_actions(parser)]
    assert thirdparty.SubParsersAction in kinds, f"{where}._SubParsersAction"
    flags = [a.option_strings for a in thirdparty.parser_actions(parser)]
    assert ["--flag"] in flags, f"{where} ArgumentParser._actions"
