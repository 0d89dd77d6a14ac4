"""The connection pools a core owns, and the one SSL context they all share.

* one ``httpx.AsyncClient`` per event loop: a client is bound to the loop that made
  it, so a core made at module scope and used from a new loop (a second
  ``asyncio.run()``, a warm serverless invocation, another thread's loop) gets a
  client of its own there, closed as that loop ends. Loops in different threads
  run at the same time, so the clients are kept per loop (weakly, under a lock),
  never in one "current loop" slot that they would keep taking from each other;
* one ``httpx.Client`` for every sync call, from any thread, made on the first sync
  call. A semaphore admits at most ``max_connections`` threads into it at a time:
  httpcore's sync pool, when threads queue inside it for a connection, fails some
  of them with ``ReadError: Bad file descriptor`` (raw httpx too: 8 threads on 4
  connections, ~2% of requests);
* one ``ssl.SSLContext`` per process and ``verify`` setting, shared by all of the
  above: loading the CA bundle costs more than a TLS handshake, and a warm
  serverless invocation on a new event loop should pay only the handshake;
* on asyncio's selector loop, connections as non-blocking sockets on the loop's
  selector (``_aio_network``), not through anyio's socket and TLS streams.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Union

from . import _loop
from ._keepalive import honour_keep_alive

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = ["ClosedWithTheLoop", "Pool", "Verify", "shared_ssl_context"]

Verify = Union[bool, str, "ssl.SSLContext"]
"""``True`` (the system's CA bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), ``False``
(no verification), a path to CA certificates (a file or a directory), or a context."""

_ssl_contexts: dict[tuple[bool | str, str | None, str | None], ssl.SSLContext] = {}
_ssl_lock = threading.Lock()


def shared_ssl_context(verify: Verify) -> ssl.SSLContext:
    """The process's SSL context for ``verify``, built on first use and then reused.

    The environment is part of the key, as httpx reads it when building a context:
    a test that points ``SSL_CERT_FILE`` elsewhere gets a context that trusts it.
    """
    if not isinstance(verify, (bool, str)):
        return verify  # the caller's own context, used as is
    key = (verify, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _ssl_contexts.get(key)
    if context is None:
        with _ssl_lock:
            context = _ssl_contexts.get(key)
            if context is None:
                context = _ssl_contexts[key] = _new_ssl_context(verify)
    return context


def _new_ssl_context(verify: bool | str) -> ssl.SSLContext:
    if isinstance(verify, bool):
        import httpx

        return httpx.create_ssl_context(verify=verify)
    import ssl

    # httpx deprecates a path for verify=; the ssl module takes it directly.
    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def _on_asyncio_selector(transport: httpx.AsyncHTTPTransport) -> None:
    """Give httpx's own pool the network backend on asyncio's selector (trio and other
    loops keep httpcore's). The pool's ``_network_backend`` is private:
    ``tests/test_aio_network`` fails loudly if httpx or httpcore stop using it."""
    from ._aio_network import AsyncioBackend

    transport._pool._network_backend = AsyncioBackend()


class ClosedWithTheLoop:
    """Closes a client when the event loop that made it shuts down.

    A pool's sockets belong to the loop that opened them. ``asyncio.run()`` and
    ``trio.run()`` both finish by closing every async generator still suspended in
    their loop, while the loop still runs; an async generator parked at a ``yield``
    is therefore a portable "loop is ending" callback, and its ``finally`` closes the
    client's connections cleanly instead of leaving them to the garbage collector
    (a ``ResourceWarning`` per kept-alive socket, on every warm serverless start).
    """

    def __init__(self, client: httpx.AsyncClient, on_end: Callable[[], None]) -> None:
        self.client: httpx.AsyncClient | None = client
        self._on_end = on_end
        # A strong reference: loops hold their async generators weakly.
        self._agen = self._wait_for_loop_end()
        # Run it to its first ``yield`` now. Its first step registers it with the
        # running loop's async-generator hooks, and never suspends, so it can be
        # driven without awaiting (``Pool.for_this_loop()`` is not async).
        with contextlib.suppress(StopIteration):
            self._agen.asend(None).send(None)

    async def _wait_for_loop_end(self) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            client, self.client = self.client, None
            if client is not None:
                self._on_end()
                await client.aclose()

    def forget(self) -> None:
        """Finish the generator without closing the client (it is closed, or cannot be)."""
        self.client = None
        with contextlib.suppress(StopIteration, RuntimeError):
            self._agen.aclose().send(None)


class _LoopPool:
    """One event loop's client, the gate into it, and what closes it with the loop."""

    __slots__ = ("client", "closer", "gate")

    def __init__(self, client: httpx.AsyncClient, gate: _loop.Gate | None) -> None:
        self.client = client
        self.gate = gate
        self.closer: ClosedWithTheLoop | None = None


class Pool:
    """The clients that a core and its ``with_options`` copies share.

    ``client`` given: the caller's, used as is by the calls of its kind (an
    ``httpx.AsyncClient`` by async calls, on any loop; an ``httpx.Client`` by sync
    calls) and never closed here. Every other client is tillpoint's own.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | httpx.Client | None,
        limits: tuple[int, int, float],
        verify: Verify = True,
    ) -> None:
        """``limits``: at most this many connections, this many kept idle, each for at
        most this many seconds (see ``_keepalive``)."""
        self.limits = limits
        self.verify = verify
        self._callers: _LoopPool | None = None
        self._callers_blocking: tuple[httpx.Client, None] | None = None
        if client is not None:
            self.adopt(client)
        self._loops: weakref.WeakKeyDictionary[object, _LoopPool] = weakref.WeakKeyDictionary()
        self._blocking: tuple[httpx.Client, threading.Semaphore] | None = None
        self._lock = threading.Lock()

    def adopt(self, client: httpx.AsyncClient | httpx.Client) -> None:
        """Use the caller's ``client`` for the calls of its kind (never closed here).

        A core takes one ``client=``; the in-process sandbox adopts one of each kind,
        so both async and sync calls reach it.
        """
        import httpx

        if isinstance(client, httpx.AsyncClient):
            self._callers = _LoopPool(client, None)
        elif isinstance(client, httpx.Client):
            self._callers_blocking = (client, None)
        else:
            raise TypeError(
                f"client must be an httpx.AsyncClient or httpx.Client, not {type(client).__name__}"
            )

    @property
    def started(self) -> bool:
        """Whether tillpoint has made any client of its own yet."""
        return bool(self._loops) or self._blocking is not None

    def callers(self, *, blocking: bool) -> httpx.AsyncClient | httpx.Client | None:
        """The caller's own client that calls of this kind use, if they passed one."""
        pool = self._callers_blocking if blocking else self._callers
        return None if pool is None else pool[0] if isinstance(pool, tuple) else pool.client

    def for_this_loop(self) -> tuple[httpx.AsyncClient, _loop.Gate | None]:
        """The running loop's client, and the gate that admits requests into it."""
        pool = self._callers or self._loops.get(_loop.current_loop()) or self._start()
        return pool.client, pool.gate

    def _start(self) -> _LoopPool:
        import httpx

        loop = _loop.current_loop()
        with self._lock:
            pool = self._loops.get(loop)
            if pool is not None:
                return pool
            verify = shared_ssl_context(self.verify)
            transport = httpx.AsyncHTTPTransport(limits=self._limits(), verify=verify)
            if isinstance(loop, asyncio.SelectorEventLoop):
                _on_asyncio_selector(transport)
            client = httpx.AsyncClient(
                transport=honour_keep_alive(transport),
                limits=self._limits(),  # (and verify=) for any proxy the environment sets
                follow_redirects=False,
                verify=verify,
            )
            # httpcore's pool re-examines every queued request on every event, which
            # is quadratic: 1,000 requests queued on 100 connections cost ~20 s of
            # CPU. Queueing here instead, at most max_connections requests reach it.
            pool = self._loops[loop] = _LoopPool(client, _loop.make_gate(self.limits[0]))
            pool.closer = ClosedWithTheLoop(client, self._forgetter(loop, pool))
        return pool

    def _forgetter(self, loop: object, pool: _LoopPool) -> Callable[[], None]:
        """What the closer calls as ``loop`` ends: drop its pool from the map."""
        loop_ref = weakref.ref(loop)

        def forget() -> None:
            ended = loop_ref()
            with self._lock:
                if ended is not None and self._loops.get(ended) is pool:
                    del self._loops[ended]

        return forget

    def _limits(self) -> httpx.Limits:
        import httpx

        connections, keepalive, expiry = self.limits
        return httpx.Limits(
            max_connections=connections,
            max_keepalive_connections=keepalive,
            keepalive_expiry=expiry,
        )

    def blocking(self) -> tuple[httpx.Client, threading.Semaphore | None]:
        """The client sync calls go through, from any thread (made on first use), and
        the semaphore that admits requests into it (``None`` for a caller's client)."""
        pool = self._callers_blocking or self._blocking
        if pool is None:
            import httpx

            with self._lock:
                pool = self._blocking
                if pool is None:
                    verify = shared_ssl_context(self.verify)
                    transport = httpx.HTTPTransport(limits=self._limits(), verify=verify)
                    client = httpx.Client(
                        transport=honour_keep_alive(transport),
                        limits=self._limits(),
                        follow_redirects=False,
                        verify=verify,
                    )
                    pool = self._blocking = (client, threading.Semaphore(self.limits[0]))
        return pool

    def close(self) -> None:
        """Close the sync client tillpoint made (each loop's closes with its loop)."""
        with self._lock:
            pool, self._blocking = self._blocking, None
        if pool is not None:
            pool[0].close()

    async def aclose(self) -> None:
        """Close this loop's client and the sync client, those that tillpoint made."""
        self.close()
        if self._callers is not None:
            return
        with self._lock:
            pool = self._loops.pop(_loop.current_loop(), None)
        if pool is not None:
            if pool.closer is not None:
                pool.closer.forget()
            await pool.client.aclose()
