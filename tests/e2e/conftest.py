"""End-to-end fixtures: the session's sandbox (``served``, tests/conftest.py) over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tillpoint import BackoffStrategy, RetryConfig, Tillpoint, TillpointCore
from tillpoint.sandbox import Sandbox
from tillpoint.testing import FakeClock

TOKEN = "sk_test_e2e"
FAST_RETRIES = RetryConfig(
    backoff=BackoffStrategy(initial_interval=10, max_interval=50, max_elapsed_time=5_000)
)


@pytest.fixture
def sandbox(served: tuple[Sandbox, str]) -> Sandbox:
    return served[0]


@pytest.fixture
def clock(clock: FakeClock, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The fake clock, installed on the served sandbox for this test only."""
    monkeypatch.setattr(sandbox, "clock", clock)
    return clock


@pytest.fixture
async def core(served: tuple[Sandbox, str], sandbox: Sandbox) -> AsyncIterator[TillpointCore]:
    async with TillpointCore(
        bearer_auth=TOKEN, server_url=served[1], retry_config=FAST_RETRIES
    ) as core:
        yield core


@pytest.fixture
def tp(core: TillpointCore) -> Tillpoint:
    return Tillpoint(core=core)
