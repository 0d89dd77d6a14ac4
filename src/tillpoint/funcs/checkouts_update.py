"""``POST /checkouts/{id}``: update a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error404, Error409
from ..models.checkouts import Checkout, CheckoutUpdate
from ._profiles import DIGITAL_RIVER, IDEMPOTENT, DigitalRiverError

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack, WriteOptions

__all__ = ["CheckoutsUpdateError", "checkouts_update"]

CheckoutsUpdateError = Union[DigitalRiverError, Error404, Error409]

# Only the fields set on the body are sent, so the same update twice changes nothing more.
_OPERATION = DIGITAL_RIVER.post(
    "checkouts_update", "/checkouts/{checkout_id}", body=CheckoutUpdate,
    returns=Checkout, errors=CheckoutsUpdateError, retry=IDEMPOTENT,
)  # fmt: skip


async def checkouts_update(
    core: TillpointCore,
    checkout_id: str,
    body: CheckoutUpdate,
    /,
    **options: Unpack[WriteOptions],
) -> Result[Checkout, CheckoutsUpdateError]:
    """Change a checkout; only the fields set on ``body`` are sent. Totals and the
    payment session are recomputed by the server."""
    return await _OPERATION.call(core, checkout_id, body=body, options=options)
