"""Fixtures for the sandbox tests: a sandbox on the fake ``clock`` (tests/conftest.py), raw
httpx clients for each API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sandbox_support import DR_AUTH, GR4VY_AUTH

from tillpoint.sandbox import Sandbox
from tillpoint.testing import FakeClock


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
