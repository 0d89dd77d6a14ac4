"""A tiny, fast HTTP/1.1 server for the throughput benchmark (127.0.0.1 only).

It answers every request with the same JSON body, keeps connections alive, and does
nothing else, so that the client side — the thing being measured — is the
bottleneck. Run it as ``python -m bench._server BODY_FILE``: it prints its port,
then serves until its stdin closes (so it never outlives the benchmark).
"""

from __future__ import annotations

import asyncio
import sys

__all__ = ["serve"]


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


async def serve(body: bytes, ready: asyncio.Future[int] | None = None) -> None:
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-dr-requestid: bench\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(response), "127.0.0.1", 0, backlog=2048)
    port = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready.set_result(port)
    else:
        print(port, flush=True)
    async with server:
        # Serve until the parent closes our stdin (or dies).
        await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as file:
        asyncio.run(serve(file.read()))
