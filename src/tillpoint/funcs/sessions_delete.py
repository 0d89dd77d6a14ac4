"""``DELETE /checkout/sessions/{session_id}``: delete a Gr4vy checkout session."""

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
from ._operation import AnyCallError, Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsDeleteError", "sessions_delete"]

SessionsDeleteError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409, HTTPValidationError,
    Error425, Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[None](
    name="sessions_delete",
    method="DELETE",
    path="/checkout/sessions/{session_id}",
    returns=None,
    errors=SessionsDeleteError,
    retry=IDEMPOTENT,
    api="gr4vy",
)


async def sessions_delete(
    core: TillpointCore, session_id: str, /, **options: Unpack[SessionOptions]
) -> Result[None, SessionsDeleteError]:
    """Delete a session and all of its (PCI) data; the server answers 204, so the
    value is ``None``."""
    return await _OPERATION.call(core, path_params={"session_id": session_id}, options=options)
