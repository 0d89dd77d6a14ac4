"""What is retried, how often, how long it waits, and what it sends each time."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from decimal import Decimal

import attrs
import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from tillpoint import (
    BackoffStrategy,
    Err,
    Ok,
    RetryConfig,
    TillpointCore,
    errors,
    models,
)
from tillpoint._request import USER_AGENT, base_headers, with_auth
from tillpoint._retrying import IDEMPOTENT, NON_IDEMPOTENT, Retrying
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_delete,
    checkouts_detach_source,
    checkouts_get,
    checkouts_update,
)
from tillpoint.retries import parse_retry_after

from .conftest import TOKEN

pytestmark = pytest.mark.anyio

CHECKOUT = {"id": "c1", "currency": "USD"}
BODY = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="s", price=Decimal("1"))])
BUDGET_MS = 10_000
RETRIES = RetryConfig(
    backoff=BackoffStrategy(
        initial_interval=100, max_interval=400, exponent=2, max_elapsed_time=BUDGET_MS
    ),
    max_attempts=4,
)


@pytest.fixture
async def core(mock_api: respx.MockRouter) -> TillpointCore:
    async with TillpointCore(bearer_auth=TOKEN, retry_config=RETRIES) as core:
        yield core  # type: ignore[misc]


def sequence(*outcomes: int | Exception) -> Callable[[httpx.Request], httpx.Response]:
    """Answer with each outcome in turn (a status, or an exception to raise)."""
    remaining = list(outcomes)

    def respond(request: httpx.Request) -> httpx.Response:
        outcome = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        if isinstance(outcome, Exception):
            raise outcome
        if outcome >= 400:
            return httpx.Response(outcome, json={"type": "x", "errors": [{"message": "no"}]})
        return httpx.Response(outcome, json=CHECKOUT)

    return respond


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_reads_retry_transient_statuses(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], status: int
) -> None:
    route = mock_api.get("/checkouts/c1").mock(side_effect=sequence(status, status, 200))

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Ok)
    assert route.call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422, 501])
async def test_permanent_statuses_are_not_retried(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], status: int
) -> None:
    route = mock_api.get("/checkouts/c1").mock(side_effect=sequence(status, 200))

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Err)
    assert route.call_count == 1
    assert sleeps == []


async def test_retries_stop_at_max_attempts_with_the_last_error(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = mock_api.get("/checkouts/c1").mock(side_effect=sequence(500))

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Err) and isinstance(result.error, errors.Error500)
    assert route.call_count == RETRIES.max_attempts
    assert len(sleeps) == RETRIES.max_attempts - 1
    assert result.error.data is not None  # the last response's body was read


async def test_backoff_grows_exponentially_with_jitter_and_a_cap(sleeps: list[float]) -> None:
    backoff = BackoffStrategy(initial_interval=100, max_interval=400, exponent=2)
    assert backoff.delay(0, rand=0) == pytest.approx(0.1)
    assert backoff.delay(1, rand=0) == pytest.approx(0.2)
    assert backoff.delay(2, rand=0) == pytest.approx(0.4)
    assert backoff.delay(5, rand=0) == pytest.approx(0.4)  # capped
    assert backoff.delay(1, rand=1) == pytest.approx(0.15)  # jitter takes up to a quarter
    for n in range(6):
        assert 0.75 * backoff.delay(n, rand=0) <= backoff.delay(n) <= backoff.delay(n, rand=0)


@pytest.mark.parametrize(
    "operation",
    [
        lambda core: checkouts_update(core, "c1", models.CheckoutUpdate(email="a@b.c")),
        lambda core: checkouts_delete(core, "c1"),
        lambda core: checkouts_attach_source(core, "c1", "s1"),
        lambda core: checkouts_detach_source(core, "c1", "s1"),
    ],
)
async def test_idempotent_writes_retry_ambiguous_failures(
    core: TillpointCore,
    mock_api: respx.MockRouter,
    sleeps: list[float],
    operation: Callable[..., object],
) -> None:
    route = mock_api.route(path__startswith="/checkouts/c1").mock(
        side_effect=sequence(httpx.ReadTimeout("slow"), 502, 204)
    )

    result = await operation(core)  # type: ignore[misc]

    assert route.call_count == 3
    assert not isinstance(result, Err) or not isinstance(
        result.error, (errors.APITimeoutError, errors.Error502)
    )


@pytest.mark.parametrize(
    ("failure", "attempts"),
    [
        (500, 1),
        (502, 1),
        (504, 1),
        (408, 1),
        (httpx.ReadTimeout("sent, then silence"), 1),
        (httpx.RemoteProtocolError("reset after sending"), 1),
        (429, 2),
        (503, 2),
        (httpx.ConnectError("refused"), 2),
        (httpx.ConnectTimeout("no route"), 2),
        (httpx.PoolTimeout("pool busy"), 2),
    ],
)
async def test_create_without_a_callers_key_retries_only_what_surely_did_nothing(
    core: TillpointCore,
    mock_api: respx.MockRouter,
    sleeps: list[float],
    failure: int | Exception,
    attempts: int,
) -> None:
    route = mock_api.post("/checkouts").mock(side_effect=sequence(failure, 201))

    result = await checkouts_create(core, BODY)

    assert route.call_count == attempts
    assert isinstance(result, Ok) == (attempts == 2)
    keys = {call.request.headers["idempotency-key"] for call in route.calls}
    assert len(keys) == 1


@pytest.mark.parametrize(
    "failure",
    [500, 502, 504, 429, 503, httpx.ReadTimeout("slow"), httpx.ConnectError("refused")],
)
async def test_create_with_a_callers_key_retries_ambiguous_failures_with_that_key(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], failure: int | Exception
) -> None:
    route = mock_api.post("/checkouts").mock(side_effect=sequence(failure, failure, 201))

    result = await checkouts_create(core, BODY, idempotency_key="order-7")

    assert isinstance(result, Ok)
    assert route.call_count == 3
    assert [c.request.headers["idempotency-key"] for c in route.calls] == ["order-7"] * 3
    # The body is identical on every attempt, byte for byte.
    assert len({c.request.content for c in route.calls}) == 1


async def test_create_auto_key_is_stable_across_its_attempts(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = mock_api.post("/checkouts").mock(side_effect=sequence(429, 503, 429, 201))

    result = await checkouts_create(core, BODY)

    assert isinstance(result, Ok)
    assert route.call_count == 4
    assert len({c.request.headers["idempotency-key"] for c in route.calls}) == 1


class VaultDown(Exception):
    pass


async def test_a_failing_token_callable_propagates_and_sends_nothing(
    mock_api: respx.MockRouter,
) -> None:
    """The token callable is the caller's code: its exception is theirs, unchanged."""
    route = mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)

    async def vault() -> str:
        raise VaultDown("secret store unavailable")

    async with TillpointCore(bearer_auth=vault) as core:
        with pytest.raises(VaultDown):
            await checkouts_get(core, "c1")
        with pytest.raises(TypeError, match="bearer_auth returned int"):
            await checkouts_get(core.with_options(bearer_auth=lambda: 42), "c1")

    assert not route.called


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),  # ms wins
        ({"retry-after": "0"}, 0.0),
    ],
)
async def test_retry_after_is_honoured(
    core: TillpointCore,
    mock_api: respx.MockRouter,
    sleeps: list[float],
    headers: dict[str, str],
    expected: float,
) -> None:
    mock_api.get("/checkouts/c1").mock(
        side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, json=CHECKOUT)]
    )

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Ok)
    assert sleeps == [pytest.approx(expected)]


async def test_retry_after_as_an_http_date(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    mock_api.get("/checkouts/c1").mock(
        side_effect=[
            httpx.Response(503, headers={"retry-after": when}),
            httpx.Response(200, json=CHECKOUT),
        ]
    )

    assert isinstance(await checkouts_get(core, "c1"), Ok)
    assert len(sleeps) == 1 and 3.5 <= sleeps[0] <= 5.0


async def test_a_wait_beyond_the_budget_returns_the_error_at_once(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = mock_api.get("/checkouts/c1").mock(
        return_value=httpx.Response(
            429, headers={"retry-after": "3600"}, json={"type": "too_many_requests"}
        )
    )

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Err) and isinstance(result.error, errors.Error429)
    assert result.error.headers["retry-after"] == "3600"
    assert route.call_count == 1
    assert sleeps == []  # returned without waiting


async def test_total_sleep_stays_within_the_budget(
    mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    budget_ms = 1_000
    config = RetryConfig(
        backoff=BackoffStrategy(initial_interval=300, max_interval=300, max_elapsed_time=budget_ms),
        max_attempts=50,
    )
    mock_api.get("/checkouts/c1").respond(503)
    async with TillpointCore(bearer_auth=TOKEN, retry_config=config) as core:
        result = await checkouts_get(core, "c1")

    assert isinstance(result, Err)
    assert 0 < sum(sleeps) <= budget_ms / 1000
    assert len(sleeps) < 49  # the budget, not max_attempts, stopped it


async def test_strategy_none_and_connection_error_switch(
    mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = mock_api.get("/checkouts/c1").mock(side_effect=httpx.ConnectError("refused"))
    no_conn = RetryConfig(backoff=RETRIES.backoff, retry_connection_errors=False)
    async with TillpointCore(bearer_auth=TOKEN, retry_config=RETRIES) as core:
        await checkouts_get(core, "c1", retries=RetryConfig.none())
        assert route.call_count == 1
        await checkouts_get(core, "c1", retries=no_conn)
        assert route.call_count == 2
        await checkouts_get(core, "c1")  # the core's config retries connection errors
        assert route.call_count == 2 + RETRIES.max_attempts


async def test_the_token_is_resolved_on_every_attempt(
    mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    tokens = iter(["sk_test_1", "sk_test_2", "sk_test_3"])

    async def rotating() -> str:
        return next(tokens)

    route = mock_api.get("/checkouts/c1").mock(side_effect=sequence(503, 503, 200))
    async with TillpointCore(bearer_auth=rotating, retry_config=RETRIES) as core:
        assert isinstance(await checkouts_get(core, "c1"), Ok)

    assert [c.request.headers["authorization"] for c in route.calls] == [
        "Bearer sk_test_1",
        "Bearer sk_test_2",
        "Bearer sk_test_3",
    ]


async def test_sync_token_callable(mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    async with TillpointCore(bearer_auth=lambda: "sk_test_sync") as core:
        await checkouts_get(core, "c1")
    assert route.calls.last.request.headers["authorization"] == "Bearer sk_test_sync"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "7"}, 7.0),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "oops", "retry-after": "2"}, 2.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past
        ({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, 10.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    now = 1445412480.0  # 2015-10-21T07:28:00Z
    assert parse_retry_after(httpx.Headers(headers), now=now) == expected


def test_retry_config_validates() -> None:
    with pytest.raises(ValueError, match="strategy"):
        RetryConfig(strategy="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_attempts"):
        RetryConfig(max_attempts=0)
    with pytest.raises(ValueError, match="exponent"):
        BackoffStrategy(exponent=0.5)
    with pytest.raises(ValueError, match="milliseconds"):
        BackoffStrategy(initial_interval=-1)


# --- the decisions alone: no transport, no clock, no event loop ---


def test_decisions_follow_the_rule_and_count_attempts() -> None:
    retrying = Retrying(RETRIES, IDEMPOTENT, started=0.0)
    assert retrying.next_delay(httpx.Response(404), sent=True, now=0.0) is None
    delays = []
    while (delay := retrying.next_delay(httpx.Response(503), sent=True, now=0.0)) is not None:
        delays.append(delay)
        assert len(delays) < 10  # bounded, whatever the decisions do
    assert len(delays) == RETRIES.max_attempts - 1
    assert retrying.attempt == RETRIES.max_attempts
    backoff = RETRIES.backoff
    assert all(
        0.75 * backoff.initial_interval / 1000 <= delay <= backoff.max_interval / 1000
        for delay in delays
    )


def test_decisions_on_failures_without_a_response() -> None:
    refused = errors.APIConnectionError("refused", method="POST", path="/checkouts")
    timed_out = errors.APITimeoutError("slow", method="POST", path="/checkouts")
    create = Retrying(RETRIES, NON_IDEMPOTENT, started=0.0)
    assert create.next_delay(refused, sent=True, now=0.0) is None  # it may have been made
    assert create.next_delay(timed_out, sent=False, now=0.0) is not None  # surely not
    read = Retrying(RETRIES, IDEMPOTENT, started=0.0)
    assert read.next_delay(refused, sent=True, now=0.0) is not None
    off = Retrying(attrs.evolve(RETRIES, retry_connection_errors=False), IDEMPOTENT, started=0.0)
    assert off.next_delay(refused, sent=False, now=0.0) is None
    invalid = errors.InvalidRequestError("no")
    assert not read.retryable(invalid, sent=False)
    assert Retrying(RetryConfig.none(), IDEMPOTENT, started=0.0).max_attempts == 1


def test_decisions_prefer_the_servers_wait_and_keep_the_budget() -> None:
    retrying = Retrying(RETRIES, IDEMPOTENT, started=100.0)
    asked = httpx.Response(429, headers={"retry-after": "2"})
    assert retrying.next_delay(asked, sent=True, now=100.0) == 2.0
    too_long = httpx.Response(429, headers={"retry-after": str(BUDGET_MS)})
    assert retrying.next_delay(too_long, sent=True, now=100.0) is None


@given(
    elapsed=st.floats(min_value=0, max_value=BUDGET_MS / 1000 * 2),
    asked=st.none() | st.floats(min_value=0, max_value=BUDGET_MS / 1000 * 2),
)
def test_no_wait_ends_past_the_budget(elapsed: float, asked: float | None) -> None:
    headers = {} if asked is None else {"retry-after": repr(asked)}
    retrying = Retrying(RETRIES, IDEMPOTENT, started=0.0)
    delay = retrying.next_delay(httpx.Response(503, headers=headers), sent=True, now=elapsed)
    if delay is not None:
        assert elapsed + delay <= BUDGET_MS / 1000
        assert asked is None or delay == asked


def test_every_attempt_sends_tillpoints_headers_then_the_token_then_the_callers() -> None:
    base = base_headers({"DigitalRiver-Version": "2024"}, has_body=True)
    assert base["User-Agent"] == USER_AGENT
    assert base["Content-Type"] == "application/json"
    assert "Content-Type" not in base_headers({}, has_body=False)
    sent = with_auth(base, "tok", {"Accept": "text/plain", "X-Trace": "1"})
    assert sent["Authorization"] == "Bearer tok"
    assert sent["Accept"] == "text/plain"  # the caller's per-call headers win
    assert sent["DigitalRiver-Version"] == "2024"
    assert "Authorization" not in with_auth(base, None, None)
    assert "Authorization" not in base  # each attempt gets its own copy
