"""Fixtures for the reliability suite: a scripted server on 127.0.0.1, and cores aimed at it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tillpoint import BackoffStrategy, RetryConfig, TillpointCore

from .server import ScriptedServer

TOKEN = "sk_live_4eC39HqLyjWDarjtT1zdp7dcReliability"
"""Long and distinctive, so a leak anywhere is found by plain substring search."""

FAST = RetryConfig(
    backoff=BackoffStrategy(initial_interval=20, max_interval=80, max_elapsed_time=5_000),
    max_attempts=4,
)
"""Real backoff with short delays: four attempts take well under a second."""


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


def run_strictly(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter, every warning an error (``-W error``): a
    ``ResourceWarning`` from a socket left open anywhere fails it."""
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def make_core(url: str, **options: object) -> TillpointCore:
    options.setdefault("bearer_auth", TOKEN)
    options.setdefault("retry_config", FAST)
    return TillpointCore(server_url=url, **options)  # type: ignore[arg-type]


def assert_pool_clean(core: TillpointCore) -> None:
    """No request is queued or in flight, and every pooled connection is idle or closed.

    ``core.client()._transport._pool`` is httpcore's ``AsyncConnectionPool``: its
    ``_requests`` are the requests waiting for or holding a connection, and a connection
    that is neither idle nor closed is one a request still holds (a leak, once the
    call has returned).
    """
    pool = core.client()._transport._pool  # type: ignore[attr-defined]
    assert pool._requests == [], pool
    busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
    assert busy == [], busy
