"""The retry decisions: whether an outcome is retried, and after how long. No I/O.

A driver (``_transport.send`` today) makes the attempts and the waits; it asks a
``Retrying`` after each attempt what to do next. Nothing here sends, sleeps or
reads a clock, so any driver — async or sync — runs the same decisions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .errors import APIConnectionError
from .retries import parse_retry_after

if TYPE_CHECKING:
    import httpx

    from .errors import TillpointError
    from .retries import RetryConfig

__all__ = [
    "AMBIGUOUS_STATUSES",
    "IDEMPOTENT",
    "NON_IDEMPOTENT",
    "RetryRule",
    "Retrying",
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


class Retrying:
    """One call's retry state under a config and a rule.

    ``started`` and every ``now`` come from the driver's clock (seconds, monotonic).
    """

    __slots__ = ("_budget", "_config", "_rule", "_started", "attempt", "max_attempts")

    def __init__(self, config: RetryConfig, rule: RetryRule, *, started: float) -> None:
        self._config = config
        self._rule = rule
        self._started = started
        self._budget = config.backoff.max_elapsed_time / 1000
        self.max_attempts = 1 if config.strategy == "none" else config.max_attempts
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
        for nothing. On a delay, ``attempt`` moves on to the next attempt's number.
        """
        if not self.retryable(outcome, sent=sent, rule=rule) or self.attempt >= self.max_attempts:
            return None
        asked = None if isinstance(outcome, BaseException) else parse_retry_after(outcome.headers)
        delay = asked if asked is not None else self._config.backoff.delay(self.attempt - 1)
        if now - self._started + delay > self._budget:
            return None
        self.attempt += 1
        return delay
