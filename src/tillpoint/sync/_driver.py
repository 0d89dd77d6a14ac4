"""The blocking driver: the primitives of ``_io.Driver`` as ``async def`` methods that
do their I/O with ``httpx.Client`` and ``time.sleep`` and never suspend.

Because none of them ever yields to an event loop, a coroutine of the shared
mechanism that awaits only them runs to completion in one ``coro.send(None)``
(``_run.run``), on whatever thread calls it.

There is no cancel scope without an event loop, so an attempt's deadline is kept by
httpx's own timeouts on each network operation, plus a check of the attempt's
deadline between body chunks: a server trickling its body a byte at a time passes
every per-operation timeout, but not that check. When the check fails it raises
``_Expired``, which the deadline's ``async with`` absorbs, just as the event loop's
deadline absorbs its own cancellation; the shared code cannot tell them apart.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .. import _direct

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager, AbstractContextManager

    import httpx

    from .. import _io
    from ..core import TillpointCore

__all__ = ["BLOCKING", "sleep"]

T = TypeVar("T")

sleep = time.sleep
"""How a sync call waits between attempts (tests replace it to run on virtual time)."""

_NOTHING_TO_SHIELD = contextlib.nullcontext()


class _Expired(Exception):
    """The attempt's deadline passed (or it was stopped): raised between body chunks."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline


class _Deadline:
    """The attempt's deadline as a point in time, checked between chunks (no cancel scope)."""

    __slots__ = ("_ends", "_stopped", "expired", "reason")

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds
        self._stopped = False
        self.expired = False
        self.reason: object = None

    async def __aenter__(self) -> _Deadline:
        return self

    async def __aexit__(self, *exc_info: Any) -> bool:
        error = exc_info[1]
        if isinstance(error, _Expired) and error.deadline is self:
            self.expired = True
            return True
        return False

    def cancel(self, reason: object = None) -> None:
        """Stop at the next check (the next chunk)."""
        self.reason = reason
        self._stopped = True

    def check(self) -> None:
        if self._stopped or time.monotonic() >= self._ends:
            raise _Expired(self)

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())


class _Admission:
    """Holds one of the sync pool's slots, waiting no longer than the attempt's deadline."""

    __slots__ = ("_deadline", "_slots")

    def __init__(self, slots: threading.Semaphore, deadline: _Deadline) -> None:
        self._slots = slots
        self._deadline = deadline

    async def __aenter__(self) -> None:
        if not self._slots.acquire(timeout=self._deadline.remaining()):
            raise _Expired(self._deadline)

    async def __aexit__(self, *exc_info: Any) -> None:
        self._slots.release()


def _chunks(
    response: httpx.Response, deadline: _io.AttemptDeadline, *, raw: bool = False
) -> Iterator[bytes]:
    check = cast("_Deadline", deadline).check
    for chunk in response.iter_raw() if raw else response.iter_bytes():
        yield chunk
        check()


class _BlockingDriver:
    """``_io.Driver`` over ``httpx.Client``: every method blocks, none suspends."""

    __slots__ = ()
    blocking = True

    def connect(self, core: TillpointCore) -> tuple[httpx.Client, threading.Semaphore | None]:
        return core._pool.blocking()

    def admit(
        self, gate: threading.Semaphore | None, deadline: _io.AttemptDeadline
    ) -> AbstractAsyncContextManager[Any]:
        if gate is None:
            return _NOTHING_TO_SHIELD
        return _Admission(gate, cast("_Deadline", deadline))

    async def send(self, client: httpx.Client, request: httpx.Request) -> httpx.Response:
        # (never following a redirect: see _io.Driver.send)
        if _direct.plain(client):
            return _direct.send_sync(client, request)
        return client.send(request, stream=True, follow_redirects=False)  # noqa: ASYNC212

    async def read(self, response: httpx.Response, deadline: _io.AttemptDeadline) -> None:
        # What httpx's read() does, with the deadline checked between chunks.
        response._content = b"".join(_chunks(response, deadline))

    async def iter_bytes(
        self, response: httpx.Response, deadline: _io.AttemptDeadline
    ) -> AsyncIterator[bytes]:
        for chunk in _chunks(response, deadline):
            yield chunk

    async def iter_raw(
        self, response: httpx.Response, deadline: _io.AttemptDeadline
    ) -> AsyncIterator[bytes]:
        for chunk in _chunks(response, deadline, raw=True):
            yield chunk

    async def run_to_the_end(
        self, work: Coroutine[Any, Any, T], wind_down: Callable[[], None]
    ) -> T:
        return await work  # nothing cancels a blocking call midway

    async def close(self, response: httpx.Response) -> None:
        response.close()

    async def sleep(self, seconds: float) -> None:
        sleep(seconds)

    def deadline(self, seconds: float) -> _Deadline:
        return _Deadline(seconds)

    def shielded(self) -> AbstractContextManager[Any]:
        return _NOTHING_TO_SHIELD  # nothing can cancel a blocking call midway


BLOCKING: _io.Driver = _BlockingDriver()
