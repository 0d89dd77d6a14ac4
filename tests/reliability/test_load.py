"""Load: many concurrent calls through one core, and the pool limits the docs promise.

Defaults under test (``tillpoint.core``): at most 100 connections, all of them kept
alive when idle, and a request waits for a free connection no longer than its
``timeout_ms`` (30 s by default) before it is an ``APITimeoutError``.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import anyio
import pytest

from tillpoint import Err, Ok, RetryConfig, TillpointCore, errors, models
from tillpoint.core import DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_KEEPALIVE_CONNECTIONS
from tillpoint.funcs import checkouts_create, checkouts_get, checkouts_list
from tillpoint.sandbox import Sandbox

from .conftest import TOKEN, assert_pool_clean, make_core
from .server import Recorded, Reply, ScriptedServer

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CHECKOUT = {"id": "c1", "currency": "USD"}
CALLS = 1_000


def pool_of(core: TillpointCore) -> object:
    return core.client()._transport._pool  # type: ignore[attr-defined]


async def test_a_thousand_concurrent_calls_with_default_settings(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT))
    results: list[object] = []
    # Default settings: no retry_config, timeout_ms, or pool limits given.
    async with TillpointCore(bearer_auth=TOKEN, server_url=server.url) as core:

        async def call(n: int) -> None:
            results.append(await checkouts_get(core, f"c{n}"))

        async with anyio.create_task_group() as tg:
            for n in range(CALLS):
                tg.start_soon(call, n)

        failures = [r for r in results if not isinstance(r, Ok)]
        assert failures == []
        assert len(results) == CALLS
        assert len(server.requests) == CALLS  # not one retry was needed
        assert sorted(r.path for r in server.requests) == sorted(
            f"/checkouts/c{n}" for n in range(CALLS)
        )
        assert server.peak_in_flight <= DEFAULT_MAX_CONNECTIONS
        assert_pool_clean(core)
        assert len(pool_of(core).connections) <= DEFAULT_MAX_KEEPALIVE_CONNECTIONS  # type: ignore[attr-defined]


async def test_a_thousand_concurrent_calls_against_the_sandbox(
    served: tuple[Sandbox, str],
) -> None:
    # The real application over uvicorn: creates and reads of real checkouts.
    body = models.CheckoutCreate(
        currency="USD",
        items=[models.Item(sku_id="sku_123", quantity=1, price=Decimal("5"))],
    )
    ids: list[str] = []
    failures: list[object] = []
    _, sandbox_url = served
    async with TillpointCore(bearer_auth="sk_test_load", server_url=sandbox_url) as core:

        async def create_then_get() -> None:
            created = await checkouts_create(core, body)
            if not isinstance(created, Ok):
                failures.append(created)
                return
            got = await checkouts_get(core, created.value.id)
            if not isinstance(got, Ok) or got.value.id != created.value.id:
                failures.append(got)
                return
            ids.append(got.value.id)

        async with anyio.create_task_group() as tg:
            for _ in range(CALLS // 2):  # 500 creates and 500 reads: 1,000 calls
                tg.start_soon(create_then_get)

        assert failures == []
        assert len(set(ids)) == CALLS // 2
        listed = await checkouts_list(core, limit=100)
        assert isinstance(listed, Ok), listed
        assert_pool_clean(core)


async def test_the_pool_holds_at_most_max_connections(server: ScriptedServer) -> None:
    # Each answer takes 0.2 s, so every call that can hold a connection at once does.
    server.script(Reply(200, CHECKOUT, delay=0.2))
    async with TillpointCore(bearer_auth=TOKEN, server_url=server.url) as core:
        async with anyio.create_task_group() as tg:
            for n in range(DEFAULT_MAX_CONNECTIONS + 50):
                tg.start_soon(checkouts_get, core, f"c{n}")
        assert len(server.requests) == DEFAULT_MAX_CONNECTIONS + 50
        # Never more than 100 requests on the wire at once: the others waited for a
        # connection. (How many were in flight together is the scheduler's business.)
        assert server.peak_in_flight <= DEFAULT_MAX_CONNECTIONS
        # And every connection is kept once idle, up to the keep-alive limit.
        assert len(pool_of(core).connections) <= DEFAULT_MAX_KEEPALIVE_CONNECTIONS  # type: ignore[attr-defined]
        assert_pool_clean(core)


async def test_a_lower_keepalive_limit_closes_the_surplus(server: ScriptedServer) -> None:
    server.script(Reply(200, CHECKOUT, delay=0.2))
    async with make_core(server.url, max_connections=10, max_keepalive_connections=4) as core:
        async with anyio.create_task_group() as tg:
            for n in range(10):
                tg.start_soon(checkouts_get, core, f"c{n}")
        assert server.peak_in_flight <= 10
        assert len(pool_of(core).connections) <= 4  # type: ignore[attr-defined]
        assert_pool_clean(core)


async def test_waiting_for_a_connection_is_bounded_by_timeout_ms(server: ScriptedServer) -> None:
    # The holder's answer waits for the waiter's outcome (an event, not a delay), so
    # the one connection is busy for as long as the waiter waits, however slow the run.
    release = threading.Event()

    def held(request: Recorded) -> Reply:
        release.wait(10)
        return Reply(200, CHECKOUT)

    server.script(held)
    async with make_core(server.url, max_connections=1, timeout_ms=15_000) as core:
        results: dict[str, object] = {}

        async def holder() -> None:
            results["holder"] = await checkouts_get(core, "holder")

        async with anyio.create_task_group() as tg:
            tg.start_soon(holder)
            await anyio.to_thread.run_sync(server.wait_for_requests)
            waiter = await checkouts_get(core, "waiter", timeout_ms=300, retries=RetryConfig.none())
            release.set()

        assert isinstance(waiter, Err)
        assert type(waiter.error) is errors.APITimeoutError
        assert [r.path for r in server.requests] == ["/checkouts/holder"]  # never sent
        assert isinstance(results["holder"], Ok)  # the connection's holder is unharmed
        assert_pool_clean(core)


def test_the_documented_defaults() -> None:
    assert DEFAULT_MAX_CONNECTIONS == 100
    assert DEFAULT_MAX_KEEPALIVE_CONNECTIONS == 100
    core = TillpointCore(bearer_auth=TOKEN, server_url="https://api.digitalriver.com")
    assert core.timeout_ms == 30_000
