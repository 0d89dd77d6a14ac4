"""``GET /checkouts/{id}``: retrieve a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..errors import Error404
from ..models.checkouts import Checkout
from ._profiles import DIGITAL_RIVER, DigitalRiverError

if TYPE_CHECKING:
    from ._options import RequestOptions, Result, TillpointCore, Unpack

__all__ = ["CheckoutsGetError", "checkouts_get"]

CheckoutsGetError = Union[DigitalRiverError, Error404]

_OPERATION = DIGITAL_RIVER.get(
    "checkouts_get", "/checkouts/{checkout_id}",
    returns=Checkout, errors=CheckoutsGetError,
)  # fmt: skip


async def checkouts_get(
    core: TillpointCore, checkout_id: str, /, **options: Unpack[RequestOptions]
) -> Result[Checkout, CheckoutsGetError]:
    """Retrieve the checkout with this id (``Error404`` if there is none)."""
    return await _OPERATION.call(core, checkout_id, options=options)
