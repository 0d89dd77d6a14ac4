"""``DELETE /checkout/sessions/{session_id}``: delete a Gr4vy checkout session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._profiles import GR4VY, Gr4vyError

if TYPE_CHECKING:
    from ._options import Result, SessionOptions, TillpointCore, Unpack

__all__ = ["SessionsDeleteError", "sessions_delete"]

SessionsDeleteError = Gr4vyError

_OPERATION = GR4VY.delete(
    "sessions_delete", "/checkout/sessions/{session_id}",
    errors=SessionsDeleteError,
)  # fmt: skip


async def sessions_delete(
    core: TillpointCore, session_id: str, /, **options: Unpack[SessionOptions]
) -> Result[None, SessionsDeleteError]:
    """Delete a session and all of its (PCI) data; the server answers 204, so the
    value is ``None``."""
    return await _OPERATION.call(core, session_id, options=options)
