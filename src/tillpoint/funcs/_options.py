"""The per-call options every function takes as keywords (``**options``), and the
other names every function's signature uses, so that a module imports them in one line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack as Unpack

    from ..core import TillpointCore as TillpointCore
    from ..result import Result as Result
    from ..retries import RetryConfig

__all__ = ["RequestOptions", "SessionOptions", "WriteOptions"]


class RequestOptions(TypedDict, total=False):
    """Per-call options every function takes (keyword-only)."""

    retries: RetryConfig | None
    """Replaces the core's ``retry_config`` for this call."""
    timeout_ms: int | None
    """Replaces the core's per-attempt timeout for this call."""
    http_headers: Mapping[str, str] | None
    """Extra headers, applied last (they win over tillpoint's own)."""
    server_url: str | None
    """Replaces the core's server for this call."""


class WriteOptions(RequestOptions, total=False):
    """Per-call options of writes that carry an idempotency key."""

    idempotency_key: str | None
    """Sent as ``Idempotency-Key`` on every attempt. Digital River ignores it: supplying
    one says that *your* server or proxy dedupes on it, so tillpoint retries failures
    that may have reached the server (see docs/retries.md)."""


class SessionOptions(RequestOptions, total=False):
    """Per-call options of the Gr4vy checkout-session functions."""

    merchant_account_id: str | None
    """Sent as ``x-gr4vy-merchant-account-id``; replaces the core's for this call."""
