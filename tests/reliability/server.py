"""A scripted HTTP/1.1 server on 127.0.0.1, over real sockets, in background threads.

Each test scripts what the server does with the requests it receives, in arrival
order, as a list of actions (the last one repeats)::

    with ScriptedServer(Reply(503), Reply(503), Reply(200, CHECKOUT)) as server:
        ...  # point a TillpointCore at server.url
        assert len(server.requests) == 3

It records every request — method, raw target (as on the request line), raw headers
and body — and can misbehave in every way the reliability suite needs: refuse to
answer, reset the connection, cut a body short, stall, trickle, stream an endless
body. It runs on threads, not on an event loop, so it is independent of the loop
under test (asyncio or trio); every wait is bounded in time, and ``close()`` stops
the listener, wakes every stalled handler, closes every socket and joins every thread.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Union

LOOPBACK = "127.0.0.1"
MAX_HEADER_BYTES = 64 * 1024
IDLE_TIMEOUT = 5.0
"""A kept-alive connection that sends nothing for this long is closed, as uvicorn and
Node close theirs (5 s), without saying so."""
MAX_STALL = 15.0
"""No action holds a connection longer than this, whatever a test asks."""


@dataclass(frozen=True)
class Recorded:
    """One request as the server received it."""

    method: str
    target: str
    """The request target exactly as on the request line (still percent-encoded)."""
    request_line: str
    headers: list[tuple[str, str]]
    body: bytes
    connection: int
    """Which connection (in accept order) carried it."""
    at: float
    """``time.monotonic()`` when its head had arrived."""
    wall: float
    """``time.time()`` at the same moment."""

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


# --- actions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Answer: ``body`` is bytes, text, or JSON-able data. ``delay`` waits before anything
    is sent; ``content_length`` overrides the true length (a longer one then closes: the
    body is cut short); ``chunked`` sends the body in ``chunk_size`` pieces, ``trickle``
    seconds apart, with no Content-Length."""

    status: int = 200
    body: object = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_length: int | None = None
    chunked: bool = False
    chunk_size: int = 16 * 1024
    trickle: float = 0.0
    close: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Reset:
    """Read the request, then reset the connection (RST) without a byte of response."""


@dataclass(frozen=True)
class Close:
    """Read the request, then close the connection cleanly without responding."""


@dataclass(frozen=True)
class Stall:
    """Read the request and send nothing for ``seconds`` (then close)."""

    seconds: float


@dataclass(frozen=True)
class Endless:
    """A response (200 unless ``status`` says otherwise) whose body streams ``total``
    bytes in ``chunk_size`` pieces, with a Content-Length (``declared=True``) or
    chunked; records whether the client hung up."""

    total: int
    declared: bool = False
    chunk_size: int = 64 * 1024
    status: int = 200


Action = Union[Reply, Reset, Close, Stall, Endless, Callable[[Recorded], "Action"]]


class ScriptedServer:
    """See the module docstring.

    ``idle_timeout``: a connection idle that long (on ``clock``) is closed. A request
    arriving on it at that moment (the keep-alive race) is dropped unanswered and
    counted in ``dropped``: the server had closed the connection as it came. A test
    may pass a virtual ``clock``, which it advances itself; the server then closes
    idle connections only as requests arrive.
    """

    def __init__(
        self,
        *script: Action,
        idle_timeout: float = IDLE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.requests: list[Recorded] = []
        self.dropped = 0
        """Requests that arrived on a connection the server had closed for idleness."""
        self._idle_timeout = idle_timeout
        self._clock = clock
        self._real_time = clock is time.monotonic
        """On a virtual clock, idle connections are closed only as requests arrive, so
        the test decides, deterministically, which side of the race each one is on."""
        self.hung_up: list[int] = []
        """Bytes of body written before the client hung up, per aborted ``Endless``."""
        self.errors: list[BaseException] = []
        self._hung_up_event = threading.Event()
        self._script: list[Action] = list(script) or [Reply()]
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepted = 0
        self._in_flight = 0
        self.peak_in_flight = 0
        """The most requests that were being answered at the same time."""
        self._conns: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(1024)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self._acceptor = threading.Thread(target=self._accept_loop, name="scripted-accept")
        self._acceptor.start()

    # --- the test's side ---

    def script(self, *actions: Action) -> None:
        """Replace the script and forget what was recorded."""
        with self._lock:
            self._script = list(actions) or [Reply()]
            self.requests.clear()
            self.hung_up.clear()

    def wait_for_requests(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests have arrived (or ``timeout``)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def wait_for_hang_up(self, timeout: float = 5.0) -> bool:
        """Block until a client has hung up on an ``Endless`` body (or ``timeout``)."""
        return self._hung_up_event.wait(timeout)

    @property
    def connections(self) -> int:
        """How many connections were accepted so far."""
        return self._accepted

    def close(self) -> None:
        self._stop.set()
        self._acceptor.join(5)
        # Wake every handler blocked in recv(); each then closes its own socket.
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()
        alive = [t.name for t in self._threads if t.is_alive()]
        assert not alive, f"server threads did not stop: {alive}"
        assert not self.errors, f"the scripted server failed: {self.errors!r}"

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the server's side ---

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            while not self._stop.is_set():
                if not selector.select(timeout=0.05):
                    continue
                try:
                    conn, _ = self._listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                with self._lock:
                    self._accepted += 1
                    number = self._accepted
                    # Finished handlers are forgotten, so a load test does not pile up threads.
                    self._threads = [t for t in self._threads if t.is_alive()]
                    thread = threading.Thread(
                        target=self._serve, args=(conn, number), name=f"scripted-{number}"
                    )
                    self._threads.append(thread)
                thread.start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        with self._lock:
            self._conns.add(conn)
        try:
            conn.setblocking(True)
            conn.settimeout(0.1)
            buffer = b""
            idle_since = self._clock()
            while not self._stop.is_set():
                request, buffer = self._read_request(conn, buffer, number, idle_since)
                if request is None:
                    return
                with self._lock:
                    index = len(self.requests)
                    self.requests.append(request)
                    self._arrived.notify_all()
                    action = self._script[min(index, len(self._script) - 1)]
                while callable(action):
                    action = action(request)
                with self._lock:
                    self._in_flight += 1
                    self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
                # Idle from the moment the answer is sent. On a virtual clock, read
                # before it goes out: a test advancing the clock as soon as it has
                # the answer must not overtake this thread.
                answered_at = self._clock()
                try:
                    keep_open = self._perform(conn, action, request)
                finally:
                    with self._lock:
                        self._in_flight -= 1
                if not keep_open:
                    return
                idle_since = self._clock() if self._real_time else answered_at
        except (ConnectionError, TimeoutError, OSError):
            return  # the client went away: that is what many tests are about
        except BaseException as exc:  # a bug in the server: fail the test, loudly
            self.errors.append(exc)
        finally:
            with self._lock:  # under the lock: close() must not shut down a reused fd
                self._conns.discard(conn)
                _close_quietly(conn)

    def _read_request(
        self, conn: socket.socket, buffer: bytes, number: int, idle_since: float
    ) -> tuple[Recorded | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > MAX_HEADER_BYTES:
                return None, b""
            chunk = self._recv(conn)
            idle = self._clock() - idle_since
            if chunk is None:
                if self._stop.is_set() or (
                    self._real_time and not buffer and idle >= self._idle_timeout
                ):
                    return None, b""
                continue
            if not chunk:
                return None, b""
            if not buffer and idle >= self._idle_timeout:
                with self._lock:
                    self.dropped += 1
                return None, b""  # closed for idleness as the request came: never read
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        request_line = lines[0]
        method, target, _version = request_line.split(" ", 2)
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
        while len(buffer) < length:
            chunk = self._recv(conn)
            if chunk is None:
                if self._stop.is_set():
                    return None, b""
                continue
            if not chunk:
                return None, b""
            buffer += chunk
        body, buffer = buffer[:length], buffer[length:]
        at, wall = time.monotonic(), time.time()
        return Recorded(method, target, request_line, headers, body, number, at, wall), buffer

    @staticmethod
    def _recv(conn: socket.socket) -> bytes | None:
        try:
            return conn.recv(65536)
        except TimeoutError:
            return None

    def _perform(self, conn: socket.socket, action: Action, request: Recorded) -> bool:
        """Carry out one action; return whether the connection stays open."""
        if isinstance(action, Reset):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if isinstance(action, Close):
            return False
        if isinstance(action, Stall):
            self._stop.wait(min(action.seconds, MAX_STALL))
            return False
        if isinstance(action, Endless):
            return self._endless(conn, action)
        assert isinstance(action, Reply), action
        if action.delay:
            self._stop.wait(min(action.delay, MAX_STALL))
            if self._stop.is_set():
                return False
        body = action.payload()
        head = [f"HTTP/1.1 {action.status} {_reason(action.status)}"]
        names = {k.lower() for k in action.headers}
        if "content-type" not in names and body and not isinstance(action.body, (bytes, str)):
            head.append("Content-Type: application/json")
        head.extend(f"{k}: {v}" for k, v in action.headers.items())
        if action.chunked:
            head.append("Transfer-Encoding: chunked")
        else:
            declared = len(body) if action.content_length is None else action.content_length
            head.append(f"Content-Length: {declared}")
        closing = action.close or (action.content_length or 0) > len(body)
        if closing:
            head.append("Connection: close")
        head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        if not action.chunked and not action.trickle:
            # One write: a head and body written apart meet Nagle's algorithm and the
            # client's delayed ACK, 40 ms per response.
            conn.sendall(head_bytes + body)
            return not closing and request.header("connection") != "close"
        conn.sendall(head_bytes)
        if action.chunked:
            for start in range(0, len(body), action.chunk_size):
                piece = body[start : start + action.chunk_size]
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                if action.trickle and self._stop.wait(action.trickle):
                    return False
            conn.sendall(b"0\r\n\r\n")
        elif action.trickle:
            for start in range(0, len(body), action.chunk_size):
                conn.sendall(body[start : start + action.chunk_size])
                if self._stop.wait(action.trickle):
                    return False
        else:
            conn.sendall(body)
        return not closing and request.header("connection") != "close"

    def _endless(self, conn: socket.socket, action: Endless) -> bool:
        head = [
            f"HTTP/1.1 {action.status} {_reason(action.status)}",
            "Content-Type: application/json",
        ]
        if action.declared:
            head.append(f"Content-Length: {action.total}")
        else:
            head.append("Transfer-Encoding: chunked")
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        piece = b"[" + b" " * (action.chunk_size - 1)
        sent = 0
        try:
            while sent < action.total and not self._stop.is_set():
                size = min(action.chunk_size, action.total - sent)
                data = piece[:size]
                conn.sendall(data if action.declared else b"%x\r\n%s\r\n" % (size, data))
                sent += size
        except OSError:
            with self._lock:
                self.hung_up.append(sent)
            self._hung_up_event.set()
            return False
        if not action.declared:
            conn.sendall(b"0\r\n\r\n")
        return False


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _close_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


def refused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bound, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


def serve(*script: Action) -> Iterator[ScriptedServer]:
    """A fixture body: yield a server, close it afterwards."""
    server = ScriptedServer(*script)
    try:
        yield server
    finally:
        server.close()
