"""Fixtures shared by every suite, defined here once.

* ``anyio_backend``: every async test runs under asyncio and under trio;
* ``clock``: a :class:`tillpoint.testing.FakeClock` (2030-01-01 12:00 UTC until a test
  moves it);
* ``served``: one sandbox served over HTTP on 127.0.0.1 for the whole session, emptied
  before each test that asks for it (starting a server per test would cost more than
  most of the tests);
* ``mock_api``/``core``: a respx router and a core aimed at it, for wire-level tests;
* ``sleeps``: the retry waits tillpoint asks for, on a virtual clock they advance.

The project's own pytest plugin (``tillpoint.testing``) is active too: its
``tillpoint_sandbox``/``tillpoint_server_url`` give a test a sandbox of its own.
"""

from __future__ import annotations

import os
import textwrap
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import respx
from hypothesis import settings

from tillpoint import BackoffStrategy, RetryConfig, TillpointCore, _loop
from tillpoint.sandbox import Sandbox, serve_in_thread
from tillpoint.testing import FakeClock

# No per-example deadline: a slow machine must not fail a test. CI also runs hypothesis
# derandomized (HYPOTHESIS_PROFILE=ci in .ci/run): the same inputs on every run, so a red
# build is reproducible and not the luck of one draw. Local runs keep exploring new inputs
# (and hypothesis replays any failure it found from .hypothesis/).
settings.register_profile("local", deadline=None)
settings.register_profile("ci", parent=settings.get_profile("local"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "local"))

BASE_URL = "https://api.digitalriver.com"
TOKEN = "sk_test_51SecretTokenValue"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def _served_for_the_session() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox()
    with serve_in_thread(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def served(_served_for_the_session: tuple[Sandbox, str]) -> tuple[Sandbox, str]:
    """``(sandbox, base_url)``: the session's served sandbox, reset for this test."""
    sandbox, _ = _served_for_the_session
    sandbox.reset()
    return _served_for_the_session


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


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The delays tillpoint asked for, on a virtual clock that they advance."""
    recorded: list[float] = []
    clock = [time.monotonic()]

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)
        clock[0] += delay

    monkeypatch.setattr(_loop, "sleep", fake_sleep)
    monkeypatch.setattr(_loop, "now", lambda: clock[0])
    yield recorded


@pytest.fixture
def mypy_flags(tmp_path: Path) -> Callable[[str], tuple[list[int], str]]:
    """Type-check a snippet with ``mypy --strict``: the lines it flags, and its output.

    For what can only be shown by what mypy says of code that uses tillpoint (the
    checked-in cases live in tests/typing, which ``make lint`` type-checks).
    """
    mypy_api = pytest.importorskip("mypy.api")

    def check(source: str) -> tuple[list[int], str]:
        snippet = tmp_path / "snippet.py"
        snippet.write_text(textwrap.dedent(source))
        out, _, _ = mypy_api.run(["--strict", "--no-error-summary", str(snippet)])
        lines = [int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line]
        return sorted(lines), out

    return check
