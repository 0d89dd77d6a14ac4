"""The one path every request takes: auth → hooks → send → retry loop → response.

``send`` returns the final ``httpx.Response`` (its body read, within the size limit)
or the ``TillpointError`` that stands for no usable response. It never raises an
httpx exception; cancellation always propagates, never becomes a value.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

import attrs
import httpx

from ._deadline import Deadline, Gate, shielded
from ._logging import log_attempt, log_retry, logger
from ._redact import request_id_of
from ._version import __version__
from .errors import APIConnectionError, APITimeoutError, ResponseValidationError, TillpointError
from .hooks import run_before_request
from .retries import RetryConfig, parse_retry_after

if TYPE_CHECKING:
    from .core import BearerAuth, TillpointCore

__all__ = ["IDEMPOTENT", "NON_IDEMPOTENT", "RetryRule", "send"]

USER_AGENT = (
    f"tillpoint/{__version__} python/{'.'.join(map(str, sys.version_info[:3]))} "
    f"httpx/{httpx.__version__}"
)


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


# Tests replace these to run the retry loop on virtual time.
async def _sleep(seconds: float) -> None:
    import anyio  # only a retry waits: a call that succeeds first time never loads it

    await anyio.sleep(seconds)


_now = time.monotonic

_NO_GATE = contextlib.nullcontext()

# httpx.Timeout is immutable, and a process uses a handful of timeouts: make each once.
_timeouts: dict[float, httpx.Timeout] = {}

# Failures that prove the request never left: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


async def resolve_token(auth: BearerAuth | None) -> str | None:
    if auth is None or isinstance(auth, str):
        return auth
    token = auth()
    if inspect.isawaitable(token):
        token = await token
    if not isinstance(token, str):
        raise TypeError(f"bearer_auth returned {type(token).__name__}, not a str token")
    return token


_parsed_servers: dict[str, tuple[httpx.URL, str] | None] = {}
"""Server URL → (its parsed form, its raw path without a trailing slash), or ``None``
when paths cannot simply be joined to it."""


def _parse_server(server_url: str) -> tuple[httpx.URL, str] | None:
    server = httpx.URL(server_url)
    reference = getattr(server, "_uri_reference", None)
    if not hasattr(reference, "_replace") or server.query or server.fragment:
        return None  # a query to keep, or an httpx without this internal structure
    return server, reference.path.rstrip("/")  # type: ignore[union-attr]


def _join_url(server_url: str, path: str) -> httpx.URL | str:
    """``server_url + path`` as an ``httpx.URL``, without parsing it all again.

    httpx parses and validates every URL string character by character (~9 µs, a
    tenth of an in-memory call). The server URL is parsed once here, and the path
    joined to it directly: an operation's path is a template whose parameters
    ``Operation`` has percent-encoded, so it is already what httpx's validation
    would produce (``tests/test_operations.py`` checks the two agree). Anything
    unexpected takes the plain string.
    """
    if server_url in _parsed_servers:
        parsed = _parsed_servers[server_url]
    else:
        if len(_parsed_servers) >= 64:  # per-call server_url overrides: stay bounded
            _parsed_servers.clear()
        parsed = _parsed_servers[server_url] = _parse_server(server_url)
    if (
        parsed is None
        or not path.startswith("/")
        or not path.isascii()
        or not path.isprintable()
        or "?" in path
        or "#" in path
    ):
        return server_url + path
    server, base_path = parsed
    url = httpx.URL(server)
    url._uri_reference = server._uri_reference._replace(path=base_path + path)
    return url


async def send(
    core: TillpointCore,
    *,
    operation: str,
    method: str,
    url: str,
    params: list[tuple[str, str | int | float | bool | None]] | None,
    content: bytes | None,
    headers: dict[str, str],
    rule: RetryRule,
    retries: RetryConfig | None,
    timeout_ms: int | None,
    http_headers: Mapping[str, str] | None,
) -> tuple[httpx.Response | TillpointError, str | None]:
    """Send with retries; return the final response or error, and the token used."""
    config = retries or core.retry_config
    backoff = config.backoff
    max_attempts = 1 if config.strategy == "none" else config.max_attempts
    budget = backoff.max_elapsed_time / 1000
    attempt_timeout = (timeout_ms or core.timeout_ms) / 1000
    timeout = _timeouts.get(attempt_timeout)
    if timeout is None:
        if len(_timeouts) >= 64:  # timeouts computed per call: stay bounded
            _timeouts.clear()
        timeout = _timeouts[attempt_timeout] = httpx.Timeout(attempt_timeout)
    client = core.client()
    hooks = core.hooks
    path = url[len(core.server_url) :] if url.startswith(core.server_url) else url

    base_headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        **headers,
    }
    if content is not None:
        base_headers["Content-Type"] = "application/json"

    started = _now()
    attempt = 0
    token: str | None = None
    while True:
        attempt += 1
        auth = core.bearer_auth
        # A plain string token (the common case) needs no coroutine to resolve.
        token = auth if auth is None or isinstance(auth, str) else await resolve_token(auth)
        request_headers = dict(base_headers)
        if token:
            request_headers["Authorization"] = f"Bearer {token}"
        if http_headers:
            request_headers.update(http_headers)
        request = client.build_request(
            method,
            _join_url(core.server_url, path) if path is not url else url,
            params=params,
            content=content,
            headers=request_headers,
            timeout=timeout,
        )
        if hooks:
            request = await run_before_request(hooks, request)

        sent_at = time.monotonic()
        outcome, sent = await _attempt(
            client,
            core._connection_gate(),
            request,
            attempt_timeout,
            core.max_response_bytes,
            method,
            path,
        )

        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.monotonic() - sent_at) * 1000
            log_attempt(operation, method, path, outcome, attempt, elapsed_ms)

        response = outcome if isinstance(outcome, httpx.Response) else None
        if response is not None:
            retryable = response.status_code in rule.statuses
        else:
            retryable = (
                isinstance(outcome, APIConnectionError)
                and config.retry_connection_errors
                and (not sent or rule.ambiguous_failures)
            )
        if not retryable or attempt >= max_attempts:
            return outcome, token

        elapsed = _now() - started
        asked = parse_retry_after(response.headers) if response is not None else None
        delay = asked if asked is not None else backoff.delay(attempt - 1)
        if elapsed + delay > budget:
            # The wait would overrun the budget: answer now with what we have.
            return outcome, token
        if logger.isEnabledFor(logging.INFO):
            log_retry(operation, method, path, attempt + 1, max_attempts, delay)
        await _sleep(delay)


class _Progress:
    """How far an attempt got, from httpcore's trace events (chaining any caller's tracer).

    A connection failure only proves the request did *not* reach the server when it
    happened before a byte of it was written; the trace tells us which. Transports
    that emit no trace events (mocks, custom transports) leave ``traced`` false, and
    we then assume the worst: that the request may have been sent.
    """

    __slots__ = ("inner", "sent", "traced")

    def __init__(self, inner: Callable[[str, dict[str, object]], Awaitable[None]] | None) -> None:
        self.inner = inner
        self.traced = False
        self.sent = False

    async def __call__(self, event: str, info: dict[str, object]) -> None:
        self.traced = True
        if ".send_request_headers." in event:
            self.sent = True
        if self.inner is not None:
            await self.inner(event, info)


async def _attempt(
    client: httpx.AsyncClient,
    gate: Gate | None,
    request: httpx.Request,
    seconds: float,
    limit: int,
    method: str,
    path: str,
) -> tuple[httpx.Response | TillpointError, bool]:
    """Send once and read the body, all within ``seconds``.

    httpx's own timeouts bound each network operation; a server trickling its body a
    byte at a time would pass every one of them, so the attempt as a whole has a
    deadline too. Returns the outcome, and whether the request may have reached the
    server (what decides if a non-idempotent request may be retried).
    """
    progress = _Progress(request.extensions.get("trace"))
    request.extensions = {**request.extensions, "trace": progress}
    outcome: httpx.Response | TillpointError | None = None
    admitted = False
    # One deadline covers the wait for a connection, the send and the read; the
    # read also uses it to stop early (see _read_bounded).
    async with Deadline(seconds) as deadline, gate or _NO_GATE:
        admitted = True
        try:
            response = await client.send(request, stream=True)
        except httpx.TransportError as exc:
            not_sent = isinstance(exc, _NOT_SENT) or (progress.traced and not progress.sent)
            return _connection_error(exc, method, path), not not_sent
        # A response has begun: the server surely has the request. Read it all (even
        # an error body we will retry: that lets the connection be reused).
        outcome = await _read_bounded(response, limit, method, path, deadline)
    if outcome is not None:
        return outcome, True
    if isinstance(deadline.reason, TillpointError):  # the read stopped itself: too large
        return deadline.reason, True
    if not admitted:
        return APITimeoutError(
            f"no free connection within {seconds * 1000:.0f} ms (pool timeout)",
            method=method,
            path=path,
        ), False
    error = APITimeoutError(
        f"no complete response within {seconds * 1000:.0f} ms", method=method, path=path
    )
    return error, not progress.traced or progress.sent


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> TillpointError:
    if isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__.replace("Timeout", " timeout").lower().strip()
        error: TillpointError = APITimeoutError(
            f"{kind} after no response", method=method, path=path
        )
    else:
        error = APIConnectionError(
            f"connection failed ({type(exc).__name__}: {exc or 'no detail'})",
            method=method,
            path=path,
        )
    error.__cause__ = exc
    return error


async def _read_bounded(
    response: httpx.Response, limit: int, method: str, path: str, deadline: Deadline
) -> httpx.Response | TillpointError:
    """Read the body, refusing to hold more than ``limit`` bytes of it."""
    try:
        headers = response.headers
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                return _too_large(response, limit)
            if "content-encoding" not in headers:
                # HTTP framing holds an unencoded body to its declared length (h11 and
                # h2 both enforce it), so httpx's own read is already bounded, and cheaper.
                await response.aread()
                return response
        chunks: list[bytes] = []
        size = 0
        too_large: ResponseValidationError | None = None
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit and too_large is None:
                # Stop by expiring the attempt's deadline rather than breaking out of
                # the loop: the cancellation unwinds (and so finishes) the generators
                # httpx and httpcore nest, and httpcore closes the connection. A break
                # would leave them to the garbage collector, which under trio cannot
                # run their cleanup.
                too_large = _too_large(response, limit)
                chunks.clear()
                # A compressed body already received in full (its declared length is
                # in) inflates with no more network reads: finishing the loop costs
                # no memory (nothing is kept), and a cancellation would only land in
                # httpcore's bookkeeping as it releases the connection, leaking it.
                received_all = (
                    declared is not None
                    and declared.isdigit()
                    and response.num_bytes_downloaded >= int(declared)
                )
                if not received_all:
                    deadline.cancel(reason=too_large)
            if too_large is None:
                chunks.append(chunk)
        if too_large is not None:
            return too_large
        # What httpx's own aread() does, so response.content works for callers.
        response._content = b"".join(chunks)
        return response
    except httpx.TransportError as exc:
        return _connection_error(exc, method, path)
    finally:
        # A body read to its end has closed itself (httpx does that), so the shield
        # — for closing while being cancelled — is paid only on the paths that need it.
        if not response.is_closed:
            with shielded():
                await response.aclose()


def _too_large(response: httpx.Response, limit: int) -> ResponseValidationError:
    return ResponseValidationError(
        f"response body exceeds max_response_bytes ({limit} bytes); refusing to read it",
        status_code=response.status_code,
        body="",
        raw_response=response,
        request_id=request_id_of(response),
    )
