"""What the four Gr4vy checkout-session operations share."""

from __future__ import annotations

from typing import Union

from ..errors import (
    Error400,
    Error401,
    Error403,
    Error404,
    Error405,
    Error409,
    Error425,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
    HTTPValidationError,
)
from ._operation import AnyCallError

__all__ = ["SessionError"]

# Gr4vy's specification declares the same statuses on every checkout-session operation;
# 503 is not among them, but its own class beats SDKError when a proxy answers one.
SessionError = Union[
    Error400, Error401, Error403, Error404, Error405, Error409, HTTPValidationError,
    Error425, Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip
