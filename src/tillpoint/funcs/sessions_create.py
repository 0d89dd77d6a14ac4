"""``POST /checkout/sessions``: create a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.sessions import CheckoutSession, CheckoutSessionCreate
from ._profiles import GR4VY, NON_IDEMPOTENT, Gr4vyError, RequestBody

if TYPE_CHECKING:
    from ._options import Result, SessionOptions, TillpointCore, Unpack

__all__ = ["SessionsCreateError", "sessions_create"]

SessionsCreateError = Gr4vyError

# Gr4vy has no idempotency key for sessions, so only failures that surely did
# nothing are retried: a retried ambiguous create could leave a second session.
_OPERATION = GR4VY.post(
    "sessions_create", "/checkout/sessions", body=RequestBody(CheckoutSessionCreate, optional=True),
    returns=CheckoutSession, errors=SessionsCreateError, retry=NON_IDEMPOTENT,
)  # fmt: skip


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
