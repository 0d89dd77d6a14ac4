"""Shared fixtures: every async test runs under asyncio and under trio."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import respx

from tillpoint import BackoffStrategy, RetryConfig, TillpointCore

BASE_URL = "https://api.digitalriver.com"
TOKEN = "sk_test_51SecretTokenValue"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=1, max_interval=5, max_elapsed_time=2_000),
    max_attempts=4,
)
"""Real backoff logic with millisecond delays, so retry tests take no time."""


@pytest.fixture
def mock_api() -> respx.MockRouter:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def core(mock_api: respx.MockRouter) -> AsyncIterator[TillpointCore]:
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, retry_config=FAST_RETRIES)
    async with core:
        yield core


def json_response(status: int, body: object, **headers: str) -> Callable[..., httpx.Response]:
    return lambda request: httpx.Response(status, json=body, headers=headers)
