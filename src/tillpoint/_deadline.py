"""Deadlines, shields and the connection gate, on the running event loop's own primitives.

anyio would do all of this on any loop, but its asyncio backend costs ~12 ms to
import (a serverless cold start pays it on the first call) and its cancel scopes
several microseconds each on every call. So the hot path uses what the loop itself
offers — ``asyncio.timeout`` (3.11+) and ``asyncio.Semaphore`` under asyncio, trio's
cancel scopes and ``trio.Semaphore`` under trio — and falls back to anyio elsewhere
(asyncio on 3.10). The semantics are anyio's ``move_on_after``: the body is
cancelled when time runs out, and the block is left normally with ``expired`` set.

Shields are needed only on error paths (closing a half-read response while being
cancelled), so they stay on anyio, which under trio is trio's own scope.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from types import TracebackType

__all__ = ["Deadline", "Gate", "make_gate", "shielded"]

_NATIVE_ASYNCIO = sys.version_info >= (3, 11)


def _running_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _running_trio() -> bool:
    trio = sys.modules.get("trio")  # a trio loop can only run once trio is imported
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


class Deadline:
    """``async with Deadline(seconds) as d:`` — cancel the body after ``seconds``.

    Leaving the block by the deadline (or by ``cancel()``) is not an error: the
    cancellation is absorbed and ``expired`` is true. Any other cancellation, from
    outside, propagates as usual. ``cancel(reason)`` stops the block early and keeps
    ``reason`` for whoever reads the outcome.
    """

    __slots__ = ("_asyncio", "_scope", "_seconds", "expired", "reason")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._scope: Any = None
        self._asyncio = False
        self.expired = False
        self.reason: object = None
        """What ``cancel()`` was given: why the block was stopped early."""

    async def __aenter__(self) -> Deadline:
        if _NATIVE_ASYNCIO and _running_asyncio():
            self._asyncio = True
            self._scope = asyncio.timeout(self._seconds)  # type: ignore[attr-defined,unused-ignore]
            await self._scope.__aenter__()
        else:
            if _running_trio():
                import trio

                self._scope = trio.move_on_after(self._seconds)
            else:
                import anyio

                self._scope = anyio.move_on_after(self._seconds)
            self._scope.__enter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if self._asyncio:
            try:
                await self._scope.__aexit__(exc_type, exc, tb)
            except TimeoutError:
                if not self._scope.expired():
                    raise  # not ours: a TimeoutError raised inside the block
                self.expired = True
                return True
            return False
        handled = bool(self._scope.__exit__(exc_type, exc, tb))
        self.expired = bool(self._scope.cancelled_caught)
        return handled

    def cancel(self, reason: object = None) -> None:
        """Expire now: the body is cancelled at its next await."""
        self.reason = reason
        if self._asyncio:
            self._scope.reschedule(asyncio.get_running_loop().time())
        else:
            self._scope.cancel()


def shielded() -> AbstractContextManager[Any]:
    """A block that cancellation cannot interrupt (for cleanup while being cancelled)."""
    import anyio

    return anyio.CancelScope(shield=True)


class Gate(Protocol):
    """A semaphore: ``async with gate:`` holds one of its slots."""

    async def __aenter__(self) -> Any: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any: ...


def make_gate(slots: int) -> Gate:
    """A FIFO semaphore with ``slots`` slots, for the running loop (call inside it)."""
    if _running_asyncio():
        return asyncio.Semaphore(slots)
    if _running_trio():
        import trio

        return trio.Semaphore(slots)
    import anyio

    return anyio.Semaphore(slots)
