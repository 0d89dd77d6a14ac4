"""Retry configuration (milliseconds, the Gr4vy shape) and ``Retry-After`` parsing.

This module holds the knobs and the pure functions that turn them into delays.
The decisions made with them on each attempt (retry or answer, and after how long)
are in ``_retrying.py``; the loop that acts on them is ``_transport.send``.
"""

from __future__ import annotations

import math
import random
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = ["BackoffStrategy", "RetryConfig", "RetryQuota", "parse_retry_after"]


@attrs.frozen(kw_only=True)
class BackoffStrategy:
    """Exponential backoff with jitter. All times are in milliseconds."""

    initial_interval: int = 500
    """The delay before the first retry."""
    max_interval: int = 8_000
    """No single delay is longer than this."""
    exponent: float = 2.0
    """Each delay is this many times the previous one (before jitter)."""
    max_elapsed_time: int = 20_000
    """No retry starts after this much time since the first attempt began.

    A server asking (with ``Retry-After``) for a wait beyond this budget gets its
    error returned at once instead of a doomed sleep."""

    def __attrs_post_init__(self) -> None:
        if self.initial_interval < 0 or self.max_interval < 0 or self.max_elapsed_time < 0:
            raise ValueError("BackoffStrategy intervals must be >= 0 milliseconds")
        if self.exponent < 1:
            raise ValueError("BackoffStrategy.exponent must be >= 1")

    def delay(self, retry_number: int, *, rand: float | None = None) -> float:
        """Seconds to wait before retry number ``retry_number`` (0-based).

        Jitter takes away up to a quarter of the delay, so that clients failing
        together do not retry together.
        """
        base = min(self.initial_interval * self.exponent**retry_number, self.max_interval)
        jitter = random.random() if rand is None else rand
        return base * (1 - 0.25 * jitter) / 1000


@attrs.frozen(kw_only=True)
class RetryQuota:
    """A token bucket that bounds retries across calls, as in the AWS SDKs' standard mode.

    Each core (and its ``with_options`` copies) holds one bucket per quota setting,
    starting full. A retry spends ``retry_cost`` tokens (``connection_error_cost``
    after a timeout or a connection failure, which cost the service more to wait
    out); a call answered without needing a retry earns ``success_reward`` back, one
    answered after retries refunds what its last retry spent. With too few tokens
    left, a call returns its last error at once instead of retrying: during an
    outage, calls stop multiplying the load, and retries resume as answers do.
    """

    capacity: int = 500
    retry_cost: int = 5
    connection_error_cost: int = 10
    success_reward: int = 1

    def __attrs_post_init__(self) -> None:
        if min(self.capacity, self.retry_cost, self.connection_error_cost) < 0:
            raise ValueError("RetryQuota capacity and costs must be >= 0")
        if self.success_reward < 0:
            raise ValueError("RetryQuota.success_reward must be >= 0")


@attrs.frozen(kw_only=True)
class RetryConfig:
    """How failed attempts are retried; set on the core, override per call with ``retries=``."""

    strategy: Literal["backoff", "none"] = "backoff"
    backoff: BackoffStrategy = attrs.field(factory=BackoffStrategy)
    retry_connection_errors: bool = True
    """Retry when no response arrived (refused, reset, timed out) where that is safe."""
    max_attempts: int = 4
    """Attempts in all, the first included."""
    quota: RetryQuota | None = attrs.field(factory=RetryQuota)
    """The retry quota shared by the core's calls; ``None`` lets every call retry on its own."""

    def __attrs_post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ValueError(
                f"RetryConfig.strategy must be 'backoff' or 'none', not {self.strategy!r}"
            )
        if self.max_attempts < 1:
            raise ValueError("RetryConfig.max_attempts must be >= 1")

    @classmethod
    def none(cls) -> RetryConfig:
        """A configuration that never retries."""
        return cls(strategy="none")


def parse_retry_after(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, or ``None`` if it did not say (usably).

    ``retry-after-ms`` wins over ``retry-after``; the latter may be seconds or an
    HTTP date. Negative, infinite and unparseable values are ignored.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        seconds = _finite(raw_ms, scale=1000)
        if seconds is not None:
            return seconds
    raw = headers.get("retry-after")
    if raw is None:
        return None
    seconds = _finite(raw, scale=1)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _finite(raw: str, *, scale: int) -> float | None:
    try:
        value = float(raw) / scale
    except ValueError:
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value
