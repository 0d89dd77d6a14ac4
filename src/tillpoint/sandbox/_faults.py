"""Fault injection, so users can test their own retry and timeout handling.

Two ways to inject a fault:

1. **Armed rules** (``POST /sandbox/faults``; no auth needed).  The body::

       {"match": {"method": "GET", "path": "/checkouts/*"},
        "status": 503, "retry_after": "1", "retry_after_ms": 1000,
        "delay_ms": 250, "drop_connection": false, "drop_after_commit": false,
        "count": 2, "body": {...}}

   arms a rule: the next ``count`` (default 1) requests that match get the
   fault, then the rule disarms itself.  ``match.method`` is case-insensitive
   and optional; ``match.path`` is an exact path, or a prefix when it ends in
   ``*``; an absent ``match`` matches every API request.  Rules are consulted
   in the order they were armed, and one request consumes at most one rule.
   ``GET /sandbox/faults`` lists the armed rules with their remaining counts;
   ``DELETE /sandbox/faults`` disarms them all.  From Python:
   ``sandbox.faults.add({...})`` and ``sandbox.faults.clear()``.

2. **A per-request header**: ``x-sandbox-fault: status=503;retry_after=1``
   applies to that request only.  Keys: ``status``, ``retry_after``,
   ``retry_after_ms``, ``delay_ms``, ``drop_connection`` and
   ``drop_after_commit`` (both ``true``/``1``).
   A header beats any armed rule (and does not consume one).

What a fault does, in this order:

* ``delay_ms``: sleep first (``anyio.sleep``, so it works under asyncio and trio).
* ``drop_connection``: answer nothing.  Under a real server (uvicorn, e.g.
  ``serve_in_thread`` or ``python -m tillpoint.sandbox``) the TCP connection
  is aborted, so the client sees the server disconnect without a response.
  In-process (``httpx.ASGITransport``) there is no socket to drop, so the app
  raises ``httpx.RemoteProtocolError``, which the transport re-raises in the
  client: both surface as an ``httpx.TransportError``.
* ``drop_after_commit``: handle the request as usual — a create is stored, an
  update applied — then drop the connection instead of sending the answer.  The
  client cannot tell this from ``drop_connection`` (the request may or may not
  have been acted on), which is what an exactly-once create must cope with:
  only looking the checkout up (``upstreamIds``) tells the two apart.  It
  cannot be combined with ``status`` or ``drop_connection``.
* ``status``: answer with that status and an error body in the API's own
  dialect (DR ``{"type", "errors"}`` or Gr4vy ``{"type": "error", ...}``), or
  with ``body`` verbatim when given; ``retry_after`` becomes the
  ``Retry-After`` header and ``retry_after_ms`` the ``retry-after-ms`` header.
* Only a delay: after sleeping, the request is handled normally.

The sandbox's own ``/sandbox/...`` control routes are never faulted.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel

from ._dr_schema import Anything, Boolean, IdLike, Integer, Object, Text, invalid
from ._errors import ApiError, dr_bad_request, error_body_for, gr4vy_body, is_gr4vy_path
from ._json import dumps

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FAULT_HEADER", "Fault", "FaultMiddleware", "FaultRegistry", "parse_fault_header"]

FAULT_HEADER = "x-sandbox-fault"
CONTROL_PREFIX = "/sandbox/"

_RULE_SPEC = Object(
    {
        "match": Object({"method": Text(), "path": Text()}),
        "status": Integer(minimum=200),
        "retry_after": IdLike(),
        "retry_after_ms": Integer(minimum=0),
        "delay_ms": Integer(minimum=0),
        "drop_connection": Boolean(),
        "drop_after_commit": Boolean(),
        "count": Integer(minimum=1),
        "body": Anything(),
    }
)


@dataclass
class Fault:
    status: int | None = None
    retry_after: str | None = None
    retry_after_ms: int | None = None
    delay_ms: int | None = None
    drop_connection: bool = False
    drop_after_commit: bool = False
    body: Any = None
    has_body: bool = False

    def validate(self) -> None:
        if not (
            self.status is not None
            or self.delay_ms
            or self.drop_connection
            or self.drop_after_commit
        ):
            raise dr_bad_request(
                "missing_parameter",
                "A fault needs at least one of 'status', 'delay_ms', 'drop_connection' "
                "or 'drop_after_commit'.",
                "status",
            )
        if self.drop_after_commit and (self.status is not None or self.drop_connection):
            raise invalid(
                "drop_after_commit",
                True,
                "'drop_after_commit' cannot be combined with 'status' or 'drop_connection'.",
            )
        if self.status is not None and not 200 <= self.status <= 599:
            raise invalid("status", self.status, "'status' must be between 200 and 599.")


@dataclass
class FaultRule:
    fault: Fault
    method: str | None
    path: str | None
    remaining: int
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None:
            return True
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "match": {"method": self.method, "path": self.path},
            "count": self.remaining,
            "status": self.fault.status,
            "retry_after": self.fault.retry_after,
            "retry_after_ms": self.fault.retry_after_ms,
            "delay_ms": self.fault.delay_ms,
            "drop_connection": self.fault.drop_connection,
            "drop_after_commit": self.fault.drop_after_commit,
        }
        if self.fault.has_body:
            body["body"] = self.fault.body
        return body


class FaultRegistry:
    """Armed rules; thread-safe because tests may arm them from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def add(self, spec: Any) -> dict[str, Any]:
        checked = _RULE_SPEC.check(spec, "")
        fault = Fault(
            status=checked.get("status"),
            retry_after=checked.get("retry_after"),
            retry_after_ms=checked.get("retry_after_ms"),
            delay_ms=checked.get("delay_ms"),
            drop_connection=checked.get("drop_connection", False),
            drop_after_commit=checked.get("drop_after_commit", False),
            body=checked.get("body"),
            has_body="body" in checked,
        )
        fault.validate()
        match = checked.get("match", {})
        rule = FaultRule(
            fault=fault,
            method=match.get("method"),
            path=match.get("path"),
            remaining=checked.get("count", 1),
        )
        with self._lock:
            self._rules.append(rule)
        return rule.to_json()

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, consuming one use of the first matching rule."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule.fault
        return None


_TRUE = {"1", "true", "yes", "on"}


def parse_fault_header(value: str) -> Fault:
    """Parse ``status=503;retry_after=1;delay_ms=10;drop_connection=true``.

    ``drop_after_commit=true`` stands alone (or with ``delay_ms``)."""
    fault = Fault()
    for part in value.split(";"):
        if not part.strip():
            continue
        key, sep, raw = part.partition("=")
        key, raw = key.strip().lower(), raw.strip()
        try:
            if not sep:
                raise ValueError(part)
            if key == "status":
                fault.status = int(raw)
            elif key == "retry_after":
                fault.retry_after = raw
            elif key == "retry_after_ms":
                fault.retry_after_ms = int(raw)
            elif key == "delay_ms":
                fault.delay_ms = int(raw)
            elif key == "drop_connection":
                fault.drop_connection = raw.lower() in _TRUE
            elif key == "drop_after_commit":
                fault.drop_after_commit = raw.lower() in _TRUE
            else:
                raise ValueError(part)
        except ValueError:
            raise invalid(
                FAULT_HEADER, value, f"'{part.strip()}' is not a valid {FAULT_HEADER} setting."
            ) from None
    if (fault.retry_after_ms or 0) < 0 or (fault.delay_ms or 0) < 0:
        raise invalid(FAULT_HEADER, value)
    fault.validate()
    return fault


async def _drop_connection(send: Send) -> None:
    # uvicorn hands the app the bound ``send`` of its request/response cycle,
    # which owns the socket's transport; aborting it drops the connection with
    # no response at all.
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    if transport is not None and callable(getattr(transport, "abort", None)):
        transport.abort()
        # Let the server process connection_lost before we return, so it knows
        # the client is gone and does not try to send a 500 instead.
        for _ in range(3):
            await anyio.lowlevel.checkpoint()
        return
    import httpx

    raise httpx.RemoteProtocolError(
        "Server disconnected without sending a response (tillpoint sandbox drop_connection fault)."
    )


async def _send_json(
    send: Send, status: int, body: Any, headers: list[tuple[bytes, bytes]]
) -> None:
    payload = dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class FaultMiddleware:
    """Outermost ASGI middleware: it must see uvicorn's own ``send``."""

    def __init__(self, app: ASGIApp, registry: FaultRegistry) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        extra = _request_id_header(path)
        try:
            header = headers.get(FAULT_HEADER)
            fault = (
                parse_fault_header(header)
                if header is not None
                else self.registry.take(scope["method"], path)
            )
        except ApiError as exc:
            body = exc.body if not is_gr4vy_path(path) else gr4vy_body(400, message=_message(exc))
            await _send_json(send, 400, body, extra)
            return
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.delay_ms:
            await anyio.sleep(fault.delay_ms / 1000)
        if fault.drop_connection:
            await _drop_connection(send)
            return
        if fault.drop_after_commit:
            await self.app(scope, receive, _discard)
            await _drop_connection(send)
            return
        if fault.status is None:
            await self.app(scope, receive, send)
            return
        response_headers = list(extra)
        if fault.retry_after is not None:
            response_headers.append((b"retry-after", fault.retry_after.encode("latin-1")))
        if fault.retry_after_ms is not None:
            response_headers.append((b"retry-after-ms", str(fault.retry_after_ms).encode()))
        body = fault.body if fault.has_body else error_body_for(path, fault.status)
        await _send_json(send, fault.status, body, response_headers)


async def _discard(message: Message) -> None:
    """A ``send`` that loses the answer: the request was handled, the client never hears."""


def _message(exc: ApiError) -> str:
    errors = exc.body.get("errors", [{}]) if isinstance(exc.body, dict) else [{}]
    return str(errors[0].get("message", "Generic error"))


def _request_id_header(path: str) -> list[tuple[bytes, bytes]]:
    if is_gr4vy_path(path):
        return []
    return [(b"x-dr-requestid", str(uuid.uuid4()).encode())]
