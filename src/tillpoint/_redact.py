"""What may be said about a response and a secret, with no other tillpoint import.

A leaf module: the transport, the operations, logging and results all need these,
and none of them may need each other to get them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["ERROR_BODY_LIMIT", "redact", "redact_headers", "request_id_of", "shorten"]

ERROR_BODY_LIMIT = 64 * 1024
"""Characters of an error body an error keeps (``body``): enough for any real error."""


def request_id_of(response: httpx.Response | None) -> str | None:
    """The server's request id: Digital River's ``x-dr-requestid`` (or ``x-request-id``)."""
    if response is None:
        return None
    headers = response.headers
    request_id: str | None = headers.get("x-dr-requestid") or headers.get("x-request-id")
    return request_id


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` masked: a server may echo the token back in an error body."""
    if secret and len(secret) >= 4 and secret in text:
        return text.replace(secret, "[REDACTED]")
    return text


def redact_headers(headers: httpx.Headers, secret: str | None) -> httpx.Headers:
    """``headers`` with every value equal to or containing ``secret`` masked.

    A misconfigured gateway may echo the ``Authorization`` header back; an error
    keeps the response's headers, and must not keep the token with them.
    """
    if not secret or len(secret) < 4 or not any(secret in v for v in headers.values()):
        return headers
    import httpx

    return httpx.Headers([(k, redact(v, secret)) for k, v in headers.multi_items()])


def shorten(text: str, limit: int) -> str:
    """``text``, cut to about ``limit`` characters, saying so and how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [cut: {len(text):,} characters in all]"
