"""A sync ``httpx`` transport that serves requests from an ASGI app, in-process.

httpx ships an async ASGI transport only, so ``tillpoint.sync`` calls on
``Sandbox().core()`` had nothing to go through. Here each request runs the app to its
end on an event loop of its own: a fresh asyncio loop in the calling thread, which a
sync call leaves blocked anyway (so it works with no event loop anywhere, and from any
thread), or on a short-lived worker thread when that thread is already running an
asyncio loop (``asyncio.run`` refuses to nest). The sandbox's state is guarded by
thread locks, not by a loop, so requests on different loops share it safely.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import Coroutine

__all__ = ["SyncASGITransport"]


class SyncASGITransport(httpx.BaseTransport):
    """``httpx.Client(transport=SyncASGITransport(app))``: the app answers in-process."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # Read, the request's body is an httpx.ByteStream: async-readable by the app too.
        request.read()
        status, headers, content = _run(self._exchange(request))
        # The body as the app sent it (still coded, if it was): the client decodes it.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content))

    async def _exchange(
        self, request: httpx.Request
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._asgi.handle_async_request(request)
        content = b"".join([chunk async for chunk in response.stream])  # type: ignore[union-attr]
        return response.status_code, response.headers.raw, content


def _run(work: Coroutine[Any, Any, Any]) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(1, thread_name_prefix="tillpoint-sandbox") as worker:
        return worker.submit(asyncio.run, work).result()
