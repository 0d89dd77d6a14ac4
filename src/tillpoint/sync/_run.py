"""Running the async mechanism to completion on the calling thread, without a loop.

``blocking(fn)`` turns one of tillpoint's coroutine functions into a plain function
with the very same signature (a ``ParamSpec``: type checkers see them identical).
The wrapper refuses to run inside an event loop, sets the blocking driver for the
call, and runs the coroutine with a single ``send(None)``: nothing it awaits ever
suspends, so it finishes, and ``StopIteration`` carries its result.

What could suspend is the caller's own code, run inline: an ``async def`` hook or
``bearer_auth`` callable that waits on something. There is no loop to wait on, so
the call stops there with a ``TypeError`` that says so.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Generator
from typing import Any, ParamSpec, TypeVar

from .. import _io
from ._driver import BLOCKING

__all__ = ["blocking", "iterate", "run"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def _running_event_loop() -> str | None:
    """The event loop library running in this thread, if any."""
    if asyncio._get_running_loop() is not None:
        return "asyncio"
    trio = sys.modules.get("trio")  # never imported just to ask
    if trio is not None and trio.lowlevel.in_trio_run():
        return "trio"
    return None


def refuse_inside_event_loop(what: str, instead: str) -> None:
    """Raise ``TypeError`` if an event loop runs here: a blocking call would stall it.

    ``what`` names the sync call, ``instead`` how async code does the same.
    """
    library = _running_event_loop()
    if library is not None:
        raise TypeError(
            f"tillpoint.sync: {what} blocks, and this thread is running an event loop "
            f"({library}) that it would stall. In async code, use {instead} instead."
        )


def run(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` to completion with the blocking driver; it must never suspend."""
    steps = awaitable.__await__()
    token = _io.driver.set(BLOCKING)
    try:
        try:
            steps.send(None)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        steps.close()
    finally:
        _io.driver.reset(token)
    raise TypeError(
        "a tillpoint.sync call waited on an event loop: a sync call runs hooks and "
        "bearer_auth callables inline, with no event loop, so they must be plain "
        "functions (an async one may not await anything that suspends). Pass sync "
        "ones, or use the async API."
    )


def blocking(fn: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """``fn``, as a function that blocks until its coroutine is done."""
    owner, _, name = fn.__qualname__.rpartition(".")
    if owner:  # a façade method: Checkouts.get is tp.checkouts.get
        what = f"tp.{owner.lower()}.{name}()"
        instead = f"`await tp.{owner.lower()}.{name}(...)` on a tillpoint.Tillpoint"
    else:
        what = f"{name}()"
        instead = f"`await tillpoint.funcs.{name}(...)`"

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        refuse_inside_event_loop(what, instead)
        return run(fn(*args, **kwargs))

    return call


def iterate(items: AsyncIterator[T], what: str, instead: str) -> Generator[T, None, None]:
    """Drive an async iterator of the shared mechanism (a pager) step by step."""
    try:
        while True:
            refuse_inside_event_loop(what, instead)
            try:
                item = run(items.__anext__())
            except StopAsyncIteration:
                return
            yield item
    finally:
        aclose = getattr(items, "aclose", None)
        if aclose is not None:
            run(aclose())
