"""``POST /checkouts/{id}/sources/{sourceId}``: attach a payment source."""

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
from ..models.checkouts import Source

__all__ = ["CheckoutsAttachSourceError", "checkouts_attach_source"]

# The spec omits 409 here, but the guides document three (api-contract §4.3).
CheckoutsAttachSourceError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

_OPERATION = Operation[Source](
    name="checkouts_attach_source",
    method="POST",
    path="/checkouts/{checkout_id}/sources/{source_id}",
    returns=Source,
    errors=CheckoutsAttachSourceError,
    retry=IDEMPOTENT,
)


async def checkouts_attach_source(
    core: TillpointCore, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
) -> Result[Source, CheckoutsAttachSourceError]:
    """Attach a source to the checkout's payment session; returns the source with the
    ``amount`` it now contributes. A second primary source replaces the first."""
    return await _OPERATION.call(
        core, path_params={"checkout_id": checkout_id, "source_id": source_id}, options=options
    )
