"""One core, any number of threads and loops (issue: every runtime).

A module-level core used at once from many threads (sync calls), from threads that
each run their own ``asyncio.run``, and one after another across ``asyncio.run``,
``trio.run`` and sync calls: every call succeeds, each pool keeps to
``max_connections`` (counted as the connections the server accepted), nothing is
left to the garbage collector (warnings are errors here), and no raw httpx exception
reaches the caller. Nothing here asserts a duration or an exact degree of concurrency.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import threading
from collections.abc import Callable

import trio

import tillpoint.sync
from tillpoint import Ok, RetryConfig, TillpointCore, errors, funcs

from .conftest import make_core
from .server import Reply, ScriptedServer, Stall

CHECKOUT = {"id": "c1", "currency": "USD"}
CALLS = 10
"""Calls per thread or per loop."""
NO_RETRIES = RetryConfig.none()


def _in_threads(count: int, work: Callable[[], list[object]]) -> list[object]:
    """Run ``work`` on ``count`` threads at once; every result, and no exception lost."""
    results: list[object] = []
    failures: list[BaseException] = []

    def run() -> None:
        try:
            results.extend(work())
        except BaseException as exc:  # surfaced below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, name=f"caller-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not [t.name for t in threads if t.is_alive()], "a caller thread hung"
    assert failures == []
    return results


def _sync_calls(core: TillpointCore) -> list[object]:
    return [tillpoint.sync.checkouts_get(core, "c1") for _ in range(CALLS)]


def _a_loop_of_calls(core: TillpointCore) -> list[object]:
    async def calls() -> list[object]:
        return [await funcs.checkouts_get(core, "c1") for _ in range(CALLS)]

    return asyncio.run(calls())


def _assert_all_ok(results: list[object], expected: int) -> None:
    assert len(results) == expected
    failed = [r for r in results if not isinstance(r, Ok)]
    assert failed == []


def test_eight_threads_of_sync_calls_share_one_pool(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    core = make_core(server.url, max_connections=4)

    _assert_all_ok(_in_threads(8, lambda: _sync_calls(core)), 8 * CALLS)

    assert len(server.requests) == 8 * CALLS
    assert server.connections <= 4  # one pool, kept to max_connections
    core.close()
    gc.collect()


def test_four_threads_each_running_its_own_asyncio_run(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    core = make_core(server.url, max_connections=2)

    _assert_all_ok(_in_threads(4, lambda: _a_loop_of_calls(core)), 4 * CALLS)

    assert server.connections <= 2 * 4  # a pool per loop, each kept to max_connections
    assert not core._pool._loops  # each loop's pool closed as its loop ended
    gc.collect()


def test_threads_of_both_kinds_at_once(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    core = make_core(server.url, max_connections=3)

    turns = itertools.count()  # next() on it is atomic: odd threads sync, even ones a loop

    def either() -> list[object]:
        return _sync_calls(core) if next(turns) % 2 else _a_loop_of_calls(core)

    _assert_all_ok(_in_threads(6, either), 6 * CALLS)

    assert server.connections <= 3 * (1 + 3)  # the sync pool, and one per loop
    core.close()
    gc.collect()


def test_one_after_another_across_asyncio_trio_and_sync_calls(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    core = make_core(server.url)

    async def one() -> object:
        return await funcs.checkouts_get(core, "c1")

    results = [
        asyncio.run(one()),
        tillpoint.sync.checkouts_get(core, "c1"),
        trio.run(one),
        tillpoint.sync.checkouts_get(core, "c1"),
        asyncio.run(one()),
        trio.run(one),
    ]

    _assert_all_ok(results, 6)
    assert server.connections == 5  # a pool per loop; the two sync calls share one
    core.close()
    gc.collect()


def test_a_stalled_server_is_a_typed_timeout_for_every_sync_caller(
    server: ScriptedServer,
) -> None:
    server.script(Stall(5))
    core = make_core(server.url, max_connections=2, timeout_ms=200, retry_config=NO_RETRIES)

    results = _in_threads(4, lambda: [tillpoint.sync.checkouts_get(core, "c1")])

    assert len(results) == 4
    assert all(isinstance(r.error, errors.APITimeoutError) for r in results)  # type: ignore[attr-defined]
    # Two waited for a connection the others held: a pool timeout, never an httpx error.
    core.close()
    gc.collect()


def test_a_body_trickled_past_the_deadline_is_a_timeout(server: ScriptedServer) -> None:
    # Every byte arrives well within httpx's per-read timeout; the whole body does not
    # arrive within the attempt's: the check between chunks stops it.
    server.script(Reply(200, b"x" * 400, chunked=True, chunk_size=1, trickle=0.01))
    core = make_core(server.url, timeout_ms=300, retry_config=NO_RETRIES)

    result = tillpoint.sync.checkouts_get(core, "c1")

    assert isinstance(result.error, errors.APITimeoutError), result
    core.close()
