"""Serve a sandbox over real HTTP from a background thread (for tests).

::

    with serve_in_thread(sandbox) as base_url:   # "http://127.0.0.1:<port>"
        httpx.get(base_url + "/checkouts", headers=...)

The server binds ``127.0.0.1`` only, on a port the OS picks, and is shut down
(and its thread joined) when the block exits.  It runs its own asyncio loop,
so the calling code may use asyncio, trio or no event loop at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._sandbox import Sandbox

__all__ = ["serve_in_thread"]

LOOPBACK = "127.0.0.1"


@contextmanager
def serve_in_thread(sandbox: Sandbox, *, startup_timeout: float = 10.0) -> Iterator[str]:
    import uvicorn

    config = uvicorn.Config(
        sandbox.app,
        host=LOOPBACK,
        port=0,  # Let the OS choose a free port; read it back below.
        http="h11",
        ws="none",
        lifespan="off",
        log_config=None,  # Leave the host application's logging configuration alone.
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="tillpoint-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped during start-up")
        if time.monotonic() > deadline:
            server.should_exit = True
            thread.join(startup_timeout)
            raise TimeoutError("the sandbox server did not start in time")
        time.sleep(0.005)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(startup_timeout)
