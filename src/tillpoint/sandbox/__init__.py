"""tillpoint.sandbox: a stateful, in-memory implementation of the two checkout APIs.

It serves Digital River ``/checkouts`` (2021-12-13) and Gr4vy
``/checkout/sessions`` from one ASGI app, following the contract in
``api-contract.md``: totals to the cent, the payment-session state machine,
pagination and filters, the documented error bodies, Gr4vy expiry and 422s,
and fault injection for retry tests.  It works on raw JSON and never imports
the SDK's models, so it can check the SDK from the outside.

* :class:`Sandbox` holds the state; ``sandbox.app`` is the ASGI app,
  ``sandbox.transport()`` an ``httpx.ASGITransport`` for in-process use and
  ``sandbox.base_url`` the matching base URL.
* :func:`create_app` builds a fresh sandbox and returns its app.
* :func:`serve_in_thread` serves a sandbox on ``127.0.0.1`` for tests.
* ``python -m tillpoint.sandbox --port 8765`` serves one from a shell.

Needs the ``sandbox`` extra (``starlette`` and ``uvicorn``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._payments import SEED_SOURCES
from ._sandbox import Sandbox
from ._serve import serve_in_thread

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = ["SEED_SOURCES", "Sandbox", "create_app", "serve_in_thread"]


def create_app(**options: Any) -> ASGIApp:
    """A new :class:`Sandbox`'s ASGI app (``options`` go to ``Sandbox``)."""
    return Sandbox(**options).app
