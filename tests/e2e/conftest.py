"""End-to-end fixtures: the sandbox served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tillpoint import BackoffStrategy, RetryConfig, Tillpoint, TillpointCore
from tillpoint.sandbox import Sandbox, serve_in_thread

TOKEN = "sk_test_e2e"
FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=10, max_interval=50, max_elapsed_time=5_000)
)


@pytest.fixture(scope="session")
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox()
    with serve_in_thread(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def sandbox(served: tuple[Sandbox, str]) -> Sandbox:
    served[0].reset()
    return served[0]


@pytest.fixture
async def core(served: tuple[Sandbox, str], sandbox: Sandbox) -> AsyncIterator[TillpointCore]:
    async with TillpointCore(
        bearer_auth=TOKEN, server_url=served[1], retry_config=FAST_RETRIES
    ) as core:
        yield core


@pytest.fixture
def tp(core: TillpointCore) -> Tillpoint:
    return Tillpoint(core=core)
