"""``GET /checkout/sessions/{session_id}``: retrieve a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._transport import IDEMPOTENT
from ..models.sessions import CheckoutSession
from ._gr4vy import SessionError
from ._operation import Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsGetError", "sessions_get"]

# Gr4vy declares this 422 with *no body* ("the referenced payment method does not
# exist"), so its HTTPValidationError usually has data=None: check status_code.
SessionsGetError = SessionError

_OPERATION = Operation[CheckoutSession](
    name="sessions_get",
    method="GET",
    path="/checkout/sessions/{session_id}",
    returns=CheckoutSession,
    errors=SessionsGetError,
    retry=IDEMPOTENT,
    api="gr4vy",
)


async def sessions_get(
    core: TillpointCore, session_id: str, /, **options: Unpack[SessionOptions]
) -> Result[CheckoutSession, SessionsGetError]:
    """Retrieve a session; ``Error404`` once it is deleted or has expired."""
    return await _OPERATION.call(core, path_params={"session_id": session_id}, options=options)
