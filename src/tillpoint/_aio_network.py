"""httpcore's network backend on asyncio's own transports, for the pools tillpoint makes.

httpcore's default backend on asyncio goes through anyio: a socket stream over an
asyncio transport, and TLS as anyio's ``TLSStream`` — Python code driving an
``ssl.MemoryBIO`` on every read and write. asyncio's own transports do the same work
with fewer layers (``loop.start_tls``: the loop's SSL protocol, fed straight from the
socket). Measured in the realistic bench, steady ``checkouts_get`` over kept-alive
TLS: see the tuning-pass table in ``docs/performance.md``.

The stream is an ``asyncio.Protocol`` with a queue of received chunks and one waiter
future — no ``StreamReader`` — and ``read`` hands back a received chunk as it is
(no copy). Failures map exactly as httpcore's anyio backend maps them: connecting,
``ConnectError``/``ConnectTimeout`` (an SSL error in the handshake too); reading,
``ReadError``/``ReadTimeout`` and ``b""`` at end of stream; writing,
``WriteError``/``WriteTimeout``. anyio is not imported here: on asyncio the happy path
needs none of its socket or TLS streams.

trio keeps httpcore's own backend; this one is only made on an asyncio loop.
"""

from __future__ import annotations

import asyncio
import collections
import socket
import ssl
import sys
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

import httpcore
from httpcore._utils import is_socket_readable

__all__ = ["AsyncioBackend", "AsyncioStream"]

T = TypeVar("T")

_READ_HIGH_WATER = 256 * 1024
"""Bytes received and not yet read past which the socket stops being read (httpcore
reads 64 KiB at a time: a response body is consumed long before this fills)."""

_NO_HANDSHAKE_LIMIT = 24 * 3600.0
"""asyncio aborts a TLS handshake after 60 s by default; with no ``timeout`` httpcore's
anyio backend waits for ever, so this one waits a day (the caller's deadline comes first)."""


class _Receiver(asyncio.Protocol):
    """What asyncio's transport calls: keeps the received chunks and wakes the reader."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.chunks: collections.deque[bytes] = collections.deque()
        self.buffered = 0
        self.eof = False
        self.lost = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.waiter: asyncio.Future[None] | None = None

    # -- asyncio.Protocol ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.buffered += len(data)
        if self.buffered > _READ_HIGH_WATER and not self.reading_paused:
            self.reading_paused = True
            assert self.transport is not None
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close our side too: HTTP/1.1 never half-closes

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.error = exc
        self._wake()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake()

    # -- for the stream ----------------------------------------------------------------

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, timeout: float | None) -> None:
        """Wait for the next event (data, end of stream, loss, room to write).

        Raises ``TimeoutError`` after ``timeout`` seconds: a timer on the waiter, not
        ``asyncio.wait_for`` — no task, no cancellation scope, on every read.
        """
        waiter = self.waiter = self.loop.create_future()
        timer = None if timeout is None else self.loop.call_later(timeout, _time_out, waiter)
        try:
            await waiter
        finally:
            self.waiter = None
            if timer is not None:
                timer.cancel()

    def take(self, max_bytes: int) -> bytes:
        """The first received chunk (at most ``max_bytes`` of it); there must be one."""
        chunk = self.chunks.popleft()
        if len(chunk) > max_bytes:
            self.chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self.buffered -= len(chunk)
        if self.reading_paused and self.buffered <= _READ_HIGH_WATER // 4:
            self.reading_paused = False
            if self.transport is not None and not self.lost:
                self.transport.resume_reading()
        return chunk


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: an asyncio transport (TCP, or TLS over it) and its receiver."""

    def __init__(self, transport: asyncio.Transport, receiver: _Receiver) -> None:
        self._transport = transport
        self._receiver = receiver
        receiver.transport = transport
        self._closed = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        receiver = self._receiver
        while True:
            if self._closed:
                raise httpcore.ReadError("the connection is closed")
            if receiver.chunks:
                return receiver.take(max_bytes)
            if receiver.error is not None:
                raise httpcore.ReadError(str(receiver.error) or type(receiver.error).__name__)
            if receiver.eof or receiver.lost:
                return b""
            try:
                await receiver.wait(timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading from the connection") from None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        receiver = self._receiver
        self._check_writable()
        self._transport.write(buffer)
        # Flow control: the transport asks to pause once its buffer passes its high
        # water mark; wait for it to drain below the low one.
        while receiver.writing_paused:
            try:
                await receiver.wait(timeout)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing to the connection") from None
            self._check_writable()

    def _check_writable(self) -> None:
        if self._closed or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        error = self._receiver.error
        if error is not None or self._receiver.lost:
            raise httpcore.WriteError(str(error) if error else "the connection was lost")

    async def aclose(self) -> None:
        # Nothing awaited: a cancellation cannot interrupt it, and a second call is a
        # no-op. A TLS connection is dropped without a close_notify, as httpcore's
        # anyio backend does (``standard_compatible=False``): an HTTP/1.1 response is
        # delimited by its own framing, and a graceful TLS shutdown would keep the
        # socket open in the background for up to 30 s after the pool let it go.
        if self._closed:
            return
        self._closed = True
        if self._transport.get_extra_info("sslcontext") is not None:
            self._transport.abort()
        else:
            self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = self._receiver.loop
        handshake = loop.start_tls(
            self._transport,
            self._receiver,
            ssl_context,
            server_hostname=server_hostname,
            # Never before the caller's own deadline, which then reports a timeout.
            ssl_handshake_timeout=_NO_HANDSHAKE_LIMIT if timeout is None else timeout + 1.0,
        )
        try:
            tls = await _within(timeout, handshake)
        except TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError) as exc:  # ssl.SSLError is an OSError; said for clarity
            await self.aclose()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        except BaseException:
            await self.aclose()
            raise
        if tls is None:  # the loop is closing: start_tls gives nothing to talk through
            await self.aclose()
            raise httpcore.ConnectError("the event loop closed during the TLS handshake")
        # The plain stream is left behind unclosed: closing the TLS stream closes both.
        return AsyncioStream(tls, self._receiver)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            return self._is_readable()
        return None

    def _is_readable(self) -> bool:
        """Whether an idle connection has something to read — for httpcore, that it
        was dropped (end of stream, a reset, or stray bytes) and must not be reused.

        The loop reads the socket as data arrives, so what it has already read is in
        the receiver; what arrived since is still in the socket (anyio's check, as httpcore does).
        """
        receiver = self._receiver
        if receiver.chunks or receiver.eof or receiver.lost or self._closed:
            return True
        sock = self._transport.get_extra_info("socket")
        return sock is not None and is_socket_readable(sock)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections on the running asyncio loop's transports."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        receiver = _Receiver(loop)
        # TCP_NODELAY: asyncio's TCP transports set it themselves, as anyio's do.
        connecting = loop.create_connection(
            lambda: receiver,
            host,
            port,
            local_addr=None if local_address is None else (local_address, 0),
        )
        return await _connected(_within(timeout, connecting), receiver, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        receiver = _Receiver(loop)
        connecting = loop.create_unix_connection(lambda: receiver, path)
        return await _connected(_within(timeout, connecting), receiver, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connected(
    connecting: Awaitable[tuple[asyncio.BaseTransport, asyncio.BaseProtocol]],
    receiver: _Receiver,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
) -> AsyncioStream:
    try:
        transport, _ = await connecting
    except TimeoutError:
        raise httpcore.ConnectTimeout("timed out connecting") from None
    except OSError as exc:
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
    stream = AsyncioStream(transport, receiver)  # type: ignore[arg-type]
    try:
        sock: socket.socket = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
    except OSError as exc:
        await stream.aclose()
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
    return stream


if sys.version_info >= (3, 11):

    async def _within(timeout: float | None, work: Awaitable[T]) -> T:
        """``work``, cancelled with ``TimeoutError`` after ``timeout`` seconds."""
        async with asyncio.timeout(timeout):
            return await work

else:  # pragma: no cover - 3.10

    async def _within(timeout: float | None, work: Awaitable[T]) -> T:
        """``work``, cancelled with ``TimeoutError`` after ``timeout`` seconds."""
        try:
            return await asyncio.wait_for(work, timeout)
        except asyncio.TimeoutError:  # not yet the builtin on 3.10
            raise TimeoutError from None
