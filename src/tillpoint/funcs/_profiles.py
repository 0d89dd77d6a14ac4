"""What differs between the two APIs tillpoint speaks: one ``ApiProfile`` per API.

An ``Operation`` names its profile; everything API-specific — the headers every call
sends, the statuses every operation declares, the shape of an error body, what an id
may be — is read from there, so no code asks which API it is talking to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from .._transport import IDEMPOTENT, NON_IDEMPOTENT
from ..errors import (
    APIConnectionError,
    APITimeoutError,
    Error400,
    Error401,
    Error403,
    Error404,
    Error405,
    Error406,
    Error408,
    Error409,
    Error425,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
    HTTPValidationError,
    InvalidRequestError,
    ResponseValidationError,
    SDKError,
)
from ._operation import ApiProfile, RequestBody, header_value

if TYPE_CHECKING:
    from ..core import TillpointCore
    from ..models.errors import ErrorBody
    from ._options import SessionOptions

# A module declaring an operation imports its whole vocabulary from here.
__all__ = [
    "DIGITAL_RIVER",
    "DIGITAL_RIVER_VERSION",
    "GR4VY",
    "IDEMPOTENT",
    "MERCHANT_ACCOUNT_HEADER",
    "NON_IDEMPOTENT",
    "AnyCallError",
    "DigitalRiverError",
    "Gr4vyError",
    "RequestBody",
]

AnyCallError = Union[
    SDKError, APIConnectionError, APITimeoutError, ResponseValidationError, InvalidRequestError
]
"""What any call can return besides the statuses its operation declares."""

DigitalRiverError = Union[
    Error400, Error401, Error403, Error405, Error406, Error408,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip
"""The statuses Digital River's specification declares on every checkout operation
(an operation adds its own 404 or 409)."""

# Gr4vy's specification declares the same statuses on every checkout-session operation;
# 503 is not among them, but its own class beats SDKError when a proxy answers one.
Gr4vyError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409, HTTPValidationError,
    Error425, Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip
"""The statuses of every Gr4vy checkout-session operation."""

DIGITAL_RIVER_VERSION = "2021-12-13"
"""The Digital River API version tillpoint's models describe; a core's ``api_version=``
replaces it."""

MERCHANT_ACCOUNT_HEADER = "x-gr4vy-merchant-account-id"

# Gr4vy's error body keys (api-contract §5.5); a dict with none of them is not one.
_GR4VY_ERROR_KEYS = frozenset({"type", "code", "status", "message", "details", "resource_id"})


def _digital_river_headers(core: TillpointCore, options: object) -> dict[str, str]:
    return {"DigitalRiver-Version": core.api_version or DIGITAL_RIVER_VERSION}


def _digital_river_error_model(data: dict[str, Any]) -> type[ErrorBody] | None:
    # Loaded with the first error body: a process whose calls succeed never needs it.
    from ..models.errors import DigitalRiverErrorBody

    return DigitalRiverErrorBody if "errors" in data or "type" in data else None


def _gr4vy_headers(core: TillpointCore, options: SessionOptions) -> dict[str, str]:
    merchant = options.get("merchant_account_id")
    if merchant is None:
        merchant = core.merchant_account_id  # itself from TILLPOINT_MERCHANT_ACCOUNT_ID
    if merchant is None:
        return {}
    return {MERCHANT_ACCOUNT_HEADER: header_value(merchant, "merchant_account_id")}


def _gr4vy_error_model(data: dict[str, Any]) -> type[ErrorBody] | None:
    from ..models.errors import Gr4vyErrorBody

    return None if _GR4VY_ERROR_KEYS.isdisjoint(data) else Gr4vyErrorBody


DIGITAL_RIVER = ApiProfile(
    name="Digital River",
    errors=DigitalRiverError,
    headers=_digital_river_headers,
    error_model=_digital_river_error_model,
)
"""Digital River Checkouts: ``DigitalRiver-Version`` pinned, ``{"type", "errors"}`` bodies."""

GR4VY = ApiProfile(
    name="Gr4vy",
    errors=Gr4vyError,
    headers=_gr4vy_headers,
    error_model=_gr4vy_error_model,
)
"""Gr4vy checkout sessions: the merchant account header, ``{"type": "error", …}`` bodies."""
