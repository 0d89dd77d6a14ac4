"""What goes on the wire for one attempt, built without I/O: URL, headers, timeout.

Shared by every driver of the retry loop, so a request looks the same whichever
one sends it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

import httpx

from ._inflate import ACCEPT_ENCODING
from ._version import __version__

__all__ = ["USER_AGENT", "base_headers", "join_url", "timeout_for", "with_auth"]

USER_AGENT = (
    f"tillpoint/{__version__} python/{'.'.join(map(str, sys.version_info[:3]))} "
    f"httpx/{httpx.__version__}"
)


def base_headers(headers: Mapping[str, str], *, has_body: bool) -> dict[str, str]:
    """The headers every attempt of a call sends: tillpoint's, then the operation's."""
    # Only the codings tillpoint decodes within max_response_bytes (see _inflate).
    built = {
        "User-Agent": USER_AGENT,
        "Accept": "application/json",
        "Accept-Encoding": ACCEPT_ENCODING,
        **headers,
    }
    if has_body:
        built["Content-Type"] = "application/json"
    return built


def with_auth(
    base: dict[str, str], token: str | None, caller_headers: Mapping[str, str] | None
) -> dict[str, str]:
    """One attempt's headers: ``base``, the token's ``Authorization``, then the caller's.

    The caller's per-call ``http_headers`` come last, so they win over everything.
    """
    headers = dict(base)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if caller_headers:
        headers.update(caller_headers)
    return headers


# httpx.Timeout is immutable, and a process uses a handful of timeouts: make each once.
_timeouts: dict[float, httpx.Timeout] = {}


def timeout_for(seconds: float) -> httpx.Timeout:
    """httpx's timeout for an attempt of ``seconds`` (each network operation)."""
    timeout = _timeouts.get(seconds)
    if timeout is None:
        if len(_timeouts) >= 64:  # timeouts computed per call: stay bounded
            _timeouts.clear()
        timeout = _timeouts[seconds] = httpx.Timeout(seconds)
    return timeout


_parsed_servers: dict[str, tuple[httpx.URL, str] | None] = {}
"""Server URL → (its parsed form, its raw path without a trailing slash), or ``None``
when paths cannot simply be joined to it."""


def _parse_server(server_url: str) -> tuple[httpx.URL, str] | None:
    server = httpx.URL(server_url)
    reference = getattr(server, "_uri_reference", None)
    if not hasattr(reference, "_replace") or server.query or server.fragment:
        return None  # a query to keep, or an httpx without this internal structure
    return server, reference.path.rstrip("/")  # type: ignore[union-attr]


def join_url(server_url: str, path: str) -> httpx.URL | str:
    """``server_url + path`` as an ``httpx.URL``, without parsing it all again.

    httpx parses and validates every URL string character by character (~9 µs, a
    tenth of an in-memory call). The server URL is parsed once here, and the path
    joined to it directly: an operation's path is a template whose parameters
    ``Operation`` has percent-encoded, so it is already what httpx's validation
    would produce (``tests/test_operations.py`` checks the two agree). Anything
    unexpected takes the plain string.
    """
    if server_url in _parsed_servers:
        parsed = _parsed_servers[server_url]
    else:
        if len(_parsed_servers) >= 64:  # per-call server_url overrides: stay bounded
            _parsed_servers.clear()
        parsed = _parsed_servers[server_url] = _parse_server(server_url)
    if (
        parsed is None
        or not path.startswith("/")
        or not path.isascii()
        or not path.isprintable()
        or "?" in path
        or "#" in path
    ):
        return server_url + path
    server, base_path = parsed
    url = httpx.URL(server)
    url._uri_reference = server._uri_reference._replace(path=base_path + path)
    return url
