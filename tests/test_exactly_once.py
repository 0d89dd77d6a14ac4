"""Exactly-once creates on an API without idempotency keys.

A create that carries ``upstream_id`` and fails ambiguously (the connection lost after
sending, a read timeout, 500/502/504) is looked up by that id before anything else:
found, it is the answer (``Ok.recovered``); proved absent, the create is retried; the
look-up failing too leaves the original failure. Without ``upstream_id`` an ambiguous
failure is the answer. Every request, look-ups included, spends the same retry budget.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import httpx
import pytest
import respx

import tillpoint
from tillpoint import BackoffStrategy, Err, Hooks, Ok, RetryConfig, errors, models
from tillpoint._retrying import IDEMPOTENT, NON_IDEMPOTENT, Retrying, ambiguous
from tillpoint.core import TillpointCore
from tillpoint.funcs import checkouts_create

from .conftest import TOKEN

pytestmark = pytest.mark.anyio

RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=100, max_interval=400, max_elapsed_time=10_000),
    max_attempts=4,
)
UPSTREAM_ID = "order-1001"
CREATED = {"id": "c1", "currency": "USD", "upstreamId": UPSTREAM_ID}


def order(upstream_id: str | None = UPSTREAM_ID) -> models.CheckoutCreate:
    body = models.CheckoutCreate(
        currency="USD", items=[models.Item(sku_id="sku_mug", price=Decimal("7.25"))]
    )
    if upstream_id is not None:
        body.upstream_id = upstream_id
    return body


def listing(*checkouts: dict[str, object]) -> httpx.Response:
    return httpx.Response(200, json={"hasMore": False, "data": list(checkouts)})


def failing(*outcomes: int | Exception) -> list[httpx.Response | Exception]:
    return [
        o if isinstance(o, Exception) else httpx.Response(o, json={"type": "x", "errors": []})
        for o in outcomes
    ]


AMBIGUOUS = [
    httpx.ReadTimeout("no answer in time"),
    httpx.RemoteProtocolError("connection dropped"),
    httpx.ReadError("reset"),
    500,
    502,
    504,
]


@pytest.fixture
async def core(mock_api: respx.MockRouter) -> TillpointCore:
    async with TillpointCore(bearer_auth=TOKEN, retry_config=RETRIES) as core:
        yield core  # type: ignore[misc]


@pytest.mark.parametrize("failure", AMBIGUOUS)
async def test_a_create_that_was_made_is_found_and_returned_once(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], failure: int | Exception
) -> None:
    post = mock_api.post("/checkouts").mock(side_effect=failing(failure))
    lookup = mock_api.get("/checkouts").mock(return_value=listing(CREATED))

    result = await checkouts_create(core, order())

    assert isinstance(result, Ok), result
    assert result.recovered is True
    assert result.value.id == "c1" and result.value.upstream_id == UPSTREAM_ID
    assert post.call_count == 1 and lookup.call_count == 1
    assert result.response is not None  # the look-up's, for its request id
    sent = result.response.request
    assert sent.method == "GET"
    assert list(sent.url.params.multi_items()) == [("upstreamIds", UPSTREAM_ID)]
    assert sent.headers["digitalriver-version"] == "2021-12-13"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert "idempotency-key" not in sent.headers
    assert len(sleeps) == 1  # the look-up waits as a retry would


@pytest.mark.parametrize("failure", AMBIGUOUS)
async def test_a_create_proved_absent_is_retried_with_the_same_key_and_body(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], failure: int | Exception
) -> None:
    post = mock_api.post("/checkouts").mock(
        side_effect=[*failing(failure), httpx.Response(201, json=CREATED)]
    )
    lookup = mock_api.get("/checkouts").mock(return_value=listing())

    result = await checkouts_create(core, order())

    assert isinstance(result, Ok) and result.recovered is False
    assert post.call_count == 2 and lookup.call_count == 1
    assert len({c.request.headers["idempotency-key"] for c in post.calls}) == 1
    assert len({c.request.content for c in post.calls}) == 1


async def test_a_listed_checkout_with_another_upstream_id_proves_nothing_found(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(201, json=CREATED)]
    )
    mock_api.get("/checkouts").mock(return_value=listing({"id": "c0", "upstreamId": "other"}))

    result = await checkouts_create(core, order())

    assert isinstance(result, Ok) and not result.recovered
    assert post.call_count == 2


@pytest.mark.parametrize("failure", AMBIGUOUS)
async def test_without_upstream_id_an_ambiguous_failure_is_returned_never_retried(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float], failure: int | Exception
) -> None:
    post = mock_api.post("/checkouts").mock(side_effect=failing(failure, 201))
    lookup = mock_api.get("/checkouts")

    result = await checkouts_create(core, order(upstream_id=None))

    assert isinstance(result, Err)
    expected = errors.APIConnectionError if isinstance(failure, Exception) else errors.APIError
    assert isinstance(result.error, expected)
    assert post.call_count == 1 and not lookup.called


async def test_a_failing_look_up_leaves_the_original_failure_within_the_budget(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").mock(side_effect=httpx.RemoteProtocolError("dropped"))
    lookup = mock_api.get("/checkouts").respond(503, json={"type": "x", "errors": []})

    result = await checkouts_create(core, order())

    assert isinstance(result, Err) and isinstance(result.error, errors.APIConnectionError)
    assert post.call_count == 1  # never blindly retried
    assert lookup.call_count == RETRIES.max_attempts - 1  # the look-ups spent the rest


async def test_a_look_up_refused_outright_leaves_the_original_failure(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").respond(502, json={"type": "x", "errors": []})
    lookup = mock_api.get("/checkouts").respond(403, json={"type": "forbidden", "errors": []})

    result = await checkouts_create(core, order())

    assert isinstance(result, Err) and isinstance(result.error, errors.Error502)
    assert post.call_count == 1 and lookup.call_count == 1


async def test_posts_and_look_ups_share_one_attempt_budget(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").respond(500, json={"type": "x", "errors": []})
    lookup = mock_api.get("/checkouts").mock(return_value=listing())

    result = await checkouts_create(core, order())

    assert isinstance(result, Err) and isinstance(result.error, errors.Error500)
    # POST, look-up, POST, look-up: four attempts, the last failure is the answer.
    assert post.call_count + lookup.call_count == RETRIES.max_attempts
    assert post.call_count == 2
    assert sum(sleeps) * 1000 <= RETRIES.backoff.max_elapsed_time


async def test_with_retries_off_nothing_is_looked_up(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.post("/checkouts").mock(side_effect=httpx.ReadTimeout("slow"))
    lookup = mock_api.get("/checkouts")

    result = await checkouts_create(core, order(), retries=RetryConfig.none())

    assert isinstance(result, Err) and isinstance(result.error, errors.APITimeoutError)
    assert not lookup.called


async def test_what_surely_did_nothing_is_retried_without_a_look_up(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").mock(
        side_effect=[
            *failing(503, httpx.ConnectError("refused")),
            httpx.Response(201, json=CREATED),
        ]
    )
    lookup = mock_api.get("/checkouts")

    result = await checkouts_create(core, order())

    assert isinstance(result, Ok) and post.call_count == 3
    assert not lookup.called


async def test_a_callers_key_does_not_skip_the_look_up(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    post = mock_api.post("/checkouts").mock(side_effect=httpx.ReadTimeout("slow"))
    lookup = mock_api.get("/checkouts").mock(return_value=listing(CREATED))

    result = await checkouts_create(core, order(), idempotency_key="order-1001-key")

    assert isinstance(result, Ok) and result.recovered
    assert post.call_count == 1
    assert "idempotency-key" not in lookup.calls.last.request.headers


async def test_hooks_see_the_recovered_result_once(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    answered: list[str] = []
    failed: list[object] = []
    requests: list[str] = []

    async def record_request(request: httpx.Request) -> None:
        requests.append(request.method)

    async def record_success(response: httpx.Response) -> None:
        answered.append(response.request.method)

    async def record_error(response: object, error: object) -> None:
        failed.append(error)

    hooked = core.with_options(
        hooks=Hooks(
            before_request=record_request, after_success=record_success, after_error=record_error
        )
    )
    mock_api.post("/checkouts").mock(side_effect=httpx.ReadTimeout("slow"))
    mock_api.get("/checkouts").mock(return_value=listing(CREATED))

    result = await checkouts_create(hooked, order())

    assert isinstance(result, Ok) and result.recovered
    assert answered == ["GET"] and failed == []  # one outcome: the recovered Ok
    assert requests == ["POST", "GET"]  # every attempt, the look-up too, passes the hooks


async def test_the_facade_returns_the_recovered_checkout(
    core: TillpointCore, mock_api: respx.MockRouter, sleeps: list[float]
) -> None:
    mock_api.post("/checkouts").mock(side_effect=httpx.ReadTimeout("slow"))
    mock_api.get("/checkouts").mock(return_value=listing(CREATED))

    checkout = await tillpoint.Tillpoint(core=core).checkouts.create(order())

    assert checkout.id == "c1"


def test_ambiguous_means_it_may_have_taken_effect() -> None:
    sent, unsent = True, False
    timeout = errors.APITimeoutError("slow", method="POST", path="/checkouts")
    assert ambiguous(timeout, sent=sent) and not ambiguous(timeout, sent=unsent)
    assert all(ambiguous(httpx.Response(s), sent=sent) for s in (500, 502, 504))
    assert not any(ambiguous(httpx.Response(s), sent=sent) for s in (201, 400, 409, 429, 503))


def test_an_ambiguous_failure_proved_harmless_is_retryable_under_any_rule() -> None:
    config = attrs.evolve(RETRIES, max_attempts=2)
    for status in (500, 502, 504):
        assert not Retrying(config, NON_IDEMPOTENT, started=0).retryable(
            httpx.Response(status), sent=True
        )
        assert Retrying(config, NON_IDEMPOTENT, started=0).retryable(
            httpx.Response(status), sent=False
        )
    # A decision can be asked under another rule (a look-up's) without a new budget.
    retrying = Retrying(config, NON_IDEMPOTENT, started=0)
    assert retrying.next_delay(httpx.Response(408), sent=True, now=0, rule=IDEMPOTENT) is not None
    assert retrying.next_delay(httpx.Response(408), sent=True, now=0, rule=IDEMPOTENT) is None


def test_the_sync_functions_recover_the_same_way(mock_api: respx.MockRouter) -> None:
    from tillpoint import sync

    post = mock_api.post("/checkouts").mock(side_effect=httpx.RemoteProtocolError("dropped"))
    lookup = mock_api.get("/checkouts").mock(return_value=listing(CREATED))
    fast = RetryConfig(backoff=BackoffStrategy(initial_interval=1, max_interval=2))

    core = TillpointCore(bearer_auth=TOKEN, retry_config=fast)
    try:
        result = sync.checkouts_create(core, order())
    finally:
        core.close()

    assert isinstance(result, Ok) and result.recovered and result.value.id == "c1"
    assert post.call_count == 1 and lookup.call_count == 1
