"""The asyncio-native network backend (``_aio_network``), over real sockets on 127.0.0.1.

Each test connects to a peer played by a thread on a plain socket (TLS through a
throw-away certificate where it matters) and checks what the backend reports: data,
``b""`` at end of stream, and every failure mapped as httpcore's anyio backend maps it.
Then the pool: tillpoint's own pools on asyncio's selector loop use the backend (trio
keeps httpcore's),
a dropped idle connection is not reused, and a cancelled read leaves the pool usable.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpcore
import pytest
from bench._tls import Certificates, make_certificates

from tillpoint import Ok, TillpointCore
from tillpoint._aio_network import AsyncioBackend, AsyncioStream
from tillpoint.funcs import checkouts_get

from .reliability.conftest import TOKEN, assert_pool_clean, make_core, run_strictly
from .reliability.server import Reply, ScriptedServer, Stall, refused_port
from .reliability.test_faults import CHECKOUT

LOOPBACK = "127.0.0.1"
WAIT = 5.0
"""The longest any peer or test waits for anything."""

Behaviour = Callable[[socket.socket], None]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the backend is asyncio's own; trio keeps httpcore's


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


def _client_context(certificates: Certificates) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificates.ca_file))


def _server_context(certificates: Certificates) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.cert_file, certificates.key_file)
    return context


@contextlib.contextmanager
def peer(behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """A listener on 127.0.0.1 whose first connection ``behaviour`` plays (in a thread,
    every socket operation bounded by ``WAIT``); yields its port."""
    listener = socket.create_server((LOOPBACK, 0))
    listener.settimeout(WAIT)
    finished = threading.Event()

    def run() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.settimeout(WAIT)
        try:
            if tls is not None:
                conn = tls.wrap_socket(conn, server_side=True)
            behaviour(conn)
        except OSError:
            pass  # the client hung up: what several tests do on purpose
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            finished.set()

    thread = threading.Thread(target=run, name="aio-peer")
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(WAIT + 1)
        assert not thread.is_alive()


def answers(data: bytes) -> Behaviour:
    """Read one chunk, send ``data``, then close cleanly."""

    def behaviour(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(data)

    return behaviour


def resets(conn: socket.socket) -> None:
    """Read one chunk, then reset the connection (RST)."""
    conn.recv(65536)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def holds(until: threading.Event) -> Behaviour:
    """Send nothing, read nothing, until ``until`` is set (or ``WAIT`` passes)."""
    return lambda conn: until.wait(WAIT) and None


async def _eventually(condition: Callable[[], bool]) -> bool:
    """Whether ``condition`` holds within ``WAIT`` (polled: the loop must see a peer's
    hang-up or data first)."""
    for _ in range(int(WAIT / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


async def _read_all(stream: httpcore.AsyncNetworkStream) -> bytes:
    received = b""
    for _ in range(1_000):  # bounded: the peers here send a few KiB at most
        chunk = await stream.read(65536, timeout=WAIT)
        if not chunk:
            return received
        received += chunk
    raise AssertionError("the stream never ended")


# --- the stream -----------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_tls_exchange_then_end_of_stream(certificates: Certificates) -> None:
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" * 100
    with peer(answers(body), tls=_server_context(certificates)) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        tls = await stream.start_tls(_client_context(certificates), "127.0.0.1", timeout=WAIT)
        assert isinstance(tls, AsyncioStream)
        # What httpcore and httpx read from it (an ssl.SSLObject's methods).
        assert tls.get_extra_info("ssl_object").version().startswith("TLS")
        assert tls.get_extra_info("ssl_object").selected_alpn_protocol() is None
        assert tls.get_extra_info("server_addr") == (LOOPBACK, port)
        assert tls.get_extra_info("client_addr")[0] == LOOPBACK
        assert tls.get_extra_info("socket") is not None
        assert tls.get_extra_info("no such thing") is None
        await tls.write(b"GET / HTTP/1.1\r\n\r\n", timeout=WAIT)
        assert await _read_all(tls) == body  # then b"" at the end, not an error
        await tls.aclose()


@pytest.mark.anyio
async def test_plain_tcp_options_and_end_of_stream() -> None:
    keepalive = (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    with peer(answers(b"hello")) as port:
        stream = await AsyncioBackend().connect_tcp(
            LOOPBACK, port, timeout=WAIT, local_address=LOOPBACK, socket_options=[keepalive]
        )
        sock = stream.get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert stream.get_extra_info("ssl_object") is None
        assert stream.get_extra_info("client_addr")[0] == LOOPBACK
        await stream.write(b"hi", timeout=WAIT)
        assert await _read_all(stream) == b"hello"
        assert await stream.read(10) == b""  # and again: still the end
        await stream.aclose()


@pytest.mark.anyio
async def test_a_read_returns_at_most_max_bytes_and_keeps_the_rest() -> None:
    with peer(answers(b"abcdefghij")) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        await stream.write(b"hi")
        first = await stream.read(3, timeout=WAIT)
        assert 0 < len(first) <= 3
        assert first + await _read_all(stream) == b"abcdefghij"
        await stream.aclose()


@pytest.mark.anyio
async def test_a_reset_is_a_read_error_and_then_a_write_error() -> None:
    with peer(resets) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        await stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=WAIT)
        with pytest.raises(httpcore.ReadError) as reset:
            await stream.read(65536, timeout=WAIT)
        # No text of its own, as anyio's: tillpoint words it the same for every backend.
        assert str(reset.value) == ""
        assert isinstance(reset.value.__cause__, ConnectionResetError)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more", timeout=WAIT)
        await stream.aclose()


@pytest.mark.anyio
async def test_read_and_write_timeouts() -> None:
    release = threading.Event()
    with peer(holds(release)) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(65536, timeout=0.05)
        # The peer reads nothing: the socket buffers fill and the transport asks to
        # pause; the write then waits for room that never comes.
        with pytest.raises(httpcore.WriteTimeout):
            for _ in range(256):  # bounded: 256 MiB is far past any socket buffer
                await stream.write(b"x" * (1 << 20), timeout=0.05)
        release.set()
        await stream.aclose()


@pytest.mark.anyio
async def test_a_large_write_waits_for_room_and_arrives_whole() -> None:
    size = 8 << 20
    received = []

    def reads_everything(conn: socket.socket) -> None:
        total = 0
        while total < size:
            chunk = conn.recv(1 << 16)
            if not chunk:
                break
            total += len(chunk)
        received.append(total)
        conn.sendall(b"done")

    with peer(reads_everything) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        await stream.write(b"x" * size, timeout=WAIT)
        assert await _read_all(stream) == b"done"
        await stream.aclose()
    assert received == [size]


@pytest.mark.anyio
async def test_connect_failures() -> None:
    backend = AsyncioBackend()
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp(LOOPBACK, refused_port(), timeout=WAIT)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp("host.invalid", 80, timeout=WAIT)
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_tcp(LOOPBACK, 80, local_address="192.0.2.1", timeout=WAIT)
    # A listener whose queue is full: the kernel drops further SYNs, so connecting
    # hangs until the timeout.
    with socket.create_server((LOOPBACK, 0), backlog=0) as listener:
        port = listener.getsockname()[1]
        queued = []
        try:
            for _ in range(8):
                waiting = socket.socket()
                waiting.setblocking(False)
                waiting.connect_ex((LOOPBACK, port))
                queued.append(waiting)
            with pytest.raises(httpcore.ConnectTimeout):
                await backend.connect_tcp(LOOPBACK, port, timeout=0.2)
        finally:
            for waiting in queued:
                waiting.close()
    with pytest.raises(httpcore.ConnectError):
        await backend.connect_unix_socket("/nonexistent/tillpoint.sock", timeout=WAIT)


@pytest.mark.anyio
async def test_tls_handshake_failures_are_connect_errors(certificates: Certificates) -> None:
    # Not trusted: the client's context lacks the throw-away CA.
    with peer(lambda conn: None, tls=_server_context(certificates)) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        with pytest.raises(httpcore.ConnectError):
            await stream.start_tls(ssl.create_default_context(), "127.0.0.1", timeout=WAIT)
    # No TLS at all on the other side: it answers the ClientHello with plain text.
    with peer(answers(b"HTTP/1.1 400 Bad Request\r\n\r\n")) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        with pytest.raises(httpcore.ConnectError):
            await stream.start_tls(_client_context(certificates), "127.0.0.1", timeout=WAIT)
    # Silent: the handshake times out.
    release = threading.Event()
    with peer(holds(release)) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        with pytest.raises(httpcore.ConnectTimeout):
            await stream.start_tls(_client_context(certificates), "127.0.0.1", timeout=0.05)
        release.set()


@pytest.mark.anyio
async def test_is_readable_once_an_idle_connection_is_dropped() -> None:
    hang_up = threading.Event()
    with peer(holds(hang_up)) as port:  # then closes
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        assert stream.get_extra_info("is_readable") is False
        hang_up.set()
        assert await _eventually(lambda: stream.get_extra_info("is_readable"))
        assert stream.get_extra_info("is_readable") is True
        await stream.aclose()


@pytest.mark.anyio
async def test_aclose_is_idempotent_and_the_stream_refuses_use_after_it() -> None:
    release = threading.Event()
    with peer(holds(release)) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        await stream.aclose()
        await stream.aclose()
        with pytest.raises(httpcore.ReadError):
            await stream.read(10, timeout=WAIT)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"x", timeout=WAIT)
        release.set()


@pytest.mark.anyio
async def test_a_cancelled_read_leaves_the_stream_readable() -> None:
    go = threading.Event()

    def answers_when_told(conn: socket.socket) -> None:
        go.wait(WAIT)
        conn.sendall(b"late")

    with peer(answers_when_told) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        reading = asyncio.ensure_future(stream.read(10, timeout=WAIT))
        await asyncio.sleep(0.01)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        go.set()
        assert await _read_all(stream) == b"late"
        await stream.aclose()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="Task.uncancel is 3.11+")
@pytest.mark.anyio
async def test_a_read_is_a_checkpoint_even_with_data_waiting() -> None:
    # httpcore expects a cancellation to land in the read it is doing (as with anyio),
    # not later in its bookkeeping: a read that finds data at once still yields.
    with peer(answers(b"ready")) as port:
        stream = await AsyncioBackend().connect_tcp(LOOPBACK, port, timeout=WAIT)
        await stream.write(b"hi", timeout=WAIT)
        assert await _eventually(lambda: stream.get_extra_info("is_readable"))
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stream.read(10, timeout=WAIT)
        task.uncancel()
        await stream.aclose()


@pytest.mark.anyio
async def test_unix_socket(tmp_path: Path) -> None:
    path = str(tmp_path / "s")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(WAIT)

    def serve_one() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(WAIT)
            conn.sendall(conn.recv(100).upper())

    thread = threading.Thread(target=serve_one)
    thread.start()
    try:
        stream = await AsyncioBackend().connect_unix_socket(path, timeout=WAIT)
        await stream.write(b"ping", timeout=WAIT)
        assert await _read_all(stream) == b"PING"
        await stream.aclose()
    finally:
        thread.join(WAIT + 1)
        listener.close()


# --- tillpoint's pools ----------------------------------------------------------------


def _streams(core: TillpointCore) -> list[object]:
    """The network stream of every connection in the core's pool on this loop.

    Private attributes of httpx and httpcore, the ones ``_pool`` relies on to install
    the backend: if either library renames them, this fails here, loudly.
    """
    pool = core.client()._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    assert hasattr(pool, "_network_backend")
    return [c._connection._network_stream for c in pool.connections]


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_tillpoints_pool_uses_the_backend_on_asyncio_only(anyio_backend: str) -> None:
    with ScriptedServer(Reply(200, CHECKOUT)) as server:
        async with make_core(server.url) as core:
            assert isinstance(await checkouts_get(core, "c1"), Ok)
            (stream,) = _streams(core)
            assert isinstance(stream, AsyncioStream) is (anyio_backend == "asyncio")
            pool = core.client()._transport._pool  # type: ignore[attr-defined]
            # _keepalive's subclasses still apply to the pool and its connection.
            assert type(pool).__name__ == "HintedAsyncPool"
            assert type(pool.connections[0]).__name__ == "HintedAsyncConnection"


@pytest.mark.anyio
async def test_a_callers_client_keeps_its_own_backend() -> None:
    import httpx

    with ScriptedServer(Reply(200, CHECKOUT)) as server:
        async with httpx.AsyncClient() as client:
            core = TillpointCore(bearer_auth=TOKEN, server_url=server.url, client=client)
            assert isinstance(await checkouts_get(core, "c1"), Ok)
            pool = client._transport._pool  # type: ignore[attr-defined]
            assert not isinstance(pool._network_backend, AsyncioBackend)


@pytest.mark.anyio
async def test_the_pool_does_not_reuse_a_connection_the_server_dropped() -> None:
    with ScriptedServer(Reply(200, CHECKOUT, close=True), Reply(200, CHECKOUT)) as server:
        async with make_core(server.url) as core:
            assert isinstance(await checkouts_get(core, "c1"), Ok)
            # The pool checks is_readable before reusing an idle connection.
            assert await _eventually(
                lambda: all(s.get_extra_info("is_readable") for s in _streams(core))  # type: ignore[attr-defined]
            )
            assert isinstance(await checkouts_get(core, "c1"), Ok)
            assert server.connections == 2
            assert len(server.requests) == 2
            assert_pool_clean(core)


@pytest.mark.anyio
async def test_a_call_cancelled_mid_read_leaves_the_pool_usable() -> None:
    with ScriptedServer(Stall(5)) as server:
        async with make_core(server.url, timeout_ms=10_000) as core:
            call = asyncio.ensure_future(checkouts_get(core, "c1"))
            await asyncio.get_running_loop().run_in_executor(None, server.wait_for_requests)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            assert_pool_clean(core)
            server.script(Reply(200, CHECKOUT))
            assert isinstance(await checkouts_get(core, "c1"), Ok)
            assert_pool_clean(core)


def test_no_resource_warning_across_loops_over_tls(certificates: Certificates) -> None:
    """A module-level core over HTTPS, used from three ``asyncio.run``s: nothing on stderr
    under ``-W error`` (no unclosed transport from the connections dropped with each loop)."""
    import json

    from bench._server import served  # the bench's TLS server, in its own process

    with served(json.dumps(CHECKOUT).encode(), certificates) as url:
        script = textwrap.dedent(
            f"""
            import asyncio, gc, warnings
            from tillpoint import Ok, TillpointCore
            from tillpoint.funcs import checkouts_get

            warnings.simplefilter("error")
            core = TillpointCore(bearer_auth={TOKEN!r}, server_url={url!r},
                                 verify={str(certificates.ca_file)!r})

            async def handler():
                result = await checkouts_get(core, "c1")
                assert isinstance(result, Ok), result
                return "ok"

            print(",".join(asyncio.run(handler()) for _ in range(3)))
            gc.collect()
            """
        )
        done = run_strictly(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok,ok,ok"
    assert done.stderr == ""
