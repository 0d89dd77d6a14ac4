"""Idle connections are dropped before the server drops them: no keep-alive race.

A server closes a connection it has kept idle for its keep-alive timeout (uvicorn,
Node and many proxies: 5 s). A request written onto that connection just as the
server closes it never reaches the server, but the client cannot tell that from a
request the server received and then failed on: for a create, that is an
ambiguous failure tillpoint must not retry. The client therefore has to give up
an idle connection first:

* by default after ``keepalive_expiry`` (4 s, under the common 5 s);
* sooner when the server says when it will close (``Keep-Alive: timeout=N``): at
  ``N`` less a safety margin, as undici does, and not at all when the margin leaves
  nothing.

httpcore applies one idle expiry to every connection of a pool, fixed when the
connection is made; the pool built here lets each HTTP/1.1 connection take the
expiry its server's last response asked for. (HTTP/2 has no ``Keep-Alive`` header.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import httpcore

__all__ = ["SAFETY_MARGIN", "honour_keep_alive", "idle_expiry", "keep_alive_timeout"]

T = TypeVar("T")

SAFETY_MARGIN = 1.0
"""Seconds an idle connection is given up before the server's advertised timeout:
the server counts from when it sent its response, the client from when it read it."""


def keep_alive_timeout(value: str | None) -> float | None:
    """The ``timeout`` of a ``Keep-Alive`` header value, in seconds; ``None`` if absent or bad."""
    if not value:
        return None
    for part in value.split(","):
        name, _, number = part.partition("=")
        if name.strip().lower() == "timeout":
            try:
                seconds = float(number.strip().strip('"'))
            except ValueError:
                return None
            return seconds if 0 <= seconds < float("inf") else None
    return None


def idle_expiry(advertised: float | None, default: float) -> float:
    """How long a connection may stay idle, given the server's advertised timeout.

    ``0`` means: do not reuse it once idle (the margin leaves nothing).
    """
    if advertised is None:
        return default
    return max(0.0, min(default, advertised - SAFETY_MARGIN))


def honour_keep_alive(transport: T) -> T:
    """httpx's own ``transport`` (async or sync), its pool made to honour each server's
    ``Keep-Alive`` hint; any other transport is returned as it is."""
    pool: Any = getattr(transport, "_pool", None)
    hinted = _hinted_pools().get(type(pool))
    if hinted is not None:
        # The pool httpx configured (TLS, limits), given our connection class.
        pool.__class__ = hinted
    return transport


_hinted: dict[type[Any], type[Any]] = {}


def _hinted_pools() -> dict[type[Any], type[Any]]:
    """httpcore's pool classes, each to its hint-honouring subclass (made on first use)."""
    if not _hinted:
        import httpcore

        class HintedAsyncConnection(httpcore.AsyncHTTPConnection):
            async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
                response = await super().handle_async_request(request)
                _apply_hint(self, response)
                return response

        class HintedConnection(httpcore.HTTPConnection):
            def handle_request(self, request: httpcore.Request) -> httpcore.Response:
                response = super().handle_request(request)
                _apply_hint(self, response)
                return response

        class HintedAsyncPool(httpcore.AsyncConnectionPool):
            def create_connection(self, origin: httpcore.Origin) -> Any:
                return _hinted_connection(super().create_connection(origin))

        class HintedPool(httpcore.ConnectionPool):
            def create_connection(self, origin: httpcore.Origin) -> Any:
                return _hinted_connection(super().create_connection(origin))

        _connections.update(
            {
                httpcore.AsyncHTTPConnection: HintedAsyncConnection,
                httpcore.HTTPConnection: HintedConnection,
            }
        )
        _hinted.update(
            {httpcore.AsyncConnectionPool: HintedAsyncPool, httpcore.ConnectionPool: HintedPool}
        )
    return _hinted


_connections: dict[type[Any], type[Any]] = {}


def _hinted_connection(connection: Any) -> Any:
    # A direct connection, exactly as httpcore made it, given the hint-reading
    # subclass (a proxy's connection classes are left as they are).
    hinted = _connections.get(type(connection))
    if hinted is not None:
        connection.__class__ = hinted
    return connection


def _apply_hint(connection: Any, response: httpcore.Response) -> None:
    """Give ``connection`` the idle expiry its server's ``Keep-Alive`` header asks for.

    httpcore reads the HTTP/1.1 connection's expiry when the response is closed, to
    set when the idle connection expires: set now, it applies to the idle time after
    this response.
    """
    advertised = keep_alive_timeout(_header(response.headers, b"keep-alive"))
    http11 = getattr(connection, "_connection", None)
    if advertised is not None and hasattr(http11, "_keepalive_expiry"):
        default = connection._keepalive_expiry
        http11._keepalive_expiry = idle_expiry(  # type: ignore[union-attr]
            advertised, float("inf") if default is None else default
        )


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
