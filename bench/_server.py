"""A tiny, fast HTTP/1.1 server on 127.0.0.1, in its own process, plain or over TLS.

It answers every request with the same JSON body, keeps connections alive (it never
closes an idle one), and does nothing else, so that the client side — the thing being
measured — is the bottleneck. ``served(body, certificates)`` starts it as
``python -m bench._server BODY_FILE [CERT_FILE KEY_FILE]`` and yields its base URL;
the child prints its port, then serves until its stdin closes, so it never outlives
the benchmark, and the parent kills it if it does not stop at once.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ._tls import Certificates

__all__ = ["serve", "served"]

_STARTUP_TIMEOUT = 30.0


class _Protocol(asyncio.Protocol):
    def __init__(self, response: bytes) -> None:
        self.response = response
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        # Only bodiless requests (GET) are expected: each head is one request.
        while (end := self.buffer.find(b"\r\n\r\n")) != -1:
            self.buffer = self.buffer[end + 4 :]
            assert self.transport is not None
            self.transport.write(self.response)


async def serve(body: bytes, tls: ssl.SSLContext | None = None) -> None:
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-dr-requestid: bench\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: _Protocol(response), "127.0.0.1", 0, backlog=2048, ssl=tls
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        # Serve until the parent closes our stdin (or dies).
        await loop.run_in_executor(None, sys.stdin.read)


@contextmanager
def served(body: bytes, certificates: Certificates | None = None) -> Iterator[str]:
    """Serve ``body`` from a separate process on 127.0.0.1; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as tmp:
        body_file = Path(tmp, "body.json")
        body_file.write_bytes(body)
        tls_args = [str(certificates.cert_file), str(certificates.key_file)] if certificates else []
        process = subprocess.Popen(
            [sys.executable, "-m", "bench._server", str(body_file), *tls_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        try:
            assert process.stdin is not None
            assert process.stdout is not None
            port = _read_port(process)
            yield f"{'https' if certificates else 'http'}://127.0.0.1:{port}"
        finally:
            if process.stdin is not None:
                process.stdin.close()  # the server's signal to stop
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            if process.stdout is not None:
                process.stdout.close()


def _read_port(process: subprocess.Popen[str]) -> int:
    """The port the child prints first; bounded, so a child that hangs cannot hang us."""
    from concurrent.futures import ThreadPoolExecutor

    assert process.stdout is not None
    pool = ThreadPoolExecutor(1)
    try:
        line = pool.submit(process.stdout.readline).result(timeout=_STARTUP_TIMEOUT)
    finally:
        pool.shutdown(wait=False)  # on a timeout the caller kills the child, ending readline
    if not line.strip():
        raise RuntimeError(f"the bench server exited before serving (code {process.poll()})")
    return int(line)


def _main(argv: list[str]) -> None:
    tls = None
    if len(argv) == 3:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(argv[1], argv[2])
    asyncio.run(serve(Path(argv[0]).read_bytes(), tls))


if __name__ == "__main__":
    _main(sys.argv[1:])
