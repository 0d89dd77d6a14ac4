"""The checks ``Operation.prepare`` makes before anything is sent, written once.

Each refuses a mistake with ``InvalidRequestError`` naming the parameter at fault and
saying how to fix it, so the caller gets an ``Err`` instead of a 401 from the server,
a silently ignored option, or a traceback from httpx or h11 (docs/errors.md lists
them under "Common mistakes").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import _io
from .._transport import closed_client_error
from ..errors import InvalidRequestError

if TYPE_CHECKING:
    from ..core import TillpointCore
    from ._options import RequestOptions

__all__ = ["check_auth", "check_options", "header_value", "require_id"]

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""What a header name may be (RFC 9110's ``token``)."""


def require_id(value: object, name: str) -> str:
    """Check a path parameter: a non-blank string that UTF-8 can encode."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            f"{name} must be a non-empty string, got {value!r}", parameter=name
        )
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, from a bad decode upstream
            raise InvalidRequestError(
                f"{name} cannot be sent: {value!r} is not valid Unicode (a lone surrogate); "
                "decode it with errors='strict' where it came from",
                parameter=name,
            ) from None
    return value


def header_value(value: object, name: str) -> str:
    """Check a value sent as a header: a non-blank printable-ASCII string."""
    # httpx would raise its own error (or h11 a protocol error) for a value that
    # cannot be a header; say which parameter was wrong instead.
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            f"{name} must be a non-empty string, got {value!r}", parameter=name
        )
    if not _header_safe(value):
        raise InvalidRequestError(
            f"{name} must be printable ASCII without leading or trailing spaces (it is "
            f"sent as a header), got {value!r}",
            parameter=name,
        )
    return value


def _header_safe(text: str) -> bool:
    # isprintable() refuses CR, LF, tab and every other control character; HTTP
    # trims spaces around a value (and h11 refuses to send them).
    return text.isascii() and text.isprintable() and text == text.strip(" ")


def check_options(options: RequestOptions) -> None:
    """Check the per-call options every function takes (the keywords are known)."""
    timeout_ms = options.get("timeout_ms")
    if timeout_ms is not None and (
        isinstance(timeout_ms, bool) or not isinstance(timeout_ms, int) or timeout_ms <= 0
    ):
        raise InvalidRequestError(
            f"timeout_ms must be a positive number of milliseconds, got {timeout_ms!r}; "
            "leave it out (or pass None) for the core's timeout",
            parameter="timeout_ms",
        )
    headers = options.get("http_headers")
    if headers is not None:
        _check_headers(headers)
    retries = options.get("retries")
    if retries is not None:
        from ..retries import RetryConfig

        if not isinstance(retries, RetryConfig):
            raise InvalidRequestError(
                f"retries must be a RetryConfig, got {type(retries).__name__}; "
                "e.g. retries=RetryConfig.none()",
                parameter="retries",
            )


def _check_headers(headers: object) -> None:
    if not isinstance(headers, Mapping):
        raise InvalidRequestError(
            f"http_headers must be a mapping of header names to values, got "
            f"{type(headers).__name__}",
            parameter="http_headers",
        )
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise InvalidRequestError(
                f"http_headers: {name!r} is not a header name (ASCII letters, digits and "
                "the punctuation RFC 9110 allows, no spaces)",
                parameter="http_headers",
            )
        if not isinstance(value, str) or not _header_safe(value):
            raise InvalidRequestError(
                f"http_headers[{name!r}] must be a printable-ASCII string (no CR, LF, "
                f"other control characters, or spaces around it), got {value!r}",
                parameter="http_headers",
            )


def check_auth(core: TillpointCore, options: RequestOptions) -> None:
    """Refuse a call that would go out without credentials, or through a closed client."""
    client = core._pool.callers(blocking=_io.driver.get().blocking)
    if client is not None and client.is_closed:
        raise closed_client_error(client)
    if core.bearer_auth is not None and core.bearer_auth != "":
        return
    # Credentials tillpoint does not see: a header the caller sets, a before_request
    # hook that signs requests, or the caller's client's own auth.
    headers = options.get("http_headers")
    if headers and any(name.lower() == "authorization" for name in headers):
        return
    if core.hooks.before_request or (client is not None and client.auth is not None):
        return
    raise InvalidRequestError(
        "no bearer token: pass bearer_auth= to TillpointCore (a token, or a callable "
        "returning one) or set the TILLPOINT_BEARER_AUTH environment variable",
        parameter="bearer_auth",
    )
