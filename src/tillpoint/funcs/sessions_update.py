"""``PUT /checkout/sessions/{session_id}``: replace a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._transport import IDEMPOTENT
from ..models.sessions import CheckoutSession, CheckoutSessionCreate
from ._gr4vy import SessionError
from ._operation import Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsUpdateError", "sessions_update"]

SessionsUpdateError = SessionError

# A PUT of the same body twice leaves the same session: safe to retry.
_OPERATION = Operation[CheckoutSession](
    name="sessions_update",
    method="PUT",
    path="/checkout/sessions/{session_id}",
    returns=CheckoutSession,
    errors=SessionsUpdateError,
    retry=IDEMPOTENT,
    api="gr4vy",
    body=CheckoutSessionCreate,
)


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
    return await _OPERATION.call(
        core, path_params={"session_id": session_id}, body=body, options=options
    )
