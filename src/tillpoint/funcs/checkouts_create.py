"""``POST /checkouts``: create a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error409
from ..models._base import UNSET
from ..models.checkouts import Checkout, CheckoutCreate
from ._profiles import DIGITAL_RIVER, NON_IDEMPOTENT, DigitalRiverError, RequestBody

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


# Digital River documents no idempotency key, so a key tillpoint makes up is sent
# (for servers and proxies that honour one) but not trusted: without the caller's
# own key, only failures that surely did nothing are retried.
_OPERATION = DIGITAL_RIVER.post(
    "checkouts_create", "/checkouts", body=RequestBody(CheckoutCreate, check=_missing),
    returns=Checkout, errors=CheckoutsCreateError, retry=NON_IDEMPOTENT, idempotency_key=True,
)  # fmt: skip


async def checkouts_create(
    core: TillpointCore, body: CheckoutCreate, /, **options: Unpack[WriteOptions]
) -> Result[Checkout, CheckoutsCreateError]:
    """Create a checkout (the server answers 201). ``currency`` and ``items`` are required.

    Pass ``idempotency_key=`` to make retries of ambiguous failures (a timeout after
    sending, a 500) safe; one key is sent on every attempt of this call either way.
    """
    return await _OPERATION.call(core, body=body, options=options)
