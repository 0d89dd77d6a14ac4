"""Building and sending a request without the parts of httpx's client that would do nothing.

``client.build_request`` merges the client's headers, cookies and query parameters
into a request, and ``client.send`` wraps the transport's answer in machinery for
auth flows, redirects, event hooks and cookies. For a client that has none of those
— every client tillpoint makes, and most a caller passes — that machinery changes
nothing but costs more than the rest of tillpoint's own work on a call: in memory,
``client.send`` and a body read took 66 µs against 29 µs for the same request built,
handed to ``client._transport_for_url(url)`` and read (``timeit``, best of 5 × 5,000;
``build_request`` 17 µs of the 29).

``plain(client)`` says, per attempt, whether the client is such a client; if so
``build_request`` and ``send_async``/``send_sync`` do exactly what httpx's own would
have done with it — the same headers in the same order, the transport its mounts
and proxies choose, ``response.request``, ``elapsed``, ``default_encoding``,
``next_request`` on a redirect, a cookie the server sets kept in the client's jar
(whose next request then takes httpx's own path), httpx's ``HTTP Request:`` log
line, and the same error for a closed client. Any other client goes through
httpx's own methods. So does every client if this httpx lacks the internals used
here (they are checked once, on import).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union

import httpx

__all__ = ["build_request", "plain", "send_async", "send_sync"]

if TYPE_CHECKING:
    Client = Union[httpx.AsyncClient, httpx.Client]
    Params = list[tuple[str, str | int | float | bool | None]] | None

try:  # httpx's own stream wrappers: they set response.elapsed when the body is closed
    from httpx._client import BoundAsyncStream, BoundSyncStream, ClientState

    _CLOSED = ClientState.CLOSED
    _OPENED = ClientState.OPENED
    _PLAIN_TYPES: tuple[type[Any], ...] = tuple(
        kind
        for kind in (httpx.AsyncClient, httpx.Client)
        if all(
            hasattr(kind, name)
            for name in ("_transport_for_url", "_build_redirect_request", "_set_timeout")
        )
    )
except ImportError:  # pragma: no cover - another httpx layout: always httpx's own path
    _PLAIN_TYPES = ()

_httpx_logger = logging.getLogger("httpx")
_CLOSED_MESSAGE = "Cannot send a request, as the client has been closed."
_SYNC_REQUEST = "Attempted to send an sync request with an AsyncClient instance."
_ASYNC_REQUEST = "Attempted to send an async request with a sync Client instance."


def plain(client: Client) -> bool:
    """Whether ``client`` has nothing of its own for httpx's ``build_request`` and
    ``send`` to add: no auth, event hooks, cookies or query parameters, and it is
    exactly httpx's class (a subclass may override either method)."""
    try:
        return (
            type(client) in _PLAIN_TYPES
            and client._auth is None
            and not client._event_hooks["request"]
            and not client._event_hooks["response"]
            and not client._cookies
            and not client._params
        )
    except (AttributeError, KeyError):  # pragma: no cover - another httpx layout
        return False


def build_request(
    client: Client,
    method: str,
    url: httpx.URL | str,
    *,
    params: Params,
    content: bytes | None,
    headers: dict[str, str],
    timeout: httpx.Timeout,
) -> httpx.Request:
    """What ``client.build_request`` returns for these arguments (``url`` absolute)."""
    if not plain(client):
        return client.build_request(
            method, url, params=params, content=content, headers=headers, timeout=timeout
        )
    full_url = httpx.URL(url) if params is None else httpx.URL(url, params=params)
    body = content or b""
    request = httpx.Request(
        method,
        full_url,
        headers=_prepared(client.headers, headers, method.upper(), full_url, body),
        stream=httpx.ByteStream(body),
        extensions={"timeout": timeout.as_dict()},
    )
    request.read()  # as httpx does for content given as bytes: request.content works
    return request


def _prepared(
    defaults: httpx.Headers, headers: Mapping[str, str], method: str, url: httpx.URL, body: bytes
) -> list[tuple[Any, Any]]:
    """The headers httpx would send: the client's ``defaults`` updated with ``headers``
    (a default set again is dropped, the request's come last: ``Headers.update``),
    then what ``httpx.Request`` adds for a body given as bytes, where it adds it.

    httpx's own way tests each name by catching a ``KeyError`` and normalises every
    header twice: for four defaults and six headers, ``build_request`` took 17 µs
    against 3.4 µs for a request made from these (``timeit``, best of 7 × 20,000;
    ``tests/test_direct_send.py`` checks with hypothesis that the two agree).
    """
    present = {name.lower() for name in headers}
    prepared: list[tuple[Any, Any]] = []
    for name, value in defaults.raw:
        lowered = name.decode("latin-1").lower()
        if lowered not in present:
            prepared.append((name, value))
    present.update(name.decode("latin-1").lower() for name, _ in prepared)
    prepared.extend(headers.items())
    if body and "content-length" not in present:
        prepared.append(("Content-Length", str(len(body))))
        present.add("content-length")
    auto: list[tuple[Any, Any]] = []
    if "host" not in present and url.host:
        auto.append((b"Host", url.netloc))
    if (
        "content-length" not in present
        and "transfer-encoding" not in present
        and method in ("POST", "PUT", "PATCH")
    ):
        auto.append((b"Content-Length", b"0"))
    return auto + prepared if auto else prepared


def _ready(
    client: Client, request: httpx.Request, streams: type[Any], wrong_stream: str
) -> tuple[Any, float] | None:
    """The transport for ``request`` and the time it is handed over, as ``client.send``
    gets them, with the checks it makes first; ``None`` when user:password in the URL
    asks for httpx's basic auth (its ``send`` then does it all)."""
    if client._state is _CLOSED:
        raise RuntimeError(_CLOSED_MESSAGE)  # what client.send raises
    if request.url.userinfo:
        return None
    client._state = _OPENED
    client._set_timeout(request)
    if not isinstance(request.stream, streams):
        raise RuntimeError(wrong_stream)
    return client._transport_for_url(request.url), time.perf_counter()


async def send_async(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """``client.send(request, stream=True, follow_redirects=False)``, for a plain client."""
    ready = _ready(client, request, httpx.AsyncByteStream, _SYNC_REQUEST)
    if ready is None:
        return await client.send(request, stream=True, follow_redirects=False)
    try:
        response: httpx.Response = await ready[0].handle_async_request(request)
    except httpx.RequestError as exc:
        exc.request = request
        raise
    if (failure := _received(client, request, response, BoundAsyncStream, ready[1])) is not None:
        await response.aclose()  # as httpx does: the response is nobody else's to close
        raise failure
    return response


def send_sync(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """``client.send(request, stream=True, follow_redirects=False)``, for a plain client."""
    ready = _ready(client, request, httpx.SyncByteStream, _ASYNC_REQUEST)
    if ready is None:
        return client.send(request, stream=True, follow_redirects=False)
    try:
        response: httpx.Response = ready[0].handle_request(request)
    except httpx.RequestError as exc:
        exc.request = request
        raise
    if (failure := _received(client, request, response, BoundSyncStream, ready[1])) is not None:
        response.close()
        raise failure
    return response


def _received(
    client: Client,
    request: httpx.Request,
    response: httpx.Response,
    bound: type[Any],
    start: float,
) -> BaseException | None:
    """What httpx's client does to every response it receives, when not following it;
    what went wrong doing it, for the caller to close the response and raise."""
    try:
        # httpx's own wrapper: it sets response.elapsed as the body is closed
        response.stream = bound(response.stream, response=response, start=start)
        response.request = request
        if "set-cookie" in response.headers:  # (extract_cookies costs ~6 µs even with none)
            client.cookies.extract_cookies(response)
        response.default_encoding = client._default_encoding
        if _httpx_logger.isEnabledFor(logging.INFO):
            _httpx_logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        if response.has_redirect_location:
            response.next_request = client._build_redirect_request(request, response)
    except BaseException as failure:  # raised again by the caller, once it has closed
        return failure
    return None
