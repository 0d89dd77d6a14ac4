"""``POST /checkouts/{id}/sources/{sourceId}``: attach a payment source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error404, Error409
from ..models.checkouts import Source
from ._profiles import DIGITAL_RIVER, IDEMPOTENT, DigitalRiverError

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack, WriteOptions

__all__ = ["CheckoutsAttachSourceError", "checkouts_attach_source"]

# The spec omits 409 here, but the guides document three (api-contract §4.3).
CheckoutsAttachSourceError = Union[DigitalRiverError, Error404, Error409]

# Attaching the same source again leaves the same payment session: safe to retry.
_OPERATION = DIGITAL_RIVER.post(
    "checkouts_attach_source", "/checkouts/{checkout_id}/sources/{source_id}",
    returns=Source, errors=CheckoutsAttachSourceError, retry=IDEMPOTENT,
)  # fmt: skip


async def checkouts_attach_source(
    core: TillpointCore, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
) -> Result[Source, CheckoutsAttachSourceError]:
    """Attach a source to the checkout's payment session; returns the source with the
    ``amount`` it now contributes. A second primary source replaces the first."""
    return await _OPERATION.call(core, checkout_id, source_id, options=options)
