"""Metadata-only logging on the ``tillpoint`` logger, and the ``TILLPOINT_LOG`` switch.

What is logged (never a header, a body, a query string or a token):

* ``DEBUG`` — every attempt: ``checkouts_get GET /checkouts/c1 -> 200 (attempt 1,
  3.1 ms, request id …)``, or the error class when no response arrived;
* ``INFO`` — every retry: ``checkouts_get GET /checkouts/c1: retrying in 0.50s
  (attempt 2 of 3)``.

Each record also carries the metadata as attributes, for structured (JSON) formatters:
``operation``, ``method``, ``path``, ``attempt``, and on attempt records ``status`` (an
``int``, or ``None`` when no response arrived), ``error`` (the error class name, or
``None``), ``elapsed_ms`` and ``request_id``; on retry records ``retry_in_s`` and
``max_attempts``.

tillpoint never touches logging configuration on its own. Setting ``TILLPOINT_LOG=debug``
(or ``info``) before the first ``TillpointCore`` is made is the one exception, for a
quick look without writing code: it sets the ``tillpoint`` logger's level and attaches
one handler writing to standard error — to that logger only, once per process. The root
logger and every other logger are left alone. Records still propagate to your own
handlers, so an application that already routes logs should set the level of
``logging.getLogger("tillpoint")`` itself rather than use the variable.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import httpx

    from .errors import TillpointError

__all__ = ["ENV_VAR", "configure_from_env", "log_attempt", "log_retry", "logger"]

logger = logging.getLogger("tillpoint")

ENV_VAR = "TILLPOINT_LOG"
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_installed: logging.Handler | None = None


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record arrives, not when it was made.

    Test runners and serverless runtimes swap ``sys.stderr``; a handler holding on to
    the first one would write into a closed or forgotten stream.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr


def configure_from_env() -> None:
    """Honour ``TILLPOINT_LOG`` (``debug`` or ``info``): the first time only, cheaply after."""
    global _installed
    if _installed is not None:
        return
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if not value:
        return
    level = LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{ENV_VAR}={value!r} is not one of {sorted(LEVELS)}; tillpoint logging stays off",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    _installed = handler


def log_attempt(
    operation: str,
    method: str,
    path: str,
    outcome: httpx.Response | TillpointError,
    attempt: int,
    elapsed_ms: float,
) -> None:
    """One ``DEBUG`` record per attempt (the caller checks the level first)."""
    status: int | None = None
    request_id: str | None = None
    error: str | None = None
    args: tuple[object, ...]
    if isinstance(outcome, BaseException):
        error = type(outcome).__name__
        message = "%s %s %s -> %s (attempt %d, %.1f ms)"
        args = (operation, method, path, error, attempt, elapsed_ms)
    else:
        from ._redact import request_id_of

        status = outcome.status_code
        request_id = request_id_of(outcome)
        message = "%s %s %s -> %d (attempt %d, %.1f ms, request id %s)"
        args = (operation, method, path, status, attempt, elapsed_ms, request_id)
    logger.debug(
        message,
        *args,
        extra={
            "operation": operation,
            "method": method,
            "path": path,
            "attempt": attempt,
            "status": status,
            "error": error,
            "elapsed_ms": round(elapsed_ms, 1),
            "request_id": request_id,
        },
    )


def log_retry(
    operation: str, method: str, path: str, attempt: int, max_attempts: int, delay: float
) -> None:
    """One ``INFO`` record per retry; ``attempt`` is the attempt about to be made."""
    logger.info(
        "%s %s %s: retrying in %.2fs (attempt %d of %d)",
        operation,
        method,
        path,
        delay,
        attempt,
        max_attempts,
        extra={
            "operation": operation,
            "method": method,
            "path": path,
            "attempt": attempt,
            "max_attempts": max_attempts,
            "retry_in_s": round(delay, 3),
        },
    )
