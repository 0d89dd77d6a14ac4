"""``DELETE /checkout/sessions/{session_id}``: delete a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._transport import IDEMPOTENT
from ._gr4vy import SessionError
from ._operation import Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import SessionOptions

__all__ = ["SessionsDeleteError", "sessions_delete"]

SessionsDeleteError = SessionError

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
