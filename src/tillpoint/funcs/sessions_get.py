"""``GET /checkout/sessions/{session_id}``: retrieve a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from .._transport import IDEMPOTENT
from ..errors import (
    Error400,
    Error401,
    Error403,
    Error404,
    Error405,
    Error409,
    Error425,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
    HTTPValidationError,
)
from ..models.sessions import CheckoutSession
from ._operation import AnyCallError, Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsGetError", "sessions_get"]

# Gr4vy declares this 422 with *no body* ("the referenced payment method does not
# exist"), so its HTTPValidationError usually has data=None: check status_code.
SessionsGetError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409, HTTPValidationError,
    Error425, Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

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
