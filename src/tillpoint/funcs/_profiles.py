"""What differs between the two APIs tillpoint speaks, one object per API.

An ``Operation`` names its profile; everything API-specific — the headers every call
sends, the statuses every operation declares, the shape of an error body, what an id
may be — is read from there, so no code asks which API it is talking to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, Union

import attrs

from .._transport import IDEMPOTENT, NON_IDEMPOTENT, RetryRule
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
from ._operation import (
    Method,
    Operation,
    RequestBody,
    declared_statuses,
    header_value,
    require_id,
)

if TYPE_CHECKING:
    from ..core import TillpointCore
    from ..models.errors import ErrorBody
    from ._options import SessionOptions
    from ._query import QueryParameter

T = TypeVar("T")

# A module declaring an operation imports its whole vocabulary from here.
__all__ = [
    "DIGITAL_RIVER",
    "DIGITAL_RIVER_VERSION",
    "GR4VY",
    "IDEMPOTENT",
    "MERCHANT_ACCOUNT_HEADER",
    "NON_IDEMPOTENT",
    "AnyCallError",
    "ApiProfile",
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

Headers = Callable[["TillpointCore", Any], dict[str, str]]
ErrorModel = Callable[[dict[str, Any]], "type[ErrorBody] | None"]


@attrs.frozen(kw_only=True)
class ApiProfile:
    """Everything every operation of one API shares."""

    name: str
    errors: Any
    """The error union every operation of the API declares (each may add statuses)."""
    headers: Headers
    """The API's own headers, from the core and the call's options."""
    error_model: ErrorModel
    """The model of an error body (a parsed JSON object), or ``None`` if it is not one."""
    check_id: Callable[[object, str], str] = require_id
    """The rule for a path parameter: returns it, or raises ``InvalidRequestError``."""
    statuses: frozenset[int] = attrs.field(init=False)
    """The statuses in ``errors``: every operation of the API has their classes."""

    @statuses.default
    def _statuses(self) -> frozenset[int]:
        return declared_statuses(self.errors)

    def __repr__(self) -> str:
        return f"<ApiProfile {self.name}>"

    # One method a verb, so that a declaration reads like the specification's heading.
    # Each funcs module lays its declaration out in two lines (``# fmt: skip`` keeps
    # them): the request (name, path, body), then the answer (model, errors) and retry.

    def get(
        self,
        name: str,
        path: str,
        *,
        returns: type[T],
        errors: Any,
        query: Mapping[str, QueryParameter] | None = None,
    ) -> Operation[T]:
        """A GET: safe, so retried like any idempotent request."""
        return self._operation("GET", name, path, returns, errors, IDEMPOTENT, query=query or {})

    def post(
        self,
        name: str,
        path: str,
        *,
        returns: type[T],
        errors: Any,
        retry: RetryRule,
        body: RequestBody | type[Any] | None = None,
        idempotency_key: bool = False,
    ) -> Operation[T]:
        """A POST: not idempotent by HTTP's definition, so each one states its retry rule."""
        return self._operation(
            "POST", name, path, returns, errors, retry, body=body, idempotency_key=idempotency_key
        )

    def put(
        self, name: str, path: str, *, returns: type[T], errors: Any, body: type[Any]
    ) -> Operation[T]:
        """A PUT: a full replacement, idempotent by HTTP's definition."""
        return self._operation("PUT", name, path, returns, errors, IDEMPOTENT, body=body)

    def delete(self, name: str, path: str, *, errors: Any) -> Operation[None]:
        """A DELETE: idempotent by HTTP's definition; its success has no body (204)."""
        return self._operation("DELETE", name, path, None, errors, IDEMPOTENT)

    def _operation(
        self,
        method: Method,
        name: str,
        path: str,
        returns: type[T] | None,
        errors: Any,
        retry: RetryRule,
        **declared: Any,
    ) -> Operation[T]:
        return Operation(
            name=name,
            api=self,
            method=method,
            path=path,
            returns=returns,
            errors=errors,
            retry=retry,
            **declared,
        )


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
