"""``GET /checkouts/{id}``: retrieve a checkout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from .._transport import IDEMPOTENT
from ..errors import (
    Error400,
    Error401,
    Error403,
    Error404,
    Error405,
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
    from ._operation import RequestOptions
from ..models.checkouts import Checkout

__all__ = ["CheckoutsGetError", "checkouts_get"]

CheckoutsGetError = Union[
    Error400, Error401, Error403, Error404, Error405,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[Checkout](
    name="checkouts_get",
    method="GET",
    path="/checkouts/{checkout_id}",
    returns=Checkout,
    errors=CheckoutsGetError,
    retry=IDEMPOTENT,
)


async def checkouts_get(
    core: TillpointCore, checkout_id: str, /, **options: Unpack[RequestOptions]
) -> Result[Checkout, CheckoutsGetError]:
    """Retrieve the checkout with this id (``Error404`` if there is none)."""
    return await _OPERATION.call(core, path_params={"checkout_id": checkout_id}, options=options)
