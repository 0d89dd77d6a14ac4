"""``DELETE /checkouts/{id}``: delete a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error404, Error409
from ._profiles import DIGITAL_RIVER, DigitalRiverError

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack, WriteOptions

__all__ = ["CheckoutsDeleteError", "checkouts_delete"]

CheckoutsDeleteError = Union[DigitalRiverError, Error404, Error409]

_OPERATION = DIGITAL_RIVER.delete(
    "checkouts_delete", "/checkouts/{checkout_id}",
    errors=CheckoutsDeleteError,
)  # fmt: skip


async def checkouts_delete(
    core: TillpointCore, checkout_id: str, /, **options: Unpack[WriteOptions]
) -> Result[None, CheckoutsDeleteError]:
    """Delete a checkout; the server answers 204, so the value is ``None``."""
    return await _OPERATION.call(core, checkout_id, options=options)
