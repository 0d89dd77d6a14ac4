"""The retry decisions: whether an outcome is retried, and after how long. No I/O.

A driver (``_transport.send`` today) makes the attempts and the waits; it asks a
``Retrying`` after each attempt what to do next. Nothing here sends, sleeps or
reads a clock, so any driver — async or sync — runs the same decisions.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import attrs

from .errors import APIConnectionError
from .retries import parse_retry_after

if TYPE_CHECKING:
    import httpx

    from .errors import TillpointError
    from .retries import RetryConfig, RetryQuota

__all__ = [
    "AMBIGUOUS_STATUSES",
    "IDEMPOTENT",
    "NON_IDEMPOTENT",
    "Quotas",
    "RetryRule",
    "Retrying",
    "TokenBucket",
    "ambiguous",
]


@attrs.frozen
class RetryRule:
    """What an operation may safely retry, beyond failures to connect at all."""

    statuses: frozenset[int]
    ambiguous_failures: bool
    """Retry when the request may have reached the server (read timeout, reset)."""


IDEMPOTENT = RetryRule(frozenset({408, 429, 500, 502, 503, 504}), ambiguous_failures=True)
"""Reads, and writes that are safe to repeat (update, delete, attach, detach, PUT)."""

NON_IDEMPOTENT = RetryRule(frozenset({429, 503}), ambiguous_failures=False)
"""Creates without a caller-supplied idempotency key: retry only what surely did nothing."""


AMBIGUOUS_STATUSES = frozenset({500, 502, 504})
"""Answers after which a write may or may not have been applied (429 and 503 say it
was not; a 500 may come after the work was done)."""


def ambiguous(outcome: httpx.Response | TillpointError, *, sent: bool) -> bool:
    """Whether a write may have taken effect although no success came back: a
    connection lost or timed out after the request may have been sent, or a 500/502/504.
    Before retrying such a write, something must prove it did nothing."""
    if isinstance(outcome, BaseException):
        return sent and isinstance(outcome, APIConnectionError)
    return outcome.status_code in AMBIGUOUS_STATUSES


class TokenBucket:
    """The tokens a ``RetryQuota`` allows, shared by every call of a core (and its copies).

    Calls may run on several threads (a sync driver) as well as several tasks, so
    the count changes under a lock.
    """

    __slots__ = ("_lock", "capacity", "tokens")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.tokens = capacity
        self._lock = threading.Lock()

    def take(self, cost: int) -> bool:
        """Spend ``cost`` tokens if there are that many; whether they were spent."""
        with self._lock:
            if self.tokens < cost:
                return False
            self.tokens -= cost
            return True

    def give(self, amount: int) -> None:
        with self._lock:
            self.tokens = min(self.capacity, self.tokens + amount)


class Quotas:
    """A core's token buckets, one per ``RetryQuota`` setting, made on first use."""

    __slots__ = ("_buckets", "_lock")

    def __init__(self) -> None:
        self._buckets: dict[RetryQuota, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, quota: RetryQuota | None) -> TokenBucket | None:
        if quota is None:
            return None
        bucket = self._buckets.get(quota)
        if bucket is None:
            with self._lock:
                bucket = self._buckets.setdefault(quota, TokenBucket(quota.capacity))
        return bucket


class Retrying:
    """One call's retry state under a config and a rule.

    ``started`` and every ``now`` come from the driver's clock (seconds, monotonic).
    ``quotas`` holds the core's retry-quota buckets; without it, no quota applies.
    """

    __slots__ = (
        "_bucket",
        "_budget",
        "_config",
        "_rule",
        "_spent",
        "_started",
        "attempt",
        "max_attempts",
    )

    def __init__(
        self,
        config: RetryConfig,
        rule: RetryRule,
        *,
        started: float,
        quotas: Quotas | None = None,
    ) -> None:
        self._config = config
        self._rule = rule
        self._started = started
        self._budget = config.backoff.max_elapsed_time / 1000
        self.max_attempts = 1 if config.strategy == "none" else config.max_attempts
        self._bucket = quotas.bucket(config.quota) if quotas and self.max_attempts > 1 else None
        self._spent = 0
        """What this call's last retry took from the bucket (refunded on an answer)."""
        self.attempt = 1
        """The number of the attempt being made (1 for the first)."""

    def retryable(
        self, outcome: httpx.Response | TillpointError, *, sent: bool, rule: RetryRule | None = None
    ) -> bool:
        """Whether the rule and config allow trying again after ``outcome``.

        ``sent`` is whether the request may have taken effect: a failure to connect
        that surely did not reach the server is safe to retry even for a create, and
        so is an ambiguous failure once a look-up has proved it did nothing.
        ``rule`` replaces the call's own for this decision (a look-up made on the
        call's behalf has its own).
        """
        rule = rule or self._rule
        if not isinstance(outcome, BaseException):
            status = outcome.status_code
            return status in rule.statuses or (not sent and status in AMBIGUOUS_STATUSES)
        return (
            isinstance(outcome, APIConnectionError)
            and self._config.retry_connection_errors
            and (not sent or rule.ambiguous_failures)
        )

    def next_delay(
        self,
        outcome: httpx.Response | TillpointError,
        *,
        sent: bool,
        now: float,
        rule: RetryRule | None = None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or ``None``: answer with ``outcome``.

        A wait is the server's ``Retry-After`` when it gave one, else the backoff's;
        a wait that would end past the budget stops the call now rather than sleep
        for nothing, and so does a retry quota without the tokens for it. On a delay,
        ``attempt`` moves on to the next attempt's number.
        """
        if not self.retryable(outcome, sent=sent, rule=rule):
            quota = self._config.quota
            if self._bucket is not None and quota is not None and _answered(outcome):
                self._bucket.give(self._spent or quota.success_reward)
            return None
        if self.attempt >= self.max_attempts:
            return None
        asked = None if isinstance(outcome, BaseException) else parse_retry_after(outcome.headers)
        delay = asked if asked is not None else self._config.backoff.delay(self.attempt - 1)
        if now - self._started + delay > self._budget:
            return None
        if self._bucket is not None:
            quota = self._config.quota
            assert quota is not None
            cost = (
                quota.connection_error_cost
                if isinstance(outcome, BaseException)
                else quota.retry_cost
            )
            if not self._bucket.take(cost):
                return None  # the quota is spent: fail fast with this outcome
            self._spent = cost
        self.attempt += 1
        return delay


def _answered(outcome: httpx.Response | TillpointError) -> bool:
    """An answer that shows the service working: earns tokens back for the quota.

    Any response but a throttle (408, 429) or a server error (5xx); a client error
    such as a 404 is the service working as it should.
    """
    if isinstance(outcome, BaseException):
        return False
    status = outcome.status_code
    return status < 500 and status not in (408, 429)
