"""What differs between the two APIs tillpoint speaks: one ``ApiProfile`` per API.

An ``Operation`` names its profile; everything API-specific — the headers every call
sends, the statuses every operation declares, the shape of an error body, what an id
may be — is read from there, so no code asks which API it is talking to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from .._keywords import keywords_of
from .._retrying import IDEMPOTENT, NON_IDEMPOTENT
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
from ..models._base import UNSET
from ._checks import header_value
from ._operation import ApiProfile, RequestBody
from ._options import SessionOptions, WriteOptions

if TYPE_CHECKING:
    import httpx

    from ..core import TillpointCore
    from ..models.errors import ErrorBody

# A module declaring an operation imports its whole vocabulary from here; a create's
# recovery (``_recovery.LookUp``) comes from its own module, which a read never loads.
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


# The top-level fields a checkout had before 2021-03-23, when they moved under
# ``payment`` (api-contract §1.7); the 2021-12-13 models know none of them.
_PRE_2021_03_23_FIELDS = frozenset({"sourceId", "sources", "creditAmount", "paymentSessionId"})


def _digital_river_version_mismatch(value: object, response: httpx.Response) -> str | None:
    """Refuse a checkout in a pre-2021-03-23 shape: the models would decode it with its
    sources and payment session lost in ``extra_fields`` and ``payment`` unset."""
    # A page's checkouts are in ``data``; any other answer is one object. Only a
    # checkout has both ``payment`` and those old fields.
    for record in getattr(value, "data", None) or (value,):
        extra = getattr(record, "extra_fields", None)
        if (
            extra
            and not _PRE_2021_03_23_FIELDS.isdisjoint(extra)
            and getattr(record, "payment", None) is UNSET
        ):
            old = ", ".join(sorted(_PRE_2021_03_23_FIELDS.intersection(extra)))
            sent = response.request.headers.get("DigitalRiver-Version", "none")
            return (
                f"the {response.status_code} response is a checkout in a DigitalRiver-Version "
                f"before 2021-03-23 (top-level {old}, no payment), but tillpoint speaks "
                f"{DIGITAL_RIVER_VERSION} (this request sent DigitalRiver-Version: {sent}). "
                "Leave the core's api_version unset, or set it to "
                f"{DIGITAL_RIVER_VERSION!r}, and check that nothing between tillpoint and "
                "Digital River drops the header."
            )
    return None


def _digital_river_error_model(data: dict[str, Any]) -> type[ErrorBody] | None:
    # Loaded with the first error body: a process whose calls succeed never needs it.
    from ..models.errors import DigitalRiverErrorBody

    return DigitalRiverErrorBody if "errors" in data or "type" in data else None


def _digital_river_error_body(
    status: int, code: str | None, message: str | None, parameter: str | None
) -> dict[str, Any]:
    from ..sandbox._errors import dr_body, dr_type_for, phrase_of

    if message is None:
        message = phrase_of(status)
    return dr_body(status, code or dr_type_for(status), message, parameter)


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


def _gr4vy_error_body(
    status: int, code: str | None, message: str | None, parameter: str | None
) -> dict[str, Any]:
    from ..sandbox._errors import gr4vy_body

    if parameter is not None:
        raise ValueError("Gr4vy error bodies have no parameter")
    return gr4vy_body(status, code, message)


DIGITAL_RIVER = ApiProfile(
    name="Digital River",
    errors=DigitalRiverError,
    headers=_digital_river_headers,
    error_model=_digital_river_error_model,
    error_body=_digital_river_error_body,
    check_value=_digital_river_version_mismatch,
    write_options=keywords_of(WriteOptions),
)
"""Digital River Checkouts: ``DigitalRiver-Version`` pinned, ``{"type", "errors"}`` bodies."""

GR4VY = ApiProfile(
    name="Gr4vy",
    errors=Gr4vyError,
    headers=_gr4vy_headers,
    error_model=_gr4vy_error_model,
    error_body=_gr4vy_error_body,
    read_options=keywords_of(SessionOptions),
    write_options=keywords_of(SessionOptions),
)
"""Gr4vy checkout sessions: the merchant account header, ``{"type": "error", …}`` bodies."""
