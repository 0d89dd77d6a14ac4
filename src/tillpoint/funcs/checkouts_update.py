"""``POST /checkouts/{id}``: update a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from .._transport import IDEMPOTENT
from ..errors import (
    Error400,
    Error401,
    Error403,
    Error404,
    Error405,
    Error409,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
)
from ._operation import AnyCallError, Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import WriteOptions
from ..models.checkouts import Checkout, CheckoutUpdate

__all__ = ["CheckoutsUpdateError", "checkouts_update"]

CheckoutsUpdateError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[Checkout](
    name="checkouts_update",
    method="POST",
    path="/checkouts/{checkout_id}",
    returns=Checkout,
    errors=CheckoutsUpdateError,
    retry=IDEMPOTENT,
    body=CheckoutUpdate,
)


async def checkouts_update(
    core: TillpointCore,
    checkout_id: str,
    body: CheckoutUpdate,
    /,
    **options: Unpack[WriteOptions],
) -> Result[Checkout, CheckoutsUpdateError]:
    """Change a checkout; only the fields set on ``body`` are sent. Totals and the
    payment session are recomputed by the server."""
    return await _OPERATION.call(
        core, path_params={"checkout_id": checkout_id}, body=body, options=options
    )
