"""Serve a sandbox over real HTTP from a background thread (for tests).

::

    with serve_in_thread(sandbox) as base_url:   # "http://127.0.0.1:<port>"
        httpx.get(base_url + "/checkouts", headers=...)

The server binds ``127.0.0.1`` only, on a port the OS picks, and is shut down
(and its thread joined) when the block exits.  It runs its own asyncio loop,
so the calling code may use asyncio, trio or no event loop at all.

Idle kept-alive connections stay open :data:`KEEP_ALIVE_TIMEOUT` seconds, and
every response says so (``Keep-Alive: timeout=30``), as ``python -m
tillpoint.sandbox`` does too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._sandbox import Sandbox

__all__ = ["KEEP_ALIVE_TIMEOUT", "serve_in_thread", "server_options"]

LOOPBACK = "127.0.0.1"
KEEP_ALIVE_TIMEOUT = 30
"""Seconds the server keeps an idle connection open (uvicorn's default is 5).

Well above the 5 s for which httpx keeps an idle connection, so the client lets
a connection go before the server closes it: a request is never written onto a
connection the server is closing at that moment (an ambiguous failure for a
create). Clients that honour the advertised ``Keep-Alive`` hint can rely on it.
"""


def server_options(keep_alive_timeout: int = KEEP_ALIVE_TIMEOUT) -> dict[str, Any]:
    """uvicorn settings for the idle timeout and the ``Keep-Alive`` header announcing it.

    One value feeds both, so what the server advertises is what it does.
    """
    return {
        "timeout_keep_alive": keep_alive_timeout,
        "headers": [("Keep-Alive", f"timeout={keep_alive_timeout}")],
    }


@contextmanager
def serve_in_thread(
    sandbox: Sandbox,
    *,
    startup_timeout: float = 10.0,
    keep_alive_timeout: int = KEEP_ALIVE_TIMEOUT,
) -> Iterator[str]:
    """Serve ``sandbox`` on ``127.0.0.1`` (a free port) for the block; yields its base URL.

    ``keep_alive_timeout`` is how long an idle connection stays open, and what every
    response advertises as ``Keep-Alive: timeout=N``. Raises ``TimeoutError`` when the
    server has not started within ``startup_timeout`` seconds.
    """
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
        **server_options(keep_alive_timeout),
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
