"""``DELETE /checkouts/{id}/sources/{sourceId}``: detach a payment source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error404, Error409
from ._profiles import DIGITAL_RIVER, DigitalRiverError

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack, WriteOptions

__all__ = ["CheckoutsDetachSourceError", "checkouts_detach_source"]

CheckoutsDetachSourceError = Union[DigitalRiverError, Error404, Error409]

_OPERATION = DIGITAL_RIVER.delete(
    "checkouts_detach_source", "/checkouts/{checkout_id}/sources/{source_id}",
    errors=CheckoutsDetachSourceError,
)  # fmt: skip


async def checkouts_detach_source(
    core: TillpointCore, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
) -> Result[None, CheckoutsDetachSourceError]:
    """Detach a source; the payment session is recomputed. The value is ``None``."""
    return await _OPERATION.call(core, checkout_id, source_id, options=options)
