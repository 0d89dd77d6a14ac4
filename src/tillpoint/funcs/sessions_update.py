"""``PUT /checkout/sessions/{session_id}``: replace a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.sessions import CheckoutSession, CheckoutSessionCreate
from ._profiles import GR4VY, Gr4vyError

if TYPE_CHECKING:
    from ._options import Result, SessionOptions, TillpointCore, Unpack

__all__ = ["SessionsUpdateError", "sessions_update"]

SessionsUpdateError = Gr4vyError

# A PUT of the same body twice leaves the same session: safe to retry.
_OPERATION = GR4VY.put(
    "sessions_update", "/checkout/sessions/{session_id}", body=CheckoutSessionCreate,
    returns=CheckoutSession, errors=SessionsUpdateError,
)  # fmt: skip


async def sessions_update(
    core: TillpointCore,
    session_id: str,
    body: CheckoutSessionCreate,
    /,
    **options: Unpack[SessionOptions],
) -> Result[CheckoutSession, SessionsUpdateError]:
    """Replace the session's cart, buyer, amount and the rest with ``body`` (a PUT:
    fields left unset are cleared).

    ``expires_in`` is sent only when you set it on ``body``; unlike Gr4vy's SDK,
    tillpoint never asks for a fresh one-hour expiry behind your back. (Whether a
    server then keeps the old expiry is its own rule: the sandbox keeps it.)
    """
    return await _OPERATION.call(core, session_id, body=body, options=options)
