"""Error bodies, parsed into ``APIError.data``.

Digital River: ``{"type", "errors": [{"code", "parameter", "message"}]}``.
Gr4vy: ``{"type": "error", "code", "status", "message", "details": [...]}``.
FastAPI validation (422): ``{"detail": [{"loc", "msg", "type", "input", "ctx"}]}``.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import attrs

from ._base import UNSET, DigitalRiverModel, Gr4vyModel, Unset

__all__ = [
    "DigitalRiverError",
    "DigitalRiverErrorBody",
    "ErrorBody",
    "Gr4vyErrorBody",
    "Gr4vyErrorDetail",
    "ValidationErrorBody",
    "ValidationErrorDetail",
]

DigitalRiverErrorType = Union[
    Literal[
        "bad_request", "not_found", "request_timeout", "unauthorized", "conflict",
        "internal_server_error", "too_many_requests", "method_not_allowed", "not_acceptable",
        "forbidden", "bad_gateway", "service_unavailable", "gateway_timeout",
    ],
    str,
]  # fmt: skip


@attrs.define(kw_only=True, repr=False, eq=False)
class DigitalRiverError(DigitalRiverModel):
    """One problem: ``code`` (e.g. ``missing_parameter``), the ``parameter`` at fault, a message."""

    code: str | Unset | None = UNSET
    parameter: str | Unset | None = UNSET
    message: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class DigitalRiverErrorBody(DigitalRiverModel):
    """A Digital River error body. ``type`` need not match the status: classify by status."""

    type: DigitalRiverErrorType | Unset | None = UNSET
    errors: list[DigitalRiverError] | Unset | None = UNSET

    @property
    def codes(self) -> list[str]:
        """Every error code in the body, in order."""
        return [e.code for e in self.errors or () if isinstance(e.code, str)]

    def summary(self) -> str | None:
        parts = []
        for error in self.errors or ():
            text = error.message or error.code or ""
            extra = [str(x) for x in (error.code, error.parameter) if x]
            if extra and text != error.code:
                text += f" ({', '.join(extra)})"
            if text:
                parts.append(text)
        return "; ".join(parts) or (self.type or None)


@attrs.define(kw_only=True, repr=False, eq=False)
class Gr4vyErrorDetail(Gr4vyModel):
    """Where a Gr4vy request went wrong: ``location`` (body, query, …), a JSON ``pointer``."""

    location: str | Unset | None = UNSET
    pointer: str | Unset | None = UNSET
    message: str | Unset | None = UNSET
    type: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Gr4vyErrorBody(Gr4vyModel):
    """A Gr4vy error body; ``resource_id`` is set on 409 duplicates."""

    type: str | Unset | None = UNSET
    code: str | Unset | None = UNSET
    status: int | Unset | None = UNSET
    message: str | Unset | None = UNSET
    details: list[Gr4vyErrorDetail] | Unset | None = UNSET
    resource_id: str | Unset | None = UNSET

    def summary(self) -> str | None:
        text = self.message or None
        if self.code:
            text = f"{text} ({self.code})" if text else str(self.code)
        for detail in self.details or ():
            if detail.message:
                where = f"{detail.pointer}: " if detail.pointer else ""
                text = f"{text}; {where}{detail.message}" if text else f"{where}{detail.message}"
        return text


@attrs.define(kw_only=True, repr=False, eq=False)
class ValidationErrorDetail(Gr4vyModel):
    """One failed check: ``loc`` is the path (``["body", "cart_items", 0, "quantity"]``)."""

    loc: list[Any] | Unset | None = UNSET
    msg: str | Unset | None = UNSET
    type: str | Unset | None = UNSET
    input: Any = UNSET
    ctx: dict[str, Any] | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ValidationErrorBody(Gr4vyModel):
    """A 422 body: every failed check."""

    detail: list[ValidationErrorDetail] | Unset | None = UNSET

    def summary(self) -> str | None:
        parts = []
        for d in self.detail or ():
            where = ".".join(str(p) for p in d.loc or ())
            parts.append(f"{where}: {d.msg}" if where else str(d.msg))
        return "; ".join(parts) or None


ErrorBody = Union[DigitalRiverErrorBody, Gr4vyErrorBody, ValidationErrorBody]
