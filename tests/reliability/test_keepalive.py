"""The keep-alive race: a request written onto a connection the server is closing.

A server closes a connection idle for its keep-alive timeout; a request sent on it
at that moment is lost, and for a create the failure is ambiguous (never retried).
tillpoint gives up an idle connection first: after 4 s by default (servers close at
5 s), and before the time a server advertises with ``Keep-Alive: timeout=N``.

The scripted server drops (unanswered) any request arriving on a connection idle for
its timeout or longer: exactly what a client losing the race sees. The main tests
run on a virtual clock that the server and httpcore's idle expiry both read, so the
idle times tried sit right on the boundaries without waiting for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import anyio
import httpcore
import pytest

from tillpoint import Err, Ok, RetryConfig, errors
from tillpoint._keepalive import SAFETY_MARGIN, idle_expiry, keep_alive_timeout
from tillpoint.core import DEFAULT_KEEPALIVE_EXPIRY_MS
from tillpoint.funcs import checkouts_create

from .conftest import assert_pool_clean, make_core
from .server import Reply, ScriptedServer
from .test_faults import BODY, CHECKOUT


class VirtualClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[VirtualClock]:
    # httpcore times an idle connection's expiry on time.monotonic(), read in the
    # HTTP/1.1 connection module; the server below reads the same clock.
    virtual = VirtualClock()
    monkeypatch.setattr(httpcore._async.http11, "time", SimpleNamespace(monotonic=virtual))
    yield virtual


async def _creates_after_idling(server: ScriptedServer, clock: VirtualClock, idles: list[float]):
    """A keyless create (never retried when it may have been sent) after each idle time."""
    results = []
    async with make_core(server.url, retry_config=RetryConfig.none()) as core:
        results.append(await checkouts_create(core, BODY))
        for idle in idles:
            clock.now += idle
            results.append(await checkouts_create(core, BODY))
        assert_pool_clean(core)
    return results


@pytest.mark.anyio
async def test_a_server_advertising_its_keep_alive_timeout(clock: VirtualClock) -> None:
    # The server says it closes idle connections after 1 s, and does: any idle
    # time at or past it would lose the race, and the margin covers the rest.
    answer = Reply(201, CHECKOUT, headers={"Keep-Alive": "timeout=1"})
    idles = [0.0, 0.5, 0.9, 0.99, 1.0, 1.001, 1.01, 1.5, 3.0]
    with ScriptedServer(answer, idle_timeout=1.0, clock=clock) as server:
        results = await _creates_after_idling(server, clock, idles)
        assert server.dropped == 0
        assert len(server.requests) == len(idles) + 1
    assert all(isinstance(r, Ok) for r in results), results


@pytest.mark.anyio
async def test_a_silent_server_closing_at_five_seconds(clock: VirtualClock) -> None:
    # No Keep-Alive header: the common 5 s, which tillpoint's 4 s default stays under.
    idles = [1.0, 3.9, 4.0, 4.001, 4.5, 4.99, 5.0, 5.001, 6.0, 0.1]
    with ScriptedServer(Reply(201, CHECKOUT), idle_timeout=5.0, clock=clock) as server:
        results = await _creates_after_idling(server, clock, idles)
        assert server.dropped == 0
        # Idle connections are still reused where that is safe: not one per request.
        assert server.connections < len(idles) + 1
    assert all(isinstance(r, Ok) for r in results), results


@pytest.mark.anyio
async def test_a_longer_advertised_timeout_keeps_the_connection_longer(
    clock: VirtualClock,
) -> None:
    # timeout=3 on a server closing at 3 s: reused up to 2 s idle, never at 3 s.
    answer = Reply(201, CHECKOUT, headers={"Keep-Alive": "timeout=3, max=100"})
    with ScriptedServer(answer, idle_timeout=3.0, clock=clock) as server:
        results = await _creates_after_idling(server, clock, [1.9, 2.5, 2.99, 3.0, 0.5])
        assert server.dropped == 0
        # The 1.9 s and 0.5 s idles reused their connection; the others made new ones.
        assert server.connections == 4
    assert all(isinstance(r, Ok) for r in results), results


@pytest.mark.anyio
async def test_real_time_near_a_server_closing_at_its_advertised_second() -> None:
    # The same race in real time, a few waits around the server's 1 s (bounded count).
    answer = Reply(201, CHECKOUT, headers={"Keep-Alive": "timeout=1"})
    with ScriptedServer(answer, idle_timeout=1.0) as server:
        async with make_core(server.url, retry_config=RetryConfig.none()) as core:
            results = [await checkouts_create(core, BODY)]
            for wait in (0.95, 1.0, 1.05):
                await anyio.sleep(wait)
                results.append(await checkouts_create(core, BODY))
            assert_pool_clean(core)
        assert server.dropped == 0
    assert all(isinstance(r, Ok) for r in results), results


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("timeout=5", 5.0),
        ("timeout=5, max=100", 5.0),
        ("max=100, Timeout=2", 2.0),
        ('timeout="3"', 3.0),
        ("timeout=1.5", 1.5),
        ("timeout=0", 0.0),
        ("timeout=-1", None),
        ("timeout=soon", None),
        ("timeout=inf", None),
        ("timeout=nan", None),
        ("max=100", None),
        ("", None),
        (None, None),
    ],
)
def test_the_keep_alive_header_is_read_leniently(value: str | None, seconds: float | None) -> None:
    assert keep_alive_timeout(value) == seconds


def test_the_idle_expiry_stays_short_of_the_server() -> None:
    default = DEFAULT_KEEPALIVE_EXPIRY_MS / 1000
    assert default == 4.0
    assert idle_expiry(None, default) == default
    assert idle_expiry(60, default) == default  # never longer than configured
    assert idle_expiry(3, default) == 3 - SAFETY_MARGIN
    assert idle_expiry(1, default) == 0.0  # nothing left: not reused once idle
    assert idle_expiry(0.5, default) == 0.0


@pytest.mark.anyio
async def test_an_expiry_past_the_servers_loses_the_race(clock: VirtualClock) -> None:
    # keepalive_expiry_ms reaches the pool: set past the server's 5 s, the race is
    # back (what every create met before), and the error says what happened.
    with ScriptedServer(Reply(201, CHECKOUT), idle_timeout=5.0, clock=clock) as server:
        async with make_core(
            server.url, retry_config=RetryConfig.none(), keepalive_expiry_ms=10_000
        ) as core:
            assert isinstance(await checkouts_create(core, BODY), Ok)
            clock.now += 5.0
            lost = await checkouts_create(core, BODY)
            assert_pool_clean(core)
        assert server.dropped == 1
    assert isinstance(lost, Err)
    assert type(lost.error) is errors.APIConnectionError
    message = str(lost.error)
    assert "closed the connection" in message or "disconnected" in message, message
    with pytest.raises(ValueError, match="keepalive_expiry_ms"):
        make_core("http://127.0.0.1:1", keepalive_expiry_ms=-1)


def test_sync_calls_stay_short_of_the_server_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # The blocking driver's pool (httpx.Client) honours the same hint and default.
    from tillpoint.sync import checkouts_create as create_sync

    virtual = VirtualClock()
    monkeypatch.setattr(httpcore._sync.http11, "time", SimpleNamespace(monotonic=virtual))
    for headers, closes_at, idles in (
        ({"Keep-Alive": "timeout=1"}, 1.0, [0.5, 0.99, 1.0, 2.0]),
        ({}, 5.0, [3.9, 4.0, 4.5, 5.0, 0.1]),
    ):
        answer = Reply(201, CHECKOUT, headers=headers)
        with ScriptedServer(answer, idle_timeout=closes_at, clock=virtual) as server:
            core = make_core(server.url, retry_config=RetryConfig.none())
            results = [create_sync(core, BODY)]
            for idle in idles:
                virtual.now += idle
                results.append(create_sync(core, BODY))
            core.close()
            assert server.dropped == 0
        assert all(isinstance(r, Ok) for r in results), results
