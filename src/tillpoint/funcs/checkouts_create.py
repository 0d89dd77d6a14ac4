"""``POST /checkouts``: create a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from .._transport import NON_IDEMPOTENT
from ..errors import (
    Error400,
    Error401,
    Error403,
    Error405,
    Error409,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
)
from ..models._base import UNSET
from ..models.checkouts import Checkout, CheckoutCreate
from ._operation import AnyCallError, Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import WriteOptions

__all__ = ["CheckoutsCreateError", "checkouts_create"]

CheckoutsCreateError = Union[
    Error400, Error401, Error403, Error405, Error409,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip


def _missing(body: CheckoutCreate) -> tuple[str, str] | None:
    if body.currency is UNSET or not isinstance(body.currency, str) or not body.currency.strip():
        return "currency", "currency is required (an ISO 4217 code such as 'USD')"
    if body.items is UNSET or not body.items:
        return "items", "items is required: at least one line item"
    return None


# Digital River documents no idempotency key, so a key tillpoint makes up is sent
# (for servers and proxies that honour one) but not trusted: without the caller's
# own key, only failures that surely did nothing are retried.
_OPERATION = Operation[Checkout](
    name="checkouts_create",
    method="POST",
    path="/checkouts",
    returns=Checkout,
    errors=CheckoutsCreateError,
    retry=NON_IDEMPOTENT,
    idempotency_key=True,
    body=CheckoutCreate,
    check_body=_missing,
)


async def checkouts_create(
    core: TillpointCore, body: CheckoutCreate, /, **options: Unpack[WriteOptions]
) -> Result[Checkout, CheckoutsCreateError]:
    """Create a checkout (the server answers 201). ``currency`` and ``items`` are required.

    Pass ``idempotency_key=`` to make retries of ambiguous failures (a timeout after
    sending, a 500) safe; one key is sent on every attempt of this call either way.
    """
    return await _OPERATION.call(core, body=body, options=options)
