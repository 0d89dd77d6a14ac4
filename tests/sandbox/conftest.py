"""Fixtures for the sandbox tests: a controllable clock, a sandbox, raw httpx clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sandbox_support import DR_AUTH, GR4VY_AUTH, FakeClock

from tillpoint.sandbox import Sandbox


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> Sandbox:
    return Sandbox(clock=clock)


@pytest.fixture
async def dr(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client for the Digital River routes (auth header preset)."""
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url, headers=DR_AUTH
    ) as client:
        yield client


@pytest.fixture
async def gr(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client for the Gr4vy routes (auth header preset)."""
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url, headers=GR4VY_AUTH
    ) as client:
        yield client
