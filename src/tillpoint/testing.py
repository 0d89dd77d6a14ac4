"""Test the code that uses tillpoint: pytest fixtures backed by the sandbox, and respx helpers.

This module is a pytest plugin, registered under the ``pytest11`` entry point as
``tillpoint``: once tillpoint is installed, every test in your project can ask for
these fixtures without a ``conftest.py`` change (``-p no:tillpoint`` turns them off).
The fixtures need the ``sandbox`` extra (``pip install 'tillpoint[sandbox]'``); the
respx helpers need respx, which the ``testing`` extra installs (``pip install
'tillpoint[testing]'``). Neither is imported until a test uses them, so the plugin
costs nothing in test runs that don't.

Fixtures (all function-scoped: every test gets a fresh, empty sandbox):

* ``tillpoint_sandbox`` — a :class:`~tillpoint.sandbox.Sandbox`, to seed sources, arm
  faults (``tillpoint_sandbox.faults.add(...)``) or inspect state;
* ``tillpoint_core`` — a :class:`~tillpoint.TillpointCore` talking to that sandbox
  in-process (no sockets), made with ``tillpoint_core_options``;
* ``tillpoint_core_options`` — the keyword arguments for ``tillpoint_core``: by default
  retries with millisecond backoff, so tests of retry paths take no time. Override the
  fixture in your ``conftest.py`` to change them;
* ``tillpoint_server_url`` — the same sandbox served over real HTTP on ``127.0.0.1``,
  for code that builds its own client;
* ``tillpoint_env`` — ``TILLPOINT_SERVER_URL`` and ``TILLPOINT_BEARER_AUTH`` pointed at
  that server for the test, for code that makes ``TillpointCore()`` or ``Tillpoint()``
  from the environment. Yields the server's URL.

The fixtures are plain (not ``async``) so they work under any async test runner —
anyio's pytest plugin with asyncio or trio, or pytest-asyncio::

    import pytest
    from decimal import Decimal
    from tillpoint import Tillpoint, models

    @pytest.mark.anyio
    async def test_totals(tillpoint_core):
        tp = Tillpoint(core=tillpoint_core)
        checkout = await tp.checkouts.create(
            models.CheckoutCreate(
                currency="USD",
                items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("4.50"))],
            )
        )
        assert checkout.total_amount == Decimal("9.00")

:class:`FakeClock` is a clock that moves only when told, for a sandbox whose time a test
controls (``Sandbox(clock=FakeClock())``; ``clock.advance(3600)`` expires a Gr4vy session).

For wire-level tests with respx, :func:`mock_api` gives a router whose base URL is the
core's server, and :func:`api_response` / :func:`api_error` build responses in the API's
own shapes::

    from tillpoint.testing import api_error, api_response, mock_api

    async def test_missing_checkout():
        core = TillpointCore(bearer_auth="sk_test_1")
        with mock_api(core) as api:
            api.get("/checkouts/chk_1").mock(
                return_value=api_error(404, code="not_found", message="Checkout not found.")
            )
            result = await checkouts_get(core, "chk_1")
        assert isinstance(result.error, errors.Error404)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    import httpx
    import respx

    from .core import TillpointCore
    from .sandbox import Sandbox

__all__ = [
    "SANDBOX_TOKEN",
    "FakeClock",
    "api_error",
    "api_response",
    "mock_api",
    "tillpoint_core",
    "tillpoint_core_options",
    "tillpoint_env",
    "tillpoint_sandbox",
    "tillpoint_server_url",
]

SANDBOX_TOKEN = "sk_test_tillpoint"
"""The bearer token the fixtures use (the sandbox accepts any ``sk_test_…``)."""

DEFAULT_SERVER_URL = "https://api.digitalriver.com"
RESPX_MISSING = (
    "tillpoint.testing.mock_api needs respx, which the testing extra installs: "
    "pip install 'tillpoint[testing]'"
)


class FakeClock:
    """A clock for :class:`~tillpoint.sandbox.Sandbox` that moves only when told to.

    ``FakeClock()`` starts at 2030-01-01 12:00 UTC (or at ``start``, an aware datetime)
    and stays there until :meth:`advance` moves it, so timestamps and Gr4vy expiries are
    exact and a test never waits::

        clock = FakeClock()
        sandbox = Sandbox(clock=clock)
        ...
        clock.advance(3600)  # an hour later: a default Gr4vy session has expired
    """

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2030, 1, 1, 12, tzinfo=timezone.utc)
        """The time the clock reads; set it, or move it with :meth:`advance`."""

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward."""
        self.now += timedelta(seconds=seconds)


def _require_sandbox_extra() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        pass
    else:
        return
    # Failed outside the except block, so the report is one clear line.
    pytest.fail(
        "the tillpoint fixtures need the sandbox extra: pip install 'tillpoint[sandbox]'",
        pytrace=False,
    )


@pytest.fixture
def tillpoint_sandbox() -> Sandbox:
    """A fresh in-memory sandbox of both APIs, with its test sources seeded."""
    _require_sandbox_extra()
    from .sandbox import Sandbox

    return Sandbox()


@pytest.fixture
def tillpoint_core_options() -> dict[str, Any]:
    """Keyword arguments for ``tillpoint_core``; override this fixture to change them."""
    from .retries import BackoffStrategy, RetryConfig

    fast = BackoffStrategy(initial_interval=1, max_interval=10, max_elapsed_time=2_000)
    return {"retry_config": RetryConfig(backoff=fast)}


@pytest.fixture
def tillpoint_core(
    tillpoint_sandbox: Sandbox, tillpoint_core_options: dict[str, Any]
) -> TillpointCore:
    """A core wired to ``tillpoint_sandbox`` in-process: no sockets, no event-loop ties."""
    options = {"bearer_auth": SANDBOX_TOKEN, **tillpoint_core_options}
    return tillpoint_sandbox.core(**options)


@pytest.fixture
def tillpoint_server_url(tillpoint_sandbox: Sandbox) -> Iterator[str]:
    """``tillpoint_sandbox`` served over HTTP on ``127.0.0.1`` (a free port), for the test."""
    from .sandbox import serve_in_thread

    with serve_in_thread(tillpoint_sandbox) as base_url:
        yield base_url


@pytest.fixture
def tillpoint_env(tillpoint_server_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point ``TILLPOINT_SERVER_URL``/``TILLPOINT_BEARER_AUTH`` at the served sandbox."""
    monkeypatch.setenv("TILLPOINT_SERVER_URL", tillpoint_server_url)
    monkeypatch.setenv("TILLPOINT_BEARER_AUTH", SANDBOX_TOKEN)
    return tillpoint_server_url


def mock_api(target: TillpointCore | str | None = None, **options: Any) -> respx.MockRouter:
    """A respx router for the API that ``target`` talks to.

    Needs respx, which the ``testing`` extra installs (``pip install
    'tillpoint[testing]'``); without it, calling this raises ``ImportError`` saying so.

    Args:
        target: a core (its ``server_url`` is used), a base URL, or ``None`` for Digital
            River's (a core's default).
        **options: passed on to ``respx.mock``; ``assert_all_called`` defaults to
            ``False``, so one router can hold routes a test may not reach.

    Use it as a context manager (or a decorator), and add routes by path::

        with mock_api(core) as api:
            api.post("/checkouts").mock(return_value=api_response(201, checkout))
    """
    try:
        import respx
    except ImportError as exc:
        raise ImportError(RESPX_MISSING, name=exc.name) from exc

    if target is None:
        base_url = DEFAULT_SERVER_URL
    elif isinstance(target, str):
        base_url = target.rstrip("/")
    else:
        base_url = target.server_url
    options.setdefault("assert_all_called", False)
    router: respx.MockRouter = respx.mock(base_url=base_url, **options)
    return router


def api_response(
    status: int = 200,
    body: object = None,
    *,
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
) -> httpx.Response:
    """An ``httpx.Response`` as the API would send it, for respx's ``return_value``.

    Args:
        status: the status code.
        body: a tillpoint model (encoded as tillpoint encodes it on the wire: camelCase
            names for Digital River objects, exact decimals), JSON-ready data (a dict or
            a list), or ``None`` for no body (a 204, say).
        headers: extra response headers (``Retry-After``, say).
        request_id: sent as ``x-dr-requestid``, where tillpoint reads request ids from.
    """
    import httpx

    from . import _serde

    response_headers = dict(headers or {})
    if request_id is not None:
        response_headers["x-dr-requestid"] = request_id
    if body is None:
        return httpx.Response(status, headers=response_headers)
    response_headers.setdefault("content-type", "application/json")
    content = _serde.dumps(_serde.unstructure(body))
    return httpx.Response(status, content=content, headers=response_headers)


def api_error(
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    parameter: str | None = None,
    api: Literal["digitalriver", "gr4vy"] = "digitalriver",
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
) -> httpx.Response:
    """An error response in the API's documented error shape.

    Digital River: ``{"type": <from the status>, "errors": [{"code", "parameter",
    "message"}]}``; Gr4vy (``api="gr4vy"``): ``{"type": "error", "code", "status",
    "message", "details": []}``, with the documented defaults for ``code`` and
    ``message``. For a 422 validation body, pass ``{"detail": [...]}`` to
    :func:`api_response`.
    """
    from .funcs._profiles import DIGITAL_RIVER, GR4VY

    profile = {"digitalriver": DIGITAL_RIVER, "gr4vy": GR4VY}.get(api)
    if profile is None:
        raise ValueError(f"api must be 'digitalriver' or 'gr4vy', not {api!r}")
    body = profile.error_body(status, code, message, parameter)
    return api_response(status, body, headers=headers, request_id=request_id)
