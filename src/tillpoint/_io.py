"""The I/O one request does, behind one driver object: the seam between sync and async.

The retry loop, hooks, auth, error mapping, encoding and decoding are coroutines
written once. The only things they await that touch the outside world are the
methods of a driver: which client to use, the gate that admits a request into it,
send, read the body, close, sleep, the attempt's deadline, a shield for cleanup.
Two drivers implement them:

* ``EVENT_LOOP`` (here, the default) — on the running event loop, through the
  core's ``httpx.AsyncClient`` for that loop and the primitives in ``_loop``;
* ``tillpoint.sync``'s blocking driver — ``httpx.Client`` and ``time.sleep``, in
  ``async def`` methods that never suspend, so ``tillpoint.sync`` can run the very
  same coroutine to completion with a single ``coro.send(None)``.

Which one a call uses is the context variable ``driver``: ``tillpoint.sync`` sets it
for the duration of a blocking call; everything else sees the default.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from . import _direct, _loop

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager, AbstractContextManager

    import httpx

    from .core import TillpointCore

__all__ = ["EVENT_LOOP", "AttemptDeadline", "Driver", "driver"]

T = TypeVar("T")


class AttemptDeadline(Protocol):
    """``async with`` it: the attempt inside ends by ``seconds`` (see ``_loop.Deadline``)."""

    expired: bool
    reason: object

    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, *exc_info: Any) -> bool: ...

    def cancel(self, reason: object = None) -> None:
        """Expire now (before the block is entered too: it then ends as it starts)."""
        ...


class Driver(Protocol):
    """The primitives a request awaits; one implementation per way of doing I/O."""

    blocking: bool
    """True when nothing ever suspends (what httpcore's sync side expects of a tracer)."""

    def connect(self, core: TillpointCore) -> tuple[Any, Any]:
        """The client to send through (``build_request`` is the same on both kinds),
        and the gate that admits requests into it (``None``: the client queues)."""
        ...

    def admit(self, gate: Any, deadline: AttemptDeadline) -> AbstractAsyncContextManager[Any]:
        """``async with`` it: hold one of ``gate``'s slots, waiting within ``deadline``."""
        ...

    def send(self, client: Any, request: httpx.Request) -> Awaitable[httpx.Response]:
        """Send, returning once the response headers are in (the body is streamed).

        Never following a redirect, whatever the client's own setting: a 3xx on a
        POST would be followed as a GET (nothing created, yet "Ok"), a 307 would
        send the body to another origin. The 3xx is the answer (an ``SDKError``).
        """
        ...

    def read(self, response: httpx.Response, deadline: AttemptDeadline) -> Awaitable[object]:
        """Read the whole body into ``response.content``."""
        ...

    def iter_bytes(
        self, response: httpx.Response, deadline: AttemptDeadline
    ) -> AsyncIterator[bytes]:
        """The decoded body, chunk by chunk."""
        ...

    def iter_raw(self, response: httpx.Response, deadline: AttemptDeadline) -> AsyncIterator[bytes]:
        """The body as received (still compressed), chunk by chunk."""
        ...

    def run_to_the_end(
        self, work: Coroutine[Any, Any, T], wind_down: Callable[[], None]
    ) -> Awaitable[T]:
        """``await work``, where a cancellation from outside calls ``wind_down`` instead
        of interrupting ``work`` (see ``_loop.run_to_the_end``)."""
        ...

    def close(self, response: httpx.Response) -> Awaitable[None]:
        """Release the response's connection."""
        ...

    def sleep(self, seconds: float) -> Awaitable[None]:
        """Wait between attempts."""
        ...

    def deadline(self, seconds: float) -> AttemptDeadline:
        """The deadline one attempt (wait for a connection, send, read) runs within."""
        ...

    def shielded(self) -> AbstractContextManager[Any]:
        """A block that cancellation cannot interrupt (closing while being cancelled)."""
        ...


_NO_GATE = contextlib.nullcontext()


class _EventLoopDriver:
    """The default: on the running event loop (asyncio or trio).

    Each method hands back the awaitable it forwards to, so it adds no coroutine
    frame; ``sleep`` looks ``_loop.sleep`` up on every call, so tests that replace it
    (virtual time) are obeyed.
    """

    __slots__ = ()
    blocking = False

    def connect(self, core: TillpointCore) -> tuple[httpx.AsyncClient, _loop.Gate | None]:
        return core._pool.for_this_loop()

    def admit(
        self, gate: _loop.Gate | None, deadline: AttemptDeadline
    ) -> AbstractAsyncContextManager[Any]:
        # The deadline cancels a wait for a slot like anything else in the attempt.
        return gate or _NO_GATE

    def send(self, client: httpx.AsyncClient, request: httpx.Request) -> Awaitable[httpx.Response]:
        if _direct.plain(client):
            return _direct.send_async(client, request)
        return client.send(request, stream=True, follow_redirects=False)

    def read(self, response: httpx.Response, deadline: AttemptDeadline) -> Awaitable[bytes]:
        # The deadline cancels a slow read from outside; nothing to check here.
        return response.aread()

    def iter_bytes(
        self, response: httpx.Response, deadline: AttemptDeadline
    ) -> AsyncIterator[bytes]:
        return response.aiter_bytes()

    def iter_raw(self, response: httpx.Response, deadline: AttemptDeadline) -> AsyncIterator[bytes]:
        return response.aiter_raw()

    def run_to_the_end(
        self, work: Coroutine[Any, Any, T], wind_down: Callable[[], None]
    ) -> Awaitable[T]:
        return _loop.run_to_the_end(work, wind_down)

    def close(self, response: httpx.Response) -> Awaitable[None]:
        return response.aclose()

    def sleep(self, seconds: float) -> Awaitable[None]:
        return _loop.sleep(seconds)

    def deadline(self, seconds: float) -> _loop.Deadline:
        return _loop.Deadline(seconds)

    def shielded(self) -> AbstractContextManager[Any]:
        return _loop.shielded()


EVENT_LOOP: Driver = _EventLoopDriver()

driver: contextvars.ContextVar[Driver] = contextvars.ContextVar(
    "tillpoint_driver", default=EVENT_LOOP
)
"""The driver of the call running in this context."""
