"""``DELETE /checkouts/{id}/sources/{sourceId}``: detach a payment source."""

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

__all__ = ["CheckoutsDetachSourceError", "checkouts_detach_source"]

CheckoutsDetachSourceError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[None](
    name="checkouts_detach_source",
    method="DELETE",
    path="/checkouts/{checkout_id}/sources/{source_id}",
    returns=None,
    errors=CheckoutsDetachSourceError,
    retry=IDEMPOTENT,
)


async def checkouts_detach_source(
    core: TillpointCore, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
) -> Result[None, CheckoutsDetachSourceError]:
    """Detach a source; the payment session is recomputed. The value is ``None``."""
    return await _OPERATION.call(
        core, path_params={"checkout_id": checkout_id, "source_id": source_id}, options=options
    )
