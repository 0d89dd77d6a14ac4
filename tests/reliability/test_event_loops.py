"""Event loops and cancellation: a core outlives its loop, and a cancelled call leaves no trace.

A serverless runtime keeps the module (and so a module-level core) warm between
invocations, each of which may be its own ``asyncio.run()``. The pool a core made
under one loop cannot be used under the next; the core must notice, start afresh,
and never raise "Event loop is closed" or hang.
"""

from __future__ import annotations

import asyncio
import gc
import textwrap

import anyio
import pytest
import trio

from tillpoint import Err, Ok, RetryConfig, TillpointCore, errors
from tillpoint.funcs import checkouts_get

from .conftest import TOKEN, assert_pool_clean, make_core, run_strictly
from .server import Close, Reply, ScriptedServer, Stall

CHECKOUT = {"id": "c1", "currency": "USD"}


async def _get_twice(core: TillpointCore) -> object:
    """Two calls, so the second reuses the connection the first kept alive."""
    first = await checkouts_get(core, "c1")
    second = await checkouts_get(core, "c1")
    assert isinstance(first, Ok), first
    assert isinstance(second, Ok), second
    assert_pool_clean(core)
    return core.client()


def test_one_core_across_consecutive_asyncio_runs_and_trio(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    core = make_core(server.url)  # made outside any event loop, as at module scope

    clients = [asyncio.run(_get_twice(core)) for _ in range(3)]
    clients.append(trio.run(_get_twice, core))
    clients.append(asyncio.run(_get_twice(core)))

    assert len(server.requests) == 10
    # Each loop got its own pool (the old one died with its loop) ...
    assert len({id(c) for c in clients}) == 5
    # ... and within a loop the second call reused the first call's connection.
    assert server.connections == 5
    asyncio.run(core.aclose())
    gc.collect()  # an unclosed socket or generator would warn here (warnings are errors)


def test_a_module_level_core_in_a_fresh_interpreter(server: ScriptedServer) -> None:
    # The real thing: the core is a module global, created at import, before any loop.
    server.script(Reply(200, CHECKOUT))
    script = textwrap.dedent(
        f"""
        import asyncio, gc, warnings
        import trio
        from tillpoint import Ok, TillpointCore
        from tillpoint.funcs import checkouts_get

        warnings.simplefilter("error")
        core = TillpointCore(bearer_auth={TOKEN!r}, server_url={server.url!r})

        async def handler():
            result = await checkouts_get(core, "c1")
            assert isinstance(result, Ok), result
            return result.value.id

        ids = [asyncio.run(handler()) for _ in range(3)] + [trio.run(handler)]
        gc.collect()
        print(",".join(ids))
        """
    )
    done = run_strictly(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "c1,c1,c1,c1"
    # Nothing at all on stderr: no "Event loop is closed", and no "unclosed transport"
    # ResourceWarning from a kept-alive socket of a finished loop.
    assert done.stderr == ""
    assert len(server.requests) == 4


# --- cancellation --------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "where",
    [
        pytest.param(Stall(5), id="waiting-for-the-response"),
        pytest.param(
            Reply(200, dict(CHECKOUT, pad="x" * 20_000), chunked=True, chunk_size=50, trickle=0.05),
            id="reading-the-body",
        ),
        pytest.param(Reply(503, headers={"Retry-After": "2"}), id="sleeping-before-a-retry"),
    ],
)
async def test_cancellation_mid_flight_propagates_and_leaks_nothing(
    server: ScriptedServer, where: object
) -> None:
    server.script(where)  # type: ignore[arg-type]
    async with make_core(server.url, timeout_ms=10_000) as core:
        finished = False
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:

                async def cancel_when_sent() -> None:
                    await anyio.to_thread.run_sync(server.wait_for_requests)
                    await anyio.sleep(0.1)
                    scope.cancel()

                tg.start_soon(cancel_when_sent)
                await checkouts_get(core, "c1")
                finished = True  # never reached: the cancellation is not a return value
        assert scope.cancelled_caught
        assert not finished
        assert len(server.requests) == 1
        assert_pool_clean(core)

        # The core is as good as new.
        server.script(Reply(200, CHECKOUT))
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert_pool_clean(core)


@pytest.mark.anyio
async def test_a_timeout_from_the_caller_is_a_cancellation_not_an_error(
    server: ScriptedServer,
) -> None:
    server.script(Stall(5))
    async with make_core(server.url, timeout_ms=10_000) as core:
        with anyio.move_on_after(0.2) as scope:
            await checkouts_get(core, "c1")
            pytest.fail("the call returned although its scope was cancelled")
        assert scope.cancelled_caught
        assert_pool_clean(core)


@pytest.mark.anyio
async def test_cancelling_one_call_does_not_disturb_its_neighbours(
    server: ScriptedServer,
) -> None:
    def by_path(request: object) -> Reply | Stall:
        slow = "slow" in request.target  # type: ignore[attr-defined]
        return Stall(5) if slow else Reply(200, CHECKOUT, delay=0.2)

    server.script(by_path)
    async with make_core(server.url, timeout_ms=10_000) as core:
        results: list[object] = []

        async def fast() -> None:
            results.append(await checkouts_get(core, "fast"))

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(fast)
            with anyio.move_on_after(0.1):
                await checkouts_get(core, "slow")
        assert len(results) == 5
        assert all(isinstance(r, Ok) for r in results), results
        assert_pool_clean(core)


@pytest.mark.anyio
async def test_a_close_without_response_on_a_reused_connection(server: ScriptedServer) -> None:
    # A keep-alive connection the server closes as the request arrives: a read retries.
    server.script(Reply(200, CHECKOUT), Close(), Reply(200, CHECKOUT))
    async with make_core(server.url) as core:
        assert isinstance(await checkouts_get(core, "c1"), Ok)
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert len(server.requests) == 3
        assert_pool_clean(core)
        # With retries off the same failure is a typed error, never a raw exception.
        server.script(Reply(200, CHECKOUT), Close())
        assert isinstance(await checkouts_get(core, "c1"), Ok)
        got = await checkouts_get(core, "c1", retries=RetryConfig.none())
        assert isinstance(got, Err)
        assert type(got.error) is errors.APIConnectionError
        assert_pool_clean(core)


@pytest.mark.anyio
async def test_a_caller_deadline_racing_the_attempt_timeout_wedges_nothing(
    server: ScriptedServer, anyio_backend: str
) -> None:
    # The caller's own deadline lands 0-3 ms after tillpoint's attempt timeout: while
    # httpx and httpcore clean up after it. Under asyncio that cancellation goes
    # through their shields; had it cut the cleanup short, a connection would stay
    # held for ever, and 60 calls would wedge every slot of a 4-connection pool.
    server.script(Stall(2))
    timeout_ms = 40
    async with make_core(
        server.url, max_connections=4, timeout_ms=timeout_ms, retry_config=RetryConfig.none()
    ) as core:
        outcomes = {"cancelled": 0, "returned": 0}
        for n in range(60):
            caller_deadline = (timeout_ms + n % 4) / 1000
            if anyio_backend == "asyncio":
                try:
                    await asyncio.wait_for(checkouts_get(core, f"c{n}"), caller_deadline)
                    outcomes["returned"] += 1
                except asyncio.TimeoutError:
                    outcomes["cancelled"] += 1
            else:
                with trio.move_on_after(caller_deadline) as scope:
                    await checkouts_get(core, f"c{n}")
                outcomes["cancelled" if scope.cancelled_caught else "returned"] += 1
        assert sum(outcomes.values()) == 60

        # A healthy call still gets a connection: no slot was left held.
        server.script(Reply(200, CHECKOUT))
        healthy = await checkouts_get(core, "c1", timeout_ms=5_000)
        assert isinstance(healthy, Ok), healthy
        after = [await checkouts_get(core, f"h{n}", timeout_ms=5_000) for n in range(8)]
        assert all(isinstance(r, Ok) for r in after), after
