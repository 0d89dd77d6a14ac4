"""Fault injection over real sockets: every way the network and the server misbehave.

Each test drives tillpoint against the scripted server on 127.0.0.1 and pins down
the exact result type, how many attempts the server saw, how long tillpoint chose to
wait before a retry (its ``retry_in_s`` log record: a decision, never a stopwatch), that
a create kept one ``Idempotency-Key`` across its attempts, and that the connection pool
was left with nothing leaked.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import json
import logging
import math
import time
import tracemalloc
import zlib
from decimal import Decimal

import anyio
import httpx
import pytest

import tillpoint._loop
from tillpoint import BackoffStrategy, Err, Ok, RetryConfig, errors, models
from tillpoint.funcs import checkouts_create, checkouts_delete, checkouts_get, checkouts_update
from tillpoint.hooks import Hooks

from .conftest import FAST, assert_pool_clean, make_core
from .server import Close, Endless, Recorded, Reply, Reset, ScriptedServer, Stall, refused_port

pytestmark = pytest.mark.anyio

CHECKOUT = {"id": "c1", "currency": "USD", "totalAmount": 10.5}
BODY = models.CheckoutCreate(
    currency="USD", items=[models.Item(sku_id="sku-1", quantity=1, price=Decimal("10.5"))]
)


def retry_waits(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The waits tillpoint scheduled before its retries, from its ``retry_in_s`` records."""
    return [r.__dict__["retry_in_s"] for r in caplog.records if "retry_in_s" in r.__dict__]


def one_key(requests: list[Recorded]) -> str:
    """The single Idempotency-Key every attempt carried."""
    keys = {r.header("idempotency-key") for r in requests}
    assert len(keys) == 1, keys
    (key,) = keys
    assert key, "the create carried no Idempotency-Key"
    return key


# --- no response at all -------------------------------------------------------------


async def test_connection_refused_is_retried_and_returned_as_a_connection_error() -> None:
    attempts: list[httpx.Request] = []

    async def count(request: httpx.Request) -> None:
        attempts.append(request)

    core = make_core(f"http://127.0.0.1:{refused_port()}", hooks=Hooks(before_request=count))
    async with core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.APIConnectionError
        assert got.response is None
        assert len(attempts) == FAST.max_attempts  # a refused connect surely did nothing
        assert_pool_clean(core)

        # Even a create without a key retries it: nothing reached the server.
        attempts.clear()
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Err)
        assert type(created.error) is errors.APIConnectionError
        assert len(attempts) == FAST.max_attempts
        assert len({r.headers["idempotency-key"] for r in attempts}) == 1
        assert_pool_clean(core)


async def test_a_reset_before_any_response(server: ScriptedServer) -> None:
    server.script(Reset())
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.APIConnectionError
        assert len(server.requests) == FAST.max_attempts  # a read may be repeated
        assert_pool_clean(core)

        # A create may have been processed before the reset: without a key, no retry.
        server.script(Reset())
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Err)
        assert type(created.error) is errors.APIConnectionError
        assert len(server.requests) == 1
        # A reset carries no text of its own under asyncio: the message says what happened.
        text = str(created.error)
        assert "Error: )" not in text, text
        assert "the server closed the connection" in text or "reset by peer" in text, text
        assert_pool_clean(core)

        # With the caller's key the server can dedupe, so the create is retried — and
        # recovers — sending that same key every time.
        server.script(Reset(), Close(), Reply(201, CHECKOUT))
        created = await checkouts_create(core, BODY, idempotency_key="order-42")
        assert isinstance(created, Ok)
        assert len(server.requests) == 3
        assert one_key(server.requests) == "order-42"
        assert_pool_clean(core)


async def test_a_body_cut_short_is_a_connection_error_and_a_read_retries_it(
    server: ScriptedServer,
) -> None:
    cut = Reply(200, b'{"id": "c1", "curr', content_length=400)
    server.script(cut, cut, Reply(200, CHECKOUT))
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert got.value.id == "c1"
        assert len(server.requests) == 3
        assert_pool_clean(core)

        server.script(cut)
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.APIConnectionError
        assert len(server.requests) == FAST.max_attempts
        assert_pool_clean(core)

        # The create's request was processed (a response began): no retry without a key.
        server.script(Reply(201, b'{"id": "c1"', content_length=400))
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Err)
        assert type(created.error) is errors.APIConnectionError
        assert len(server.requests) == 1
        assert_pool_clean(core)


async def test_a_response_slower_than_the_timeout(server: ScriptedServer) -> None:
    server.script(Stall(5))
    async with make_core(server.url, timeout_ms=100) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.APITimeoutError
        assert len(server.requests) == FAST.max_attempts
        assert_pool_clean(core)

        server.script(Stall(5))
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Err)
        assert type(created.error) is errors.APITimeoutError
        assert len(server.requests) == 1  # it may have been processed: not repeated
        assert_pool_clean(core)

        # A slow server that then answers in time succeeds (within a timeout generous
        # enough that a loaded machine's own slowness cannot fail it).
        server.script(Reply(200, CHECKOUT, delay=0.05))
        assert isinstance(await checkouts_get(core, "c1", timeout_ms=5_000), Ok)
        assert_pool_clean(core)


async def test_a_trickling_response_is_bounded_by_the_timeout(server: ScriptedServer) -> None:
    # Each piece arrives well within the 300 ms timeout, but the whole body would
    # take 3 s: the per-attempt timeout bounds the attempt, not only each read.
    padded = dict(CHECKOUT, padding="x" * 3_000)
    server.script(Reply(200, padded, chunked=True, chunk_size=100, trickle=0.1))
    retries = RetryConfig.none()
    async with make_core(server.url, timeout_ms=300, retry_config=retries) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.APITimeoutError
        assert len(server.requests) == 1
        assert_pool_clean(core)


# --- rate limits and Retry-After ----------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "asked"),
    [
        pytest.param({"Retry-After": "1"}, 1.0, id="seconds"),
        pytest.param({"retry-after-ms": "250"}, 0.25, id="retry-after-ms"),
    ],
)
async def test_429_waits_as_long_as_the_server_asks(
    server: ScriptedServer,
    headers: dict[str, str],
    asked: float,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.script(Reply(429, {"type": "too_many_requests"}, headers=headers), Reply(200, CHECKOUT))
    async with make_core(server.url) as core:
        with caplog.at_level(logging.INFO, logger="tillpoint"):
            got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert len(server.requests) == 2
        assert retry_waits(caplog) == [asked]
        assert_pool_clean(core)


async def test_429_with_retry_after_as_an_http_date(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Whole seconds only in an HTTP date: ask for the start of a second at least half
    # a second away (so the wait is real, and never more than 1.5 s).
    now = time.time()
    when = math.floor(now) + (1 if now % 1 < 0.5 else 2)
    date = email.utils.formatdate(when, usegmt=True)
    server.script(Reply(429, headers={"Retry-After": date}), Reply(200, CHECKOUT))
    async with make_core(server.url) as core:
        with caplog.at_level(logging.INFO, logger="tillpoint"):
            got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert len(server.requests) == 2
        (wait,) = retry_waits(caplog)
        assert 0 <= wait <= 1.5  # until the date the server named, not a backoff guess
        assert_pool_clean(core)


async def test_429_asking_longer_than_the_budget_is_returned_at_once(
    server: ScriptedServer,
) -> None:
    server.script(Reply(429, {"type": "too_many_requests"}, headers={"Retry-After": "3600"}))
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.Error429
        assert got.error.headers["retry-after"] == "3600"
        assert len(server.requests) == 1
        assert_pool_clean(core)


async def test_retries_stop_at_the_time_budget(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On virtual time (the retry clock and its sleeps), so a loaded machine's slow
    # attempts cannot eat the budget: only the waits tillpoint chose count.
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds
        await anyio.lowlevel.checkpoint()

    monkeypatch.setattr(tillpoint._loop, "now", lambda: clock[0])
    monkeypatch.setattr(tillpoint._loop, "sleep", sleep)
    budget = RetryConfig(
        backoff=BackoffStrategy(initial_interval=100, max_interval=100, max_elapsed_time=350),
        max_attempts=50,
    )
    server.script(Reply(503))
    async with make_core(server.url, retry_config=budget) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.Error503
        # Delays of 75-100 ms within 350 ms: three retries always fit, a fifth never.
        assert 4 <= len(server.requests) <= 5
        assert clock[0] <= 0.35
        assert_pool_clean(core)


# --- transient statuses -------------------------------------------------------------


async def test_503_twice_then_success(server: ScriptedServer) -> None:
    unavailable = Reply(503, {"type": "service_unavailable", "errors": [{"code": "x"}]})
    server.script(unavailable, unavailable, Reply(200, CHECKOUT))
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Ok), got
        assert len(server.requests) == 3
        assert_pool_clean(core)

        # 503 means "not processed": even a create without the caller's key retries
        # it, and every attempt carries the one key minted for this call.
        server.script(unavailable, unavailable, Reply(201, CHECKOUT))
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Ok), created
        assert len(server.requests) == 3
        assert all(r.method == "POST" and r.path == "/checkouts" for r in server.requests)
        key = one_key(server.requests)
        assert len(key) == 36
        assert len({r.body for r in server.requests}) == 1
        assert_pool_clean(core)

        # The next call gets a fresh key.
        server.script(Reply(201, CHECKOUT))
        again = await checkouts_create(core, BODY)
        assert isinstance(again, Ok)
        assert one_key(server.requests) != key


async def test_an_html_502_from_a_proxy(server: ScriptedServer) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    server.script(Reply(502, page, headers={"Content-Type": "text/html"}))
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert type(got.error) is errors.Error502
        assert got.error.data is None
        assert got.error.body == page
        assert got.error.status_code == 502
        assert len(server.requests) == FAST.max_attempts
        assert_pool_clean(core)

        # A 502 may hide a processed create: without the caller's key it is not repeated.
        server.script(Reply(502, page, headers={"Content-Type": "text/html"}))
        created = await checkouts_create(core, BODY)
        assert isinstance(created, Err)
        assert type(created.error) is errors.Error502
        assert len(server.requests) == 1
        assert_pool_clean(core)


# --- success statuses with a bad body ------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(Reply(200, b""), id="empty"),
        pytest.param(Reply(200, b'{"id": "c1", '), id="invalid-json"),
        pytest.param(Reply(200, b"\xff\xfe\x00garbage"), id="not-utf8"),
        pytest.param(Reply(200, [1, 2, 3]), id="wrong-shape"),
        pytest.param(Reply(200, b'{"totalAmount": 1' + b"0" * 5000 + b"}"), id="huge-integer"),
    ],
)
async def test_a_success_status_with_a_bad_body(server: ScriptedServer, reply: Reply) -> None:
    server.script(reply)
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.ResponseValidationError
        assert got.error.status_code == 200
        assert len(server.requests) == 1  # a bad body is not transient
        assert_pool_clean(core)


async def test_an_empty_204_is_ok_and_an_empty_200_update_is_not(server: ScriptedServer) -> None:
    server.script(Reply(204))
    async with make_core(server.url) as core:
        deleted = await checkouts_delete(core, "c1")
        assert isinstance(deleted, Ok)
        assert deleted.value is None
        server.script(Reply(200))
        updated = await checkouts_update(core, "c1", models.CheckoutUpdate(email="a@b.c"))
        assert isinstance(updated, Err)
        assert type(updated.error) is errors.ResponseValidationError
        assert_pool_clean(core)


# --- bodies larger than max_response_bytes ------------------------------------------


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_larger_than_max_response_bytes(
    server: ScriptedServer, declared: bool
) -> None:
    limit = 64 * 1024
    total = 64 * 1024 * 1024  # far more than the socket buffers: the server would block
    server.script(Endless(total, declared=declared))
    async with make_core(server.url, max_response_bytes=limit) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.ResponseValidationError
        assert "max_response_bytes" in str(got.error)
        assert len(server.requests) == 1
        assert_pool_clean(core)

        # The client hung up instead of reading on: the server never got to send it all.
        await anyio.to_thread.run_sync(server.wait_for_hang_up)
        assert server.hung_up, "the server sent the whole body"
        assert server.hung_up[0] < total

        # The core is still usable.
        server.script(Reply(200, CHECKOUT))
        assert isinstance(await checkouts_get(core, "c1"), Ok)
        assert_pool_clean(core)


async def test_a_compressed_body_is_bounded_by_its_decoded_size(server: ScriptedServer) -> None:
    """A gzip bomb: a few KiB on the wire, with an honest Content-Length, that inflates past
    max_response_bytes. The limit is on what would be held in memory, the decoded body."""
    limit = 64 * 1024
    bomb = gzip.compress(b'{"id": "c1", "pad": "' + b"x" * (8 * limit) + b'"}')
    assert len(bomb) < limit
    server.script(Reply(200, bomb, headers={"Content-Encoding": "gzip"}))
    async with make_core(server.url, max_response_bytes=limit) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.ResponseValidationError
        assert "max_response_bytes" in str(got.error)
        assert_pool_clean(core)

        # The same body under the limit is read and decoded.
        server.script(
            Reply(
                200,
                gzip.compress(json.dumps(CHECKOUT).encode()),
                headers={"Content-Encoding": "gzip"},
            )
        )
        assert isinstance(await checkouts_get(core, "c1"), Ok)
        assert_pool_clean(core)


async def test_a_body_of_exactly_max_response_bytes_is_read(server: ScriptedServer) -> None:
    body = b'{"id": "c1", "currency": "USD", "pad": "' + b"x" * 1000 + b'"}'
    for chunked in (False, True):
        server.script(Reply(200, body, chunked=chunked, chunk_size=256))
        async with make_core(server.url, max_response_bytes=len(body)) as core:
            got = await checkouts_get(core, "c1")
            assert isinstance(got, Ok), got
            assert_pool_clean(core)


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_huge_error_body_is_its_error_with_the_body_cut(
    server: ScriptedServer, declared: bool
) -> None:
    # 50 MB on a 500, over the 32 MiB default: the status is the answer, not a
    # ResponseValidationError; the body is kept only in part, and not read on.
    total = 50 * 1000 * 1000
    server.script(Endless(total, declared=declared, status=500))
    async with make_core(server.url, retry_config=RetryConfig.none()) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.Error500
        assert got.error.status_code == 500
        assert got.error.body.endswith("[cut: over max_response_bytes]")
        assert len(got.error.body) < 70 * 1024
        assert got.error.data is None
        assert_pool_clean(core)
        if declared:  # with its length known, nothing past the kept start is read
            await anyio.to_thread.run_sync(server.wait_for_hang_up)
            assert server.hung_up and server.hung_up[0] < total


async def test_a_long_server_message_is_cut_in_the_error(server: ScriptedServer) -> None:
    message = "quantity is invalid; " * 250_000  # 5 MB, inside max_response_bytes
    server.script(
        Reply(400, {"type": "bad_request", "errors": [{"code": "x", "message": message}]})
    )
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
    assert isinstance(got, Err), got
    assert type(got.error) is errors.Error400
    text = str(got.error)
    assert "quantity is invalid" in text and len(text) < 2_000
    assert len(repr(got.error)) < 2_100
    # The body is bounded too (64 KiB), and says it was cut; data has the message whole.
    assert len(got.error.body) < 65 * 1024
    assert "[cut: " in got.error.body
    assert got.error.server_message is not None and len(got.error.server_message) >= len(message)


async def test_a_gzip_bomb_costs_memory_near_the_limit_not_its_inflated_size(
    server: ScriptedServer,
) -> None:
    # 200 MB of zeros in ~200 KB of gzip: inflated a whole received chunk at a time
    # (64 KiB of it is 64 MB), the memory would peak far above any body limit.
    limit = 1024 * 1024
    inflated = 200 * 1000 * 1000
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1000 * 1000)
    bomb = b"".join(packer.compress(zeros) for _ in range(inflated // len(zeros))) + packer.flush()
    del zeros
    for chunked in (False, True):
        server.script(Reply(200, bomb, chunked=chunked, headers={"Content-Encoding": "gzip"}))
        async with make_core(server.url, max_response_bytes=limit) as core:
            tracemalloc.start()
            try:
                got = await checkouts_get(core, "c1")
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert isinstance(got, Err), got
            assert type(got.error) is errors.ResponseValidationError
            assert "max_response_bytes" in str(got.error)
            assert peak < 6 * limit, f"peak {peak:,} bytes for a {limit:,}-byte limit"
            assert_pool_clean(core)


async def test_a_deflate_body_raw_or_wrapped_is_decoded(server: ScriptedServer) -> None:
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    for encoded in (
        zlib.compress(json.dumps(CHECKOUT).encode()),
        raw.compress(json.dumps(CHECKOUT).encode()) + raw.flush(),
    ):
        server.script(Reply(200, encoded, headers={"Content-Encoding": "deflate"}))
        async with make_core(server.url) as core:
            got = await checkouts_get(core, "c1")
            assert isinstance(got, Ok), got
            assert got.value.id == "c1"
    # A body that is not what its coding says is a typed error.
    server.script(Reply(200, b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    async with make_core(server.url) as core:
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err), got
        assert type(got.error) is errors.ResponseValidationError
        assert_pool_clean(core)
    assert server.requests[-1].header("accept-encoding") == "gzip, deflate"


# --- redirects are answers, never followed ------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("callers_client", [False, True], ids=["own-pool", "follow-redirects"])
async def test_a_redirect_is_an_sdk_error_and_never_followed(
    server: ScriptedServer, status: int, callers_client: bool
) -> None:
    # A loop (pointing back at itself) as well as an elsewhere: one request either way.
    for location in (f"{server.url}/elsewhere", f"{server.url}/checkouts"):
        server.script(Reply(status, b"", headers={"Location": location}))
        async with contextlib.AsyncExitStack() as stack:
            client = None
            if callers_client:
                client = await stack.enter_async_context(httpx.AsyncClient(follow_redirects=True))
            core = await stack.enter_async_context(make_core(server.url, client=client))
            got = await checkouts_create(core, BODY)
        assert isinstance(got, Err), got
        assert type(got.error) is errors.SDKError
        assert got.error.status_code == status
        assert got.error.location == location
        assert f"redirected to {location}" in str(got.error)
        assert [(r.method, r.path) for r in server.requests] == [("POST", "/checkouts")]


# --- a full pool ---------------------------------------------------------------------


async def test_a_full_pool_is_reported_as_such_and_counted_as_not_sent(
    server: ScriptedServer,
) -> None:
    # A caller's client with one connection, held by a slow read: a keyless create
    # waiting for it never left, so it is retried (not sent), and said to be a full pool.
    def by_path(request: Recorded) -> Reply:
        return (
            Reply(200, CHECKOUT, delay=1.5) if "holder" in request.target else Reply(201, CHECKOUT)
        )

    server.script(by_path)
    attempts: list[httpx.Request] = []

    async def count(request: httpx.Request) -> None:
        if request.method == "POST":
            attempts.append(request)

    retries = RetryConfig(
        backoff=BackoffStrategy(initial_interval=10, max_interval=10), max_attempts=2
    )
    async with (
        httpx.AsyncClient(limits=httpx.Limits(max_connections=1)) as client,
        make_core(
            server.url, client=client, retry_config=retries, hooks=Hooks(before_request=count)
        ) as core,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(checkouts_get, core, "holder")
        await anyio.to_thread.run_sync(server.wait_for_requests)
        waiter = await checkouts_create(core, BODY, timeout_ms=150)
    assert isinstance(waiter, Err), waiter
    assert type(waiter.error) is errors.APITimeoutError
    assert "no free connection" in str(waiter.error), waiter.error
    assert len(attempts) == 2  # retried: a request that never left is safe to repeat
    assert [r.path for r in server.requests] == ["/checkouts/holder"]  # and never sent


def test_sync_calls_never_follow_a_redirect_and_bound_a_gzip_bomb(server: ScriptedServer) -> None:
    from tillpoint.sync import checkouts_create as create_sync
    from tillpoint.sync import checkouts_get as get_sync

    server.script(Reply(307, b"", headers={"Location": f"{server.url}/elsewhere"}))
    with httpx.Client(follow_redirects=True) as client:
        got = create_sync(make_core(server.url, client=client), BODY)
    assert isinstance(got, Err) and type(got.error) is errors.SDKError
    assert got.error.location == f"{server.url}/elsewhere"
    assert [r.path for r in server.requests] == ["/checkouts"]

    limit = 64 * 1024
    bomb = gzip.compress(bytes(64 * 1024 * 1024))  # 64 MiB of zeros in ~64 KiB
    server.script(Reply(200, bomb, headers={"Content-Encoding": "gzip"}))
    core = make_core(server.url, max_response_bytes=limit)
    tracemalloc.start()
    try:
        got = get_sync(core, "c1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        core.close()
    assert isinstance(got, Err) and type(got.error) is errors.ResponseValidationError
    assert peak < 16 * limit + 2 * len(bomb), f"peak {peak:,} bytes"
