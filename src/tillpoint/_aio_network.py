"""httpcore's network backend on asyncio's selector, for the pools tillpoint makes.

httpcore's default backend on asyncio goes through anyio: a socket stream over an
asyncio transport, and TLS as anyio's ``TLSStream`` — Python code shuttling every
byte through an ``ssl.MemoryBIO``. Here a connection is a non-blocking socket (an
``ssl.SSLSocket`` once TLS starts, so OpenSSL reads and writes the socket itself)
and the loop is only asked to say when it is ready (``add_reader``/``add_writer``).

Measured against the alternatives (steady ``checkouts_get`` over kept-alive TLS, one
process, the same core's pool given each backend in turn, medians of 15 interleaved
batches of 150 calls, µs a call; raw httpx + ``json.loads`` 537): anyio's backend 791;
asyncio's transports (``loop.start_tls``) behind a lean ``asyncio.Protocol`` (a chunk
queue and one waiter future) 698, or behind ``StreamReader``/``StreamWriter`` 681 — the
loop's own TLS (``asyncio.sslproto``) is MemoryBIO-based too; this one 657. Also in
``docs/performance.md``'s tuning-pass table.

Failures map exactly as httpcore's anyio backend maps them: connecting,
``ConnectError``/``ConnectTimeout`` (an SSL error in the handshake too); reading,
``ReadError``/``ReadTimeout`` and ``b""`` at end of stream; writing,
``WriteError``/``WriteTimeout``. Each ``timeout`` bounds the whole operation. A read
or write on a broken or closed connection fails with no text of its own (the
``OSError`` as its cause), as anyio's does: tillpoint says what that means
(``_transport._WHAT_HAPPENED``), the same whichever backend ran.
anyio is not imported here.

It needs a selector loop (``add_reader``): ``_pool`` installs it on
``asyncio.SelectorEventLoop`` only (Windows' proactor loop and trio keep httpcore's).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import sys
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

import httpcore
from httpcore._utils import is_socket_readable

__all__ = ["AsyncioBackend", "AsyncioStream"]

T = TypeVar("T")

_RETRY = (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
"""A non-blocking call that could not go on yet: wait for the socket, then retry."""


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: a connected non-blocking socket, plain or TLS."""

    def __init__(self, sock: socket.socket, loop: asyncio.AbstractEventLoop) -> None:
        self._sock = sock
        self._loop = loop
        self._fd = sock.fileno()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False

    async def _ready(self, writable: bool, deadline: float | None) -> None:
        """Wait until the socket is readable (or ``writable``); ``TimeoutError`` at
        ``deadline`` (loop time). A timer on the waiter: no task, no cancel scope."""
        loop = self._loop
        waiter = self._waiter = loop.create_future()
        if writable:
            loop.add_writer(self._fd, _wake, waiter)
        else:
            loop.add_reader(self._fd, _wake, waiter)
        timer = None if deadline is None else loop.call_at(deadline, _time_out, waiter)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()
            if not self._closed:  # else aclose() unregistered it (the fd may be reused)
                if writable:
                    loop.remove_writer(self._fd)
                else:
                    loop.remove_reader(self._fd)

    def _deadline(self, timeout: float | None) -> float | None:
        return None if timeout is None else self._loop.time() + timeout

    async def _retry(self, error: OSError, writing: bool, deadline: float | None) -> None:
        """Wait for what a non-blocking call that raised ``error`` needs: room to
        write when ``writing``, data otherwise — except that with TLS a read may need
        to write first, and a write to read."""
        if isinstance(error, ssl.SSLWantWriteError):
            writing = True
        elif isinstance(error, ssl.SSLWantReadError):
            writing = False
        await self._ready(writing, deadline)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = self._deadline(timeout)
        waited = False
        while True:  # until data, the end, or a failure
            if self._closed:
                raise httpcore.ReadError()
            try:
                data = self._sock.recv(max_bytes)  # b"" at the end of the stream
                if not waited:
                    # A read is a checkpoint, as anyio's and trio's are: a cancellation
                    # lands here, in the read httpcore expects it in, not later in its
                    # bookkeeping as it releases the connection (which leaks it). A body
                    # already in the socket buffer would otherwise be read through
                    # without ever yielding. Most reads wait for the server anyway.
                    await asyncio.sleep(0)
                return data
            except _RETRY as exc:
                waiting: OSError = exc
            except OSError as exc:
                raise httpcore.ReadError() from exc
            waited = True
            try:
                await self._retry(waiting, False, deadline)
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading from the connection") from None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        deadline = self._deadline(timeout)
        view = memoryview(buffer)
        while view:
            if self._closed:
                raise httpcore.WriteError()
            try:
                view = view[self._sock.send(view) :]
                continue
            except _RETRY as exc:
                # A full socket buffer: this is the flow control, wait for room.
                waiting: OSError = exc
            except OSError as exc:
                raise httpcore.WriteError() from exc
            try:
                await self._retry(waiting, True, deadline)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing to the connection") from None

    async def aclose(self) -> None:
        # Nothing awaited: a cancellation cannot interrupt it, and a second call is a
        # no-op. TLS ends without a close_notify, as with httpcore's anyio backend
        # (``standard_compatible=False``): HTTP/1.1 frames its own messages.
        if self._closed:
            return
        self._closed = True
        # Unregister before the fd is closed (and its number reused), and wake a read
        # or write still waiting on it: it then reports the connection closed.
        self._loop.remove_reader(self._fd)
        self._loop.remove_writer(self._fd)
        if self._waiter is not None:
            _wake(self._waiter)
        self._sock.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = self._deadline(timeout)
        try:
            # The SSLSocket takes over the fd (this stream's socket is detached).
            tls = AsyncioStream(
                ssl_context.wrap_socket(
                    self._sock, server_hostname=server_hostname, do_handshake_on_connect=False
                ),
                self._loop,
            )
        except OSError as exc:
            await self.aclose()
            raise httpcore.ConnectError(_describe(exc)) from exc
        self._closed = True  # nothing left to close here: ``tls`` owns the fd
        try:
            await tls._handshake(deadline)
        except BaseException:
            await tls.aclose()
            raise
        return tls

    async def _handshake(self, deadline: float | None) -> None:
        sock: ssl.SSLSocket = self._sock  # type: ignore[assignment]
        while True:  # until done or failed
            try:
                sock.do_handshake()
                return
            except _RETRY as exc:
                waiting: OSError = exc
            except OSError as exc:  # ssl.SSLError (a certificate refused...) is one
                raise httpcore.ConnectError(_describe(exc)) from exc
            try:
                await self._retry(waiting, False, deadline)
            except TimeoutError:
                raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None

    def get_extra_info(self, info: str) -> Any:
        sock = self._sock
        if info == "ssl_object":
            # The SSLSocket: what httpcore and httpx read from an SSLObject
            # (selected_alpn_protocol, getpeercert, version, cipher), it has too.
            return sock if isinstance(sock, ssl.SSLSocket) else None
        if info == "socket":
            return sock
        if info == "is_readable":
            # For an idle connection: it was dropped (end of stream, a reset, stray
            # bytes) and must not be reused. TLS may hold decrypted bytes back.
            pending = isinstance(sock, ssl.SSLSocket) and not self._closed and sock.pending()
            return self._closed or bool(pending) or is_socket_readable(sock)
        if info in ("client_addr", "server_addr"):
            try:
                return sock.getsockname() if info == "client_addr" else sock.getpeername()
            except OSError:
                return None
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections on the running asyncio loop's selector."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            sock = await _within(timeout, _connect(loop, host, port, local_address))
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(_describe(exc)) from exc
        return _with_options(AsyncioStream(sock, loop), sock, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        connecting = _first_to_connect(loop, [(socket.AF_UNIX, path)], None)
        try:
            sock = await _within(timeout, connecting)
        except TimeoutError:
            raise httpcore.ConnectTimeout("timed out connecting") from None
        except OSError as exc:
            raise httpcore.ConnectError(_describe(exc)) from exc
        return _with_options(AsyncioStream(sock, loop), sock, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(
    loop: asyncio.AbstractEventLoop, host: str, port: int, local_address: str | None
) -> socket.socket:
    return await _first_to_connect(loop, await _resolve(loop, host, port), local_address)


async def _resolve(loop: asyncio.AbstractEventLoop, host: str, port: int) -> list[tuple[int, Any]]:
    """``(family, address)`` for each of ``host``'s addresses; an IP address is its own
    (no resolver thread, as anyio and asyncio skip it too)."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except OSError:
            continue
        return [(family, (host, port))]
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [(family, address) for family, _, _, _, address in infos]


async def _first_to_connect(
    loop: asyncio.AbstractEventLoop,
    addresses: list[tuple[int, Any]],
    local_address: str | None,
) -> socket.socket:
    """A socket connected to the first of ``addresses`` that accepts, in order (as
    ``socket.create_connection`` and httpcore's sync backend try them)."""
    error: OSError = OSError("no address to connect to")
    for family, address in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            if family != socket.AF_UNIX:
                # As asyncio and anyio set it: a request's head and body are not delayed.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if local_address is not None:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, address)
        except OSError as exc:
            sock.close()
            error = exc
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    raise error


def _with_options(
    stream: AsyncioStream,
    sock: socket.socket,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
) -> AsyncioStream:
    try:
        for option in socket_options or ():
            sock.setsockopt(*option)
    except OSError as exc:
        sock.close()
        raise httpcore.ConnectError(_describe(exc)) from exc
    return stream


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


if sys.version_info >= (3, 11):

    async def _within(timeout: float | None, work: Coroutine[Any, Any, T]) -> T:
        """``work``, cancelled with ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            return await work

else:  # pragma: no cover - 3.10

    async def _within(timeout: float | None, work: Coroutine[Any, Any, T]) -> T:
        """``work``, cancelled with ``TimeoutError`` after ``timeout`` seconds."""
        try:
            return await asyncio.wait_for(work, timeout)
        except asyncio.TimeoutError:  # not yet the builtin on 3.10
            raise TimeoutError from None
