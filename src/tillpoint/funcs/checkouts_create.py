"""``POST /checkouts``: create a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error409
from ..models._base import UNSET
from ..models.checkouts import Checkout, CheckoutCreate
from ._profiles import DIGITAL_RIVER, NON_IDEMPOTENT, DigitalRiverError, RequestBody
from ._recovery import LookUp
from .checkouts_list import _OPERATION as CHECKOUTS_LIST

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack, WriteOptions

__all__ = ["CheckoutsCreateError", "checkouts_create"]

CheckoutsCreateError = Union[DigitalRiverError, Error409]


def _missing(body: CheckoutCreate) -> tuple[str, str] | None:
    if body.currency is UNSET or not isinstance(body.currency, str) or not body.currency.strip():
        return "currency", "currency is required (an ISO 4217 code such as 'USD')"
    if body.items is UNSET or not body.items:
        return "items", "items is required: at least one line item"
    return None


# Digital River documents no idempotency key, so the key tillpoint mints is sent (for
# servers and proxies that honour one) but not trusted. Its own key is the body's
# upstreamId: an ambiguous failure of a create that carries one is looked up by it
# before the create is tried again; without one, only what surely did nothing is retried.
_OPERATION = DIGITAL_RIVER.post(
    "checkouts_create", "/checkouts", body=RequestBody(CheckoutCreate, check=_missing),
    returns=Checkout, errors=CheckoutsCreateError, retry=NON_IDEMPOTENT, idempotency_key=True,
    recovery=LookUp(via=CHECKOUTS_LIST, key="upstream_id", filter="upstream_ids"),
)  # fmt: skip


async def checkouts_create(
    core: TillpointCore, body: CheckoutCreate, /, **options: Unpack[WriteOptions]
) -> Result[Checkout, CheckoutsCreateError]:
    """Create a checkout (the server answers 201). ``currency`` and ``items`` are required.

    Give the body an ``upstream_id`` unique to this checkout to make it exactly-once:
    if the answer is lost (the connection dropped after sending, a read timeout, a
    500/502/504), tillpoint looks the id up and returns the checkout it finds
    (``Ok.recovered``), or creates it again if none exists. Without one, such a failure
    is returned, never retried. ``idempotency_key=`` is sent as ``Idempotency-Key``,
    which Digital River ignores: pass one only if your own server or proxy dedupes on
    it, since it lets tillpoint retry ambiguous failures blindly.
    """
    return await _OPERATION.call(core, body=body, options=options)
