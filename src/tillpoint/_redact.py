"""What may be said about a response and a secret, with no other tillpoint import.

A leaf module: the transport, the operations, logging and results all need these,
and none of them may need each other to get them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["redact", "request_id_of"]


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
