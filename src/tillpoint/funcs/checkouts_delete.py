"""``DELETE /checkouts/{id}``: delete a checkout."""

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

__all__ = ["CheckoutsDeleteError", "checkouts_delete"]

CheckoutsDeleteError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[None](
    name="checkouts_delete",
    method="DELETE",
    path="/checkouts/{checkout_id}",
    returns=None,
    errors=CheckoutsDeleteError,
    retry=IDEMPOTENT,
)


async def checkouts_delete(
    core: TillpointCore, checkout_id: str, /, **options: Unpack[WriteOptions]
) -> Result[None, CheckoutsDeleteError]:
    """Delete a checkout; the server answers 204, so the value is ``None``."""
    return await _OPERATION.call(core, path_params={"checkout_id": checkout_id}, options=options)
