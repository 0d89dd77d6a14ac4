"""``POST /checkout/sessions``: create a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._transport import NON_IDEMPOTENT
from ..models.sessions import CheckoutSession, CheckoutSessionCreate
from ._gr4vy import SessionError
from ._operation import Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsCreateError", "sessions_create"]

SessionsCreateError = SessionError

# Gr4vy has no idempotency key for sessions, so only failures that surely did
# nothing are retried: a retried ambiguous create could leave a second session.
_OPERATION = Operation[CheckoutSession](
    name="sessions_create",
    method="POST",
    path="/checkout/sessions",
    returns=CheckoutSession,
    errors=SessionsCreateError,
    retry=NON_IDEMPOTENT,
    api="gr4vy",
    body=CheckoutSessionCreate,
    body_required=False,
)


async def sessions_create(
    core: TillpointCore,
    body: CheckoutSessionCreate | None = None,
    /,
    **options: Unpack[SessionOptions],
) -> Result[CheckoutSession, SessionsCreateError]:
    """Create a checkout session (the server answers 201).

    Every field is optional; with no ``body`` nothing at all is sent and the session
    has only its ``id`` and ``expires_at`` (one hour away unless ``expires_in`` says
    otherwise, 3600–86400 seconds).
    """
    return await _OPERATION.call(core, body=body, options=options)
