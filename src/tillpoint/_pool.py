"""The connection pool a core owns: one ``httpx.AsyncClient`` per event loop.

A client is bound to the event loop that made it; when a core made at module scope
is used from a new loop (a second ``asyncio.run()``, a warm serverless invocation)
the pool quietly starts a new client, instead of failing with "Event loop is
closed", and the old one is closed as its own loop ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from . import _loop

if TYPE_CHECKING:
    import httpx

__all__ = ["Pool"]


class ClosedWithTheLoop:
    """Closes a client when the event loop that made it shuts down.

    A pool's sockets belong to the loop that opened them. ``asyncio.run()`` and
    ``trio.run()`` both finish by closing every async generator still suspended in
    their loop, while the loop still runs; an async generator parked at a ``yield``
    is therefore a portable "loop is ending" callback, and its ``finally`` closes the
    client's connections cleanly instead of leaving them to the garbage collector
    (a ``ResourceWarning`` per kept-alive socket, on every warm serverless start).
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client: httpx.AsyncClient | None = client
        # A strong reference: loops hold their async generators weakly.
        self._agen = self._wait_for_loop_end()
        # Run it to its first ``yield`` now. Its first step registers it with the
        # running loop's async-generator hooks, and never suspends, so it can be
        # driven without awaiting (``Pool.get()`` is not async).
        with contextlib.suppress(StopIteration):
            self._agen.asend(None).send(None)

    async def _wait_for_loop_end(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            client, self.client = self.client, None
            if client is not None:
                await client.aclose()

    def forget(self) -> None:
        """Finish the generator without closing the client (it is closed, or cannot be)."""
        self.client = None
        with contextlib.suppress(StopIteration, RuntimeError):
            self._agen.aclose().send(None)


class Pool:
    """The client that a core and its ``with_options`` copies share.

    ``client`` given: the caller's, used as is on any loop and never closed here.
    ``None``: tillpoint owns the pool, and makes one client per running loop.
    """

    def __init__(self, client: httpx.AsyncClient | None, limits: tuple[int, int]) -> None:
        self.owned = client is None
        self.client = client
        self.loop: object = None
        self.limits = limits
        self.closer: ClosedWithTheLoop | None = None
        self.gate: _loop.Gate | None = None
        """Admits ``max_connections`` requests into the pool we own (``None`` otherwise)."""

    def get(self) -> httpx.AsyncClient:
        if not self.owned:
            assert self.client is not None
            return self.client
        loop = _loop.current_loop()
        if self.client is None or self.loop is not loop:
            self._start(loop)
            assert self.client is not None
        return self.client

    def _start(self, loop: object) -> None:
        import httpx

        # A pool made under another loop is unusable here. If that loop ended with
        # asyncio.run()/trio.run() the closer has already closed it; otherwise its
        # sockets cannot be closed from this loop and are left to that one.
        if self.closer is not None:
            self.closer.forget()
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(
                max_connections=self.limits[0], max_keepalive_connections=self.limits[1]
            ),
            follow_redirects=False,
        )
        self.loop = loop
        self.closer = ClosedWithTheLoop(self.client)
        # httpcore's pool re-examines every queued request on every event, which is
        # quadratic: 1,000 requests queued on 100 connections cost ~20 s of CPU.
        # Queueing here instead, at most max_connections requests ever reach it.
        self.gate = _loop.make_gate(self.limits[0])

    async def aclose(self) -> None:
        if self.owned and self.client is not None:
            client, self.client = self.client, None
            if self.closer is not None:
                self.closer.forget()
                self.closer = None
            if self.loop is _loop.current_loop():
                await client.aclose()
