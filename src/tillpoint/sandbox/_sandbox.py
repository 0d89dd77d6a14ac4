"""The :class:`Sandbox` object: state, clock and the ASGI app that serves them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._clock import Clock
from ._payments import SEED_SOURCES
from ._state import SandboxState

if TYPE_CHECKING:
    import httpx
    from starlette.types import ASGIApp

    from ..core import TillpointCore

__all__ = ["Sandbox"]


class Sandbox(SandboxState):
    """A stateful, in-memory Digital River Checkouts + Gr4vy checkout-sessions server.

    One object holds all state; :attr:`app` is the ASGI application that
    serves it. With the SDK, :meth:`core` is all you need::

        core = Sandbox().core()
        result = await checkouts_create(core, body)

    With a plain httpx client::

        sandbox = Sandbox()
        async with httpx.AsyncClient(
            transport=sandbox.transport(), base_url=sandbox.base_url
        ) as client:
            r = await client.post(
                "/checkouts",
                headers={"Authorization": "Bearer sk_test_123"},
                json={"currency": "USD", "items": [{"skuId": "sku_1", "price": 10}]},
            )

    or over real HTTP with :func:`tillpoint.sandbox.serve_in_thread`, or from a
    shell with ``python -m tillpoint.sandbox --port 8765``.

    Parameters:
        clock: a zero-argument callable returning the current time (an aware
            ``datetime``; naive values are taken as UTC).  Every timestamp
            and every Gr4vy expiry uses it, so tests can move time forward.
        seed_sources: create the well-known test sources of
            :data:`SEED_SOURCES` (``src_test_visa``, ``src_test_visa_single_use``,
            ``src_test_store_credit_10``, ``src_test_pending_redirect``,
            ``src_test_pending_funds``, ``src_test_requires_action``,
            ``src_test_cancelled``) on creation and on every :meth:`reset`.

    Auth: Digital River routes want ``Authorization: Bearer sk_test_<anything>``;
    Gr4vy routes want any non-empty bearer token.  Test sources are created
    with ``POST /sandbox/sources`` (``{"type": "creditCard", "reusable": true}``,
    ``{"type": "customerCredit", "amount": 5}``; ``reusable`` defaults to
    ``false``, ``state`` to ``chargeable``).

    Fault injection (every key is in the sandbox guide): arm rules with ``POST
    /sandbox/faults`` or ``sandbox.faults.add(...)`` (``{"match": {"method":
    "POST", "path": "/checkouts"}, "status": 503, "retry_after": "1",
    "count": 2}``; also ``delay_ms``, ``retry_after_ms``, ``drop_connection``,
    ``drop_after_commit`` and a verbatim ``body``), or send the header
    ``x-sandbox-fault: status=503;retry_after=1`` on a single request.
    """

    base_url = "http://sandbox.tillpoint.test"

    def __init__(self, clock: Clock | None = None, seed_sources: bool = True) -> None:
        super().__init__(clock, seed_sources)
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        """The ASGI application (built on first use, so importing is cheap)."""
        if self._app is None:
            from ._app import build_app

            self._app = build_app(self)
        return self._app

    def transport(self) -> httpx.ASGITransport:
        """An in-process transport for ``httpx.AsyncClient(transport=..., base_url=...)``."""
        import httpx

        return httpx.ASGITransport(app=self.app)

    def core(self, **options: Any) -> TillpointCore:
        """A :class:`~tillpoint.TillpointCore` wired to this sandbox in-process: no sockets.

        Async calls and ``tillpoint.sync`` calls both reach it (sync ones with or
        without an event loop anywhere). ``options`` go to ``TillpointCore``; the token
        defaults to ``sk_test_sandbox``. Plain ``http`` is allowed here because the
        traffic never leaves the process.
        """
        import httpx

        from ..core import TillpointCore
        from ._sync_transport import SyncASGITransport

        options.setdefault("bearer_auth", "sk_test_sandbox")
        client = httpx.AsyncClient(transport=self.transport())
        core = TillpointCore(
            server_url=self.base_url, client=client, allow_insecure_http=True, **options
        )
        core._pool.adopt(httpx.Client(transport=SyncASGITransport(self.app)))
        return core


# Re-exported for documentation: the ids ``seed_sources=True`` creates.
SEEDED_SOURCE_IDS = tuple(SEED_SOURCES)
