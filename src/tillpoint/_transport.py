"""The one place every request passes through: ``send``.

Every operation in ``tillpoint.funcs`` ends in ``send``, which reads as a retry loop
around one attempt:

* the retry loop asks ``_retrying.Retrying`` (pure decisions: retryable or not, how
  long to wait) after each attempt, and waits with the driver's ``sleep``; a request
  that can find out whether an ambiguous failure took effect (``recover``) does that
  first;
* one attempt resolves the token, builds the request (``_request``: URL, headers,
  timeout), runs the ``before_request`` hooks, then sends it and reads the body
  within one deadline, through the pool the core holds (``_pool``).

Every wait and every byte of I/O goes through the call's driver (``_io``): the
running event loop's, or ``tillpoint.sync``'s blocking one, which runs this same
code without ever suspending it.

``send`` returns the final ``httpx.Response`` (its body read, within the size limit)
or the ``TillpointError`` that stands for no usable response. It never raises an
httpx exception; cancellation always propagates, never becomes a value.
"""

from __future__ import annotations

import enum
import inspect
import logging
import time
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import httpx

from . import _direct, _io, _loop
from ._inflate import inflater_for
from ._logging import log_attempt, log_retry, logger
from ._redact import ERROR_BODY_LIMIT, request_id_of
from ._request import base_headers, join_url, timeout_for, with_auth
from ._retrying import Retrying, RetryRule, ambiguous
from .errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidRequestError,
    ResponseValidationError,
    TillpointError,
)
from .hooks import run_before_request

if TYPE_CHECKING:
    from .core import BearerAuth, TillpointCore
    from .retries import RetryConfig

__all__ = ["BODY_CUT", "Lookup", "Recover", "send"]

Params = list[tuple[str, str | int | float | bool | None]] | None
"""Query parameters as httpx takes them, in order."""

# Failures that prove the request never left: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

BODY_CUT = "tillpoint.body_cut"
"""Set in ``response.extensions`` when an error body over ``max_response_bytes`` was
cut to its first ``ERROR_BODY_LIMIT`` bytes instead of being read in full."""

# What an httpx exception with no message of its own means (a reset or an end of
# stream carries no text).
_WHAT_HAPPENED = {
    httpx.ReadError: "the server closed the connection while tillpoint was reading",
    httpx.WriteError: "the server closed the connection while tillpoint was sending",
    httpx.ConnectError: "the connection could not be made",
    httpx.RemoteProtocolError: "the server broke the HTTP protocol",
    httpx.CloseError: "the connection failed as it was closed",
}


async def resolve_token(auth: BearerAuth | None) -> str | None:
    if auth is None or isinstance(auth, str):
        return auth
    token = auth()
    if inspect.isawaitable(token):
        token = await token
    if not isinstance(token, str):
        raise TypeError(f"bearer_auth returned {type(token).__name__}, not a str token")
    return token


class Lookup(enum.Enum):
    """What a look-up after an ambiguous failure found, when not the call's result."""

    ABSENT = "absent"
    """Proven: the failed attempt did nothing, so trying again is safe."""
    UNKNOWN = "unknown"
    """The look-up failed too: answer with the original failure."""


R = TypeVar("R")

Recover = Callable[[Retrying], Awaitable["R | Lookup"]]
"""Finds out, after an ambiguous failure, whether the request took effect: the call's
result found another way, or a ``Lookup``. It is given the call's ``Retrying``, so
that its own requests spend the call's attempts and time budget."""


async def send(
    core: TillpointCore,
    *,
    operation: str,
    method: str,
    url: str,
    params: Params,
    content: bytes | None,
    headers: dict[str, str],
    rule: RetryRule,
    retries: RetryConfig | None,
    timeout_ms: int | None,
    http_headers: Mapping[str, str] | None,
    recover: Recover[R] | None = None,
    retrying: Retrying | None = None,
) -> tuple[httpx.Response | TillpointError | R, str | None]:
    """Send with retries; return the final response or error, and the token used.

    With ``recover``, an ambiguous failure (``_retrying.ambiguous``) is retried only
    once ``recover`` proves it did nothing, and what ``recover`` finds instead is the
    outcome. ``retrying`` makes this send part of a call already under way (its
    ``retries`` is then unused).
    """
    if retrying is None:
        retrying = Retrying(
            retries or core.retry_config, rule, started=_loop.now(), quotas=core._quotas
        )
    call = _Call(core, operation, method, url, params, content, headers, timeout_ms, http_headers)
    while True:
        outcome, sent, token = await call.attempt(retrying.attempt)
        if recover is not None and ambiguous(outcome, sent=sent):
            # Were it harmless, would a retry be allowed? Then wait as for one, and
            # spend that attempt finding out instead.
            delay = retrying.next_delay(outcome, sent=False, now=_loop.now(), rule=rule)
            if delay is None:
                return outcome, token
            await _wait(call, retrying, delay)
            found = await recover(retrying)
            if found is Lookup.UNKNOWN:
                return outcome, token
            if found is not Lookup.ABSENT:
                return found, token
            sent = False  # proven to have done nothing
        delay = retrying.next_delay(outcome, sent=sent, now=_loop.now(), rule=rule)
        if delay is None:
            return outcome, token
        await _wait(call, retrying, delay)


async def _wait(call: _Call, retrying: Retrying, delay: float) -> None:
    if logger.isEnabledFor(logging.INFO):
        log_retry(
            call.operation, call.method, call.path, retrying.attempt, retrying.max_attempts, delay
        )
    await call.io.sleep(delay)


@attrs.define(slots=True)
class _Call:
    """What stays the same across a call's attempts, and how to make one attempt."""

    core: TillpointCore
    operation: str
    method: str
    url: str
    params: Params
    content: bytes | None
    operation_headers: dict[str, str]
    timeout_ms: int | None
    http_headers: Mapping[str, str] | None
    io: _io.Driver = attrs.field(init=False)
    client: httpx.AsyncClient | httpx.Client = attrs.field(init=False)
    gate: object = attrs.field(init=False)
    path: str = attrs.field(init=False)
    """The path alone, for logs and errors (and joined to the server without parsing
    it again; a per-call ``server_url`` override keeps the full URL)."""
    headers: dict[str, str] = attrs.field(init=False)
    seconds: float = attrs.field(init=False)
    traced: bool = attrs.field(init=False)
    """Whether the client's transport is httpx's own, which reports (by trace events)
    when a request gets a connection: until then, it surely was not sent."""

    def __attrs_post_init__(self) -> None:
        core, url = self.core, self.url
        self.io = _io.driver.get()
        self.client, self.gate = self.io.connect(core)
        self.traced = isinstance(
            getattr(self.client, "_transport", None),
            (httpx.AsyncHTTPTransport, httpx.HTTPTransport),
        )
        self.path = url[len(core.server_url) :] if url.startswith(core.server_url) else url
        self.headers = base_headers(self.operation_headers, has_body=self.content is not None)
        self.seconds = (self.timeout_ms or core.timeout_ms) / 1000

    async def attempt(
        self, number: int
    ) -> tuple[httpx.Response | TillpointError, bool, str | None]:
        """Attempt ``number``: its outcome, whether it may have been sent, the token used."""
        core = self.core
        auth = core.bearer_auth
        # A plain string token (the common case) needs no coroutine to resolve.
        token = auth if auth is None or isinstance(auth, str) else await resolve_token(auth)
        path = self.path
        request = _direct.build_request(
            self.client,
            self.method,
            join_url(core.server_url, path) if path is not self.url else self.url,
            params=self.params,
            content=self.content,
            headers=with_auth(self.headers, token, self.http_headers),
            timeout=timeout_for(self.seconds),
        )
        if core.hooks:
            request = await run_before_request(core.hooks, request)

        sent_at = time.monotonic()
        io = self.io
        deadline = io.deadline(self.seconds)
        # A cancellation from outside expires the attempt's deadline instead of
        # interrupting it, so that httpx and httpcore always finish their cleanup.
        outcome, sent = await io.run_to_the_end(
            _exchange(
                io,
                self.client,
                self.gate,
                request,
                deadline,
                self.seconds,
                core.max_response_bytes,
                self.method,
                path,
                self.traced,
            ),
            deadline.cancel,
        )
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.monotonic() - sent_at) * 1000
            log_attempt(self.operation, self.method, path, outcome, number, elapsed_ms)
        return outcome, sent, token


class _Progress:
    """How far an attempt got, from httpcore's trace events (chaining any caller's tracer).

    A connection failure only proves the request did *not* reach the server when it
    happened before a byte of it was written; the trace tells us which. Transports
    that emit no trace events (mocks, custom transports) leave ``traced`` false, and
    we then assume the worst: that the request may have been sent.

    Once the request is being written there is nothing more to learn, so without a
    caller's tracer to chain the tracer takes itself out of the request's
    extensions (which httpcore reads afresh for each step): the remaining eight of
    a call's twelve events, each a coroutine httpcore makes and awaits, are not
    emitted at all. Steady ``checkouts_get`` over kept-alive TLS, the two ways
    alternating in one process: 0.97x and 0.99x (medians of 21 pairs of 200 calls).
    """

    __slots__ = ("blocking", "extensions", "inner", "sent", "traced")

    def __init__(
        self, inner: Callable[[str, dict[str, object]], Any] | None, *, blocking: bool
    ) -> None:
        self.inner = inner
        self.blocking = blocking
        self.traced = False
        self.sent = False
        self.extensions: dict[str, Any] = {}
        """The request's extensions, which hold this tracer."""

    def __call__(self, event: str, info: dict[str, object]) -> Awaitable[None] | None:
        # Not ``async def``: httpcore's async side wants a coroutine from a tracer,
        # its sync side refuses one.
        self.traced = True
        if ".send_request_headers." in event:
            self.sent = True
            if self.inner is None:
                self.extensions.pop("trace", None)
        if self.inner is not None:
            return self.inner(event, info)  # type: ignore[no-any-return]
        return None if self.blocking else _traced()


async def _traced() -> None:
    """What an async tracer returns when there is no caller's tracer to chain."""


async def _exchange(
    io: _io.Driver,
    client: httpx.AsyncClient | httpx.Client,
    gate: object,
    request: httpx.Request,
    deadline: _io.AttemptDeadline,
    seconds: float,
    limit: int,
    method: str,
    path: str,
    traced: bool,
) -> tuple[httpx.Response | TillpointError, bool]:
    """Send once and read the body, all within ``deadline`` (of ``seconds``).

    httpx's own timeouts bound each network operation; a server trickling its body a
    byte at a time would pass every one of them, so the attempt as a whole has a
    deadline too. Returns the outcome, and whether the request may have reached the
    server (what decides if a non-idempotent request may be retried). ``traced``:
    the transport reports when the request gets a connection.
    """
    progress = _Progress(request.extensions.get("trace"), blocking=io.blocking)
    request.extensions = progress.extensions = {**request.extensions, "trace": progress}
    outcome: httpx.Response | TillpointError | None = None
    admitted = False
    # One deadline covers the wait for a connection, the send and the read; the
    # read also uses it to stop early (see _read_bounded).
    async with deadline, io.admit(gate, deadline):
        admitted = True
        try:
            response = await io.send(client, request)
        except httpx.TransportError as exc:
            not_sent = isinstance(exc, _NOT_SENT) or (progress.traced and not progress.sent)
            return _connection_error(exc, method, path), not not_sent
        except RuntimeError:
            # httpx refuses to send through a closed client: the caller's, closed
            # since the call began (between retries, say). Nothing was sent.
            if not client.is_closed:
                raise
            return closed_client_error(client), False
        # A response has begun: the server surely has the request. Read it all (even
        # an error body we will retry: that lets the connection be reused).
        outcome = await _read_bounded(io, response, limit, method, path, deadline)
    if outcome is not None:
        return outcome, True
    if isinstance(deadline.reason, (TillpointError, httpx.Response)):
        return deadline.reason, True  # the read stopped itself: too large, or an error cut
    if not admitted or (traced and not progress.traced):
        # Still waiting for a connection, in our queue or in httpcore's pool.
        return APITimeoutError(
            f"no free connection within {seconds * 1000:.0f} ms (pool timeout)",
            method=method,
            path=path,
        ), False
    error = APITimeoutError(
        f"no complete response within {seconds * 1000:.0f} ms", method=method, path=path
    )
    return error, not progress.traced or progress.sent


def closed_client_error(client: httpx.AsyncClient | httpx.Client) -> InvalidRequestError:
    """The error for a call through the caller's ``client=`` once it is closed."""
    return InvalidRequestError(
        f"the httpx.{type(client).__name__} passed as client= is closed; keep it open "
        "while the core uses it (tillpoint never closes a client you pass), or leave "
        "client= out and let tillpoint manage its own",
        parameter="client",
    )


def _connection_error(exc: httpx.TransportError, method: str, path: str) -> TillpointError:
    error: TillpointError
    if isinstance(exc, httpx.PoolTimeout):  # a caller's client, its pool full
        error = APITimeoutError(
            "no free connection in time (pool timeout)", method=method, path=path
        )
    elif isinstance(exc, httpx.TimeoutException):
        kind = type(exc).__name__.replace("Timeout", " timeout").lower().strip()
        error = APITimeoutError(f"{kind} after no response", method=method, path=path)
    else:
        error = APIConnectionError(
            f"connection failed ({type(exc).__name__}: {_what_happened(exc)})",
            method=method,
            path=path,
        )
    error.__cause__ = _detached(exc)
    return error


def _what_happened(exc: httpx.TransportError) -> str:
    text = str(exc)
    if text:
        return text
    for kind, meaning in _WHAT_HAPPENED.items():
        if isinstance(exc, kind):
            return meaning
    return "no detail"


def _detached(exc: httpx.TransportError) -> BaseException:
    """``exc`` without its request: the request's headers hold the bearer token.

    The error's cause is kept for its type, message and traceback (to see what
    failed), but an exception pickles its attributes — httpx's, its request.
    """
    try:
        copy = type(exc)(str(exc))
    except Exception:  # an exception class with another constructor: keep the text
        copy = httpx.TransportError(str(exc))
    return copy.with_traceback(exc.__traceback__)


async def _read_bounded(
    io: _io.Driver,
    response: httpx.Response,
    limit: int,
    method: str,
    path: str,
    deadline: _io.AttemptDeadline,
) -> httpx.Response | TillpointError:
    """Read the body, refusing to hold more than ``limit`` bytes of it.

    A success body over the limit is an error (``ResponseValidationError``). An error
    body over it is cut to its first ``ERROR_BODY_LIMIT`` bytes: the status is the
    answer, and the start of the body says what the server meant (``BODY_CUT``).
    """
    success = 200 <= response.status_code < 300
    try:
        headers = response.headers
        length = headers.get("content-length")
        declared = int(length) if length is not None and length.isdigit() else None
        cap = limit
        if declared is not None and declared > limit:
            if success:
                return _too_large(response, limit)
            cap = min(limit, ERROR_BODY_LIMIT)  # only its start is kept: read no more
        elif declared is not None and "content-encoding" not in headers:
            # HTTP framing holds an unencoded body to its declared length (h11 and
            # h2 both enforce it), so httpx's own read is already bounded, and cheaper.
            await io.read(response, deadline)
            return response
        inflater = inflater_for(headers.get("content-encoding"))
        chunks: list[bytes] = []
        size = 0
        stopped: httpx.Response | TillpointError | None = None
        chunks_in = io.iter_raw if inflater else io.iter_bytes
        async for chunk in chunks_in(response, deadline):
            if stopped is not None:
                continue  # the body is all in already: drained, not kept
            try:
                piece = chunk if inflater is None else inflater.decompress(chunk, cap - size)
            except zlib.error as exc:
                stopped = _undecodable(response, exc)
            else:
                size += len(piece)
                chunks.append(piece)
                if size <= cap:
                    continue
                stopped = _over_the_limit(response, chunks, success, limit)
            chunks.clear()
            # Stop by expiring the attempt's deadline rather than breaking out of
            # the loop: the cancellation unwinds (and so finishes) the generators
            # httpx and httpcore nest, and httpcore closes the connection. A break
            # would leave them to the garbage collector, which under trio cannot
            # run their cleanup. A body already received in full (its declared
            # length is in) is drained instead: no more network reads, no memory
            # (nothing is kept), and a cancellation would only land in httpcore's
            # bookkeeping as it releases the connection, leaking it.
            if declared is None or response.num_bytes_downloaded < declared:
                deadline.cancel(reason=stopped)
        if stopped is not None:
            return stopped
        if inflater is not None:
            rest = inflater.flush()
            if size + len(rest) > cap:
                return _over_the_limit(response, [*chunks, rest], success, limit)
            chunks.append(rest)
        # What httpx's own aread() does, so response.content works for callers.
        response._content = b"".join(chunks)
        return response
    except httpx.TransportError as exc:
        return _connection_error(exc, method, path)
    except (zlib.error, httpx.DecodingError) as exc:
        # zlib's from tillpoint's own inflater (gzip, deflate and stacks of them),
        # httpx's from a coding it decodes itself (br, zstd, or a stack holding one).
        return _undecodable(response, exc)
    finally:
        # A body read to its end has closed itself (httpx does that), so the shield
        # — for closing while being cancelled — is paid only on the paths that need it.
        if not response.is_closed:
            with io.shielded():
                await io.close(response)


def _undecodable(
    response: httpx.Response, exc: zlib.error | httpx.DecodingError
) -> ResponseValidationError:
    return _unreadable(
        response,
        f"the {response.status_code} response body is not valid "
        f"{response.headers.get('content-encoding')} ({exc})",
    )


def _over_the_limit(
    response: httpx.Response, chunks: list[bytes], success: bool, limit: int
) -> httpx.Response | TillpointError:
    """A body over the limit: an error for a success, the error response cut for the rest.

    ``chunks`` are what was read: only the start that is kept is ever copied, so a
    body refused for its size never costs its size twice.
    """
    if success:
        return _too_large(response, limit)
    start = bytearray()
    for chunk in chunks:
        start += chunk[: ERROR_BODY_LIMIT - len(start)]
        if len(start) >= ERROR_BODY_LIMIT:
            break
    response._content = bytes(start)
    response.extensions[BODY_CUT] = True
    return response


def _too_large(response: httpx.Response, limit: int) -> ResponseValidationError:
    return _unreadable(
        response, f"response body exceeds max_response_bytes ({limit} bytes); refusing to read it"
    )


def _unreadable(response: httpx.Response, message: str) -> ResponseValidationError:
    """A response whose body tillpoint will not read: its status and request id, no body."""
    return ResponseValidationError(
        message,
        status_code=response.status_code,
        body="",
        raw_response=response,
        request_id=request_id_of(response),
    )
