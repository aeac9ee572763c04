"""``run_sync``: one long-lived loop runs coroutines for synchronous callers, also from a thread
that already runs a loop (a Jupyter kernel), and from several threads at once."""

from __future__ import annotations

import asyncio
import threading

import pytest

from kube_devops.runtime.sync import run_sync


async def _double(value: int) -> int:
    await asyncio.sleep(0)
    return value * 2


async def _fail() -> int:
    raise LookupError("no such policy")


def test_returns_the_result_and_reuses_one_loop() -> None:
    async def loop_id() -> int:
        return id(asyncio.get_running_loop())

    assert run_sync(lambda: _double(21)) == 42
    assert run_sync(loop_id) == run_sync(loop_id)


def test_raises_the_coroutines_error() -> None:
    with pytest.raises(LookupError, match="no such policy"):
        run_sync(_fail)


def test_works_where_a_loop_already_runs() -> None:
    async def notebook_cell() -> int:
        return run_sync(lambda: _double(5))  # blocking here is what a notebook cell does

    assert asyncio.run(notebook_cell()) == 10


def test_calls_from_several_threads_run_concurrently() -> None:
    gate = threading.Barrier(3, timeout=5)
    results: list[int] = []

    async def meet(value: int) -> int:
        await asyncio.to_thread(gate.wait)  # all three must be in flight at once
        return value

    def call(value: int) -> None:
        results.append(run_sync(lambda: meet(value)))

    threads = [threading.Thread(target=call, args=(v,)) for v in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results) == [1, 2, 3]


def test_refuses_to_wait_on_itself() -> None:
    async def nested() -> int:
        return run_sync(lambda: _double(1))

    async def outer() -> str:
        try:
            await nested()
        except RuntimeError as err:
            return str(err)
        return "no error"

    assert "bridge loop itself" in run_sync(outer)
