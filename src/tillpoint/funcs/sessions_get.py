"""``GET /checkout/sessions/{session_id}``: retrieve a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.sessions import CheckoutSession
from ._profiles import GR4VY, Gr4vyError

if TYPE_CHECKING:
    from ._options import Result, SessionOptions, TillpointCore, Unpack

__all__ = ["SessionsGetError", "sessions_get"]

# Gr4vy declares this 422 with *no body* ("the referenced payment method does not
# exist"), so its HTTPValidationError usually has data=None: check status_code.
SessionsGetError = Gr4vyError

_OPERATION = GR4VY.get(
    "sessions_get", "/checkout/sessions/{session_id}",
    returns=CheckoutSession, errors=SessionsGetError,
)  # fmt: skip


async def sessions_get(
    core: TillpointCore, session_id: str, /, **options: Unpack[SessionOptions]
) -> Result[CheckoutSession, SessionsGetError]:
    """Retrieve a session; ``Error404`` once it is deleted or has expired."""
    return await _OPERATION.call(core, session_id, options=options)
