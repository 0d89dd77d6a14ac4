"""Every event-loop primitive tillpoint uses, in one place, on anyio.

* ``sleep`` and ``now`` — the clock the retry loop waits on and reads (tests replace
  both to run retries on virtual time: this is the one seam for that);
* ``Deadline`` — the per-attempt deadline, anyio's ``move_on_after`` semantics;
* ``make_gate`` — the FIFO semaphore that admits requests into a pool tillpoint owns;
* ``shielded`` — a block cancellation cannot interrupt, for cleanup;
* ``current_loop`` — which event loop is running, as a key for per-loop state.

anyio runs them on asyncio and trio alike (on trio it is trio's own cancel scopes).
Two exceptions are measured and kept, both under asyncio on 3.11+: ``Deadline`` and
``make_gate`` use the loop's own primitives there. ``anyio`` is imported lazily, when a
primitive is first used, so a call that never needs one (no retry, no error) never loads it.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine
    from contextlib import AbstractContextManager
    from types import TracebackType

T = TypeVar("T")

__all__ = [
    "Deadline",
    "Gate",
    "current_loop",
    "make_gate",
    "now",
    "run_to_the_end",
    "shielded",
    "sleep",
]

now = time.monotonic
"""The clock retry budgets are measured on."""


async def sleep(seconds: float) -> None:
    """Wait ``seconds`` on the running loop (only a retry waits)."""
    import anyio

    await anyio.sleep(seconds)


def current_loop() -> object:
    """The running event loop (asyncio) or run (trio token): a key for per-loop state.

    What ``anyio.lowlevel.current_token()`` returns, but that is anyio 4.11+ and the
    package supports anyio 4.4.
    """
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        import trio

        return trio.lowlevel.current_trio_token()


def shielded() -> AbstractContextManager[Any]:
    """A block that cancellation cannot interrupt (for cleanup while being cancelled)."""
    import anyio

    return anyio.CancelScope(shield=True)


# asyncio's own primitives where they were measured to matter (see make_gate and
# Deadline): asyncio.timeout is 3.11+, and so is the Semaphore tillpoint relies on.
_NATIVE_ASYNCIO = sys.version_info >= (3, 11)


def _running_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


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
    """A FIFO semaphore with ``slots`` slots: asyncio's own under asyncio (3.11+), else anyio's.

    The first ``anyio.Semaphore`` of a process imports anyio and its asyncio backend:
    13 ms (12.9–13.8 ms, three fresh processes with httpx already imported), a tenth of
    a whole cold start over HTTPS, for the one primitive every call through a pool
    tillpoint owns uses. httpcore's own connection locks still load anyio on asyncio
    today; this keeps tillpoint from being the reason once they do not. Steady state
    asyncio's is no slower: ``checkouts_get`` over kept-alive TLS 764 vs 793 µs and
    835 vs 841 µs a call (two runs, medians of 15 interleaved batches of 200).
    ``asyncio.Semaphore`` is FIFO and gives a cancelled waiter's slot on (3.11+), which
    ``tests/test_loop.py`` and the pool-full tests in ``tests/reliability`` hold it to.
    """
    if _NATIVE_ASYNCIO and _running_asyncio():
        return asyncio.Semaphore(slots)
    import anyio

    return anyio.Semaphore(slots)


# Deadline: anyio's move_on_after everywhere except asyncio on 3.11+, where the
# loop's own timer and task cancellation are used. The steady-state costs are equal
# (checkouts_get in memory 226 vs 231 µs, over loopback HTTP 642 vs 640 µs: noise),
# but a cold start over an in-memory transport — which never touches httpcore's
# network code, so never loads anyio otherwise — pays for anyio's asyncio backend on
# its first deadline: 1.41x raw httpx with asyncio.timeout, 1.86x with move_on_after
# (fresh processes, median of 15), past the 1.8x the project holds that start to.
# Over a real network httpcore loads anyio anyway, so trio and 3.10 lose nothing by
# using it.
class Deadline:
    """``async with Deadline(seconds) as d:`` — cancel the body after ``seconds``.

    Leaving the block by the deadline (or by ``cancel()``) is not an error: the
    cancellation is absorbed and ``expired`` is true. Any other cancellation, from
    outside, propagates as usual. ``cancel(reason)`` stops the block early and keeps
    ``reason`` for whoever reads the outcome.

    On asyncio this is what ``asyncio.timeout`` does — a timer that cancels the
    task, and on the way out, the cancellation counted off (``uncancel``) and
    absorbed only if no other is pending — without its state machine and the
    ``TimeoutError`` it raises for this class to catch: entering and leaving cost
    1.9–2.6 µs against 3.6–4.4 µs (three alternating runs of 50,000, Python 3.11).
    """

    __slots__ = (
        "_asyncio",
        "_cancelling",
        "_done",
        "_fired",
        "_scope",
        "_seconds",
        "_task",
        "expired",
        "reason",
    )

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._scope: Any = None
        """anyio's cancel scope, or on asyncio the handle of the timer."""
        self._asyncio = False
        self._task: Any = None
        self._cancelling = 0
        self._fired = False
        self._done = False
        self.expired = False
        self.reason: object = None
        """What ``cancel()`` was given: why the block was stopped early."""

    async def __aenter__(self) -> Deadline:
        if _NATIVE_ASYNCIO and _running_asyncio():
            loop = asyncio.get_running_loop()
            task = asyncio.current_task(loop)
            if task is None:
                raise RuntimeError("Deadline should be used inside a task")
            self._asyncio = True
            self._task = task
            self._cancelling = task.cancelling()  # type: ignore[attr-defined,unused-ignore]
            self._scope = self._timer(loop, self._seconds)
        else:
            import anyio

            self._scope = anyio.move_on_after(self._seconds)
            self._scope.__enter__()
        return self

    def _timer(self, loop: asyncio.AbstractEventLoop, seconds: float) -> asyncio.Handle:
        if seconds <= 0:
            return loop.call_soon(self._fire)
        return loop.call_at(loop.time() + seconds, self._fire)

    def _fire(self) -> None:
        self._fired = True
        self._task.cancel()

    async def __aexit__(self, *exc_info: Any) -> bool:
        self._done = True
        if self._asyncio:
            self._scope.cancel()
            if (
                self._fired
                and self._task.uncancel() <= self._cancelling
                and exc_info[0] is asyncio.CancelledError
            ):
                self.expired = True
                return True  # ours: no other cancellation is pending
            return False
        handled = bool(self._scope.__exit__(*exc_info))
        self.expired = bool(self._scope.cancelled_caught)
        return handled

    def cancel(self, reason: object = None) -> None:
        """Expire now, whatever the block's state: the body is cancelled at its next await.

        Not yet entered, the block will expire as it is entered; already expired or
        ended, there is nothing left to stop.
        """
        if self.reason is None:
            self.reason = reason
        if self._scope is None:
            self._seconds = 0
        elif self._done:
            return
        elif self._asyncio:
            if not self._fired:  # an expiring deadline cannot be moved
                self._scope.cancel()
                # The task's loop: a task is also cancelled from outside a running
                # loop (asyncio.run cancelling what is left as it shuts down).
                self._scope = self._timer(self._task.get_loop(), 0)
        else:
            self._scope.cancel()


async def run_to_the_end(work: Coroutine[Any, Any, T], wind_down: Callable[[], None]) -> T:
    """``await work``, but a cancellation from outside cannot cut its cleanup short.

    On trio (and in anyio's own cancel scopes) a shielded cleanup is safe: the
    cancellation waits for it. asyncio's own cancellation — ``wait_for``,
    ``asyncio.timeout``, a ``TaskGroup`` — goes through anyio's and httpcore's
    shields, and landing in httpcore's cleanup it leaves the connection held for
    ever. So on asyncio ``work`` runs in a task of its own, which the caller's
    cancellation never reaches: the caller instead calls ``wind_down()`` (which
    must make ``work`` finish soon, e.g. by expiring its deadline), waits for it to
    finish, and only then lets the cancellation go on (see ``_Outcome``).
    """
    if not _running_asyncio():
        return await work
    loop = asyncio.get_running_loop()
    outcome = _Outcome(loop, wind_down)
    # Held until the caller is done with it: the loop holds its tasks only weakly.
    outcome.task = loop.create_task(_hand_over(work, outcome))
    result, error = await outcome
    if error is not None:
        raise error
    return result  # type: ignore[no-any-return]


class _Outcome(asyncio.Future):  # type: ignore[type-arg]
    """What the caller awaits while ``work`` runs in its own task: ``(result, error)``.

    A cancellation of the caller reaches the future it awaits: asyncio calls its
    ``cancel()``. Here that winds the work down and refuses, so asyncio marks the
    caller as to be cancelled and raises ``CancelledError`` in it as this future
    completes: once the work is over. Against ``asyncio.shield`` plus a wait, that
    is one future and one trip round the loop fewer: 5.6–6.0 against 7.5–8.1 µs
    for a coroutine that does nothing (three alternating runs of 20,000, Python 3.11).
    """

    task: asyncio.Task[None]

    def __init__(self, loop: asyncio.AbstractEventLoop, wind_down: Callable[[], None]) -> None:
        super().__init__(loop=loop)
        self._wind_down: Callable[[], None] | None = wind_down

    def cancel(self, msg: Any = None) -> bool:
        wind_down, self._wind_down = self._wind_down, None
        if wind_down is not None and not self.done():
            wind_down()  # once: a second cancellation finds the work already stopping
        return False


async def _hand_over(work: Coroutine[Any, Any, T], outcome: _Outcome) -> None:
    """Run ``work`` and hand its result, or what it raised, to the caller."""
    try:
        result = await work
    except (Exception, asyncio.CancelledError) as error:
        # As a value, so no "exception never retrieved" if the caller, being
        # cancelled, never reads it.
        if not outcome.done():
            outcome.set_result((None, error))
        if isinstance(error, asyncio.CancelledError):
            raise  # cancelled itself: the loop shutting down
    else:
        outcome.set_result((result, None))
