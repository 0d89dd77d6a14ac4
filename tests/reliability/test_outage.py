"""The retry quota: an outage is not multiplied by retries, and retries resume with the service.

Each core holds a token bucket (AWS SDKs' standard retry mode): 500 tokens, 5 per
retry after an error status, 10 after a timeout or connection failure, 1 earned back
by each call answered without a retry. The tests count requests, not time: backoff
sleeps run on the virtual-time seam (``tillpoint._loop.sleep``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio
import httpx
import pytest

import tillpoint._loop
from tillpoint import Err, Ok, RetryConfig, RetryQuota, TillpointCore, errors
from tillpoint.funcs import checkouts_get

from .conftest import TOKEN

pytestmark = pytest.mark.anyio

CALLS = 1_000
WORKERS = 20
CHECKOUT = {"id": "c1", "currency": "USD"}


@pytest.fixture(autouse=True)
def instant_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await anyio.lowlevel.checkpoint()

    monkeypatch.setattr(tillpoint._loop, "sleep", sleep)
    return waits


class Service:
    """A mock service: ``failing(n)`` says whether answer number ``n`` is a 503."""

    def __init__(self) -> None:
        self.requests = 0
        self.failing: Callable[[int], bool] = lambda n: True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.failing(self.requests):
            return httpx.Response(503, json={"type": "unavailable", "errors": []})
        return httpx.Response(200, json=CHECKOUT)


@asynccontextmanager
async def core_for(service: Service, **options: object) -> AsyncIterator[TillpointCore]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(service)) as client:
        yield TillpointCore(
            bearer_auth=TOKEN, server_url="https://api.test", client=client, **options
        )  # type: ignore[arg-type]


async def run_calls(core: TillpointCore, calls: int) -> list[object]:
    """``calls`` reads, ``WORKERS`` at a time, as a busy application makes them."""
    results: list[object] = []
    pending = iter(range(calls))

    async def worker() -> None:
        for n in pending:
            results.append(await checkouts_get(core, f"c{n}"))

    async with anyio.create_task_group() as tg:
        for _ in range(WORKERS):
            tg.start_soon(worker)
    assert len(results) == calls
    return results


async def test_an_outage_is_not_multiplied_and_retries_resume_on_recovery() -> None:
    service = Service()
    async with core_for(service) as core:
        # A hard outage: every answer is a 503.
        outage = await run_calls(core, CALLS)
        assert all(isinstance(r, Err) and type(r.error) is errors.Error503 for r in outage)
        assert service.requests <= 1_200  # 1,100: one each, and 100 retries the quota paid
        during_outage = service.requests

        # Recovery: one answer in ten is still a 503. Successes refill the bucket, and
        # the failed answers are retried again.
        service.requests = 0
        service.failing = lambda n: n % 10 == 0
        recovery = await run_calls(core, CALLS)
        succeeded = sum(isinstance(r, Ok) for r in recovery)
        assert succeeded >= 0.97 * CALLS, succeeded
        assert service.requests > CALLS  # retries happened
    assert during_outage > CALLS  # the quota let the first retries through


async def test_the_quota_is_shared_by_a_core_and_its_copies() -> None:
    service = Service()
    async with core_for(service) as core:
        copy = core.with_options(timeout_ms=5_000)
        await run_calls(copy, 200)  # 200 failing calls drain the 500 tokens
        service.requests = 0
        got = await checkouts_get(core, "c1")
        assert isinstance(got, Err)
        assert service.requests == 1  # failed fast: no token left for a retry
        # A different quota setting has its own bucket.
        roomy = RetryConfig(quota=RetryQuota(capacity=1_000))
        service.requests = 0
        await checkouts_get(core, "c1", retries=roomy)
        assert service.requests == roomy.max_attempts


async def test_without_a_quota_every_call_retries_on_its_own() -> None:
    service = Service()
    async with core_for(service, retry_config=RetryConfig(quota=None)) as core:
        await run_calls(core, 200)
    assert service.requests == 200 * RetryConfig().max_attempts


async def test_a_connection_failure_costs_more_than_an_error_status() -> None:
    quota = RetryQuota(capacity=30)  # six retries after a 503, three after a refusal
    attempts = 0

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(counting)) as client:
        core = TillpointCore(
            bearer_auth=TOKEN,
            server_url="https://api.test",
            client=client,
            retry_config=RetryConfig(quota=quota, max_attempts=10),
        )
        got = await checkouts_get(core, "c1")
    assert isinstance(got, Err) and isinstance(got.error, errors.APIConnectionError)
    assert attempts == 1 + 30 // quota.connection_error_cost


def test_the_quota_defaults_and_checks() -> None:
    assert RetryConfig().quota == RetryQuota(
        capacity=500, retry_cost=5, connection_error_cost=10, success_reward=1
    )
    with pytest.raises(ValueError, match="RetryQuota"):
        RetryQuota(retry_cost=-1)
