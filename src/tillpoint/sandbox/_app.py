"""The Starlette application: routes, auth, JSON in/out, error responses.

Routes (all bodies JSON):

=================================================  =====================================
``GET/POST /checkouts``                            list, create (201)
``GET/POST/DELETE /checkouts/{id}``                get, update, delete (204)
``POST/DELETE /checkouts/{id}/sources/{sourceId}`` attach (200 + Source), detach (204)
``POST /checkout/sessions``                        Gr4vy create (201; body optional)
``GET/PUT/DELETE /checkout/sessions/{session_id}`` Gr4vy get, replace, delete (204)
``POST /sandbox/sources``                          create a test source (201)
``GET/POST /sandbox/sources/{sourceId}``           inspect it / change its ``state``
``GET/POST/DELETE /sandbox/faults``                see :mod:`._faults`
``POST /sandbox/reset``                            same as ``Sandbox.reset()`` (204)
=================================================  =====================================

Auth: Digital River routes and ``/sandbox/sources`` need ``Authorization:
Bearer sk_test_…``; Gr4vy routes need any non-empty bearer token (JWTs are
not verified); ``/sandbox/faults`` and ``/sandbox/reset`` need none, so they
work the same for both APIs.  Every non-Gr4vy response carries a fresh
``x-dr-requestid``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio.lowlevel
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._errors import (
    ApiError,
    dr_bad_request,
    dr_unauthorized,
    error_body_for,
    gr4vy_error,
    is_gr4vy_path,
)
from ._faults import FaultMiddleware
from ._json import NotJson, dumps, loads

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ._state import SandboxState

__all__ = ["build_app"]

MERCHANT_HEADER = "x-gr4vy-merchant-account-id"


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        content=dumps(body), status_code=status, media_type="application/json", headers=headers
    )


def no_content() -> Response:
    return Response(status_code=204)


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def require_dr_auth(request: Request) -> None:
    token = _bearer_token(request)
    if token is None or not token.startswith("sk_test_"):
        raise dr_unauthorized()


def require_gr4vy_auth(request: Request) -> None:
    if _bearer_token(request) is None:
        raise gr4vy_error(401)


def merchant_of(request: Request) -> str:
    return request.headers.get(MERCHANT_HEADER) or "default"


async def dr_json(request: Request) -> Any:
    """The DR request body; an empty body counts as ``{}``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    parsed = loads(raw)
    if isinstance(parsed, NotJson):
        raise dr_bad_request(
            "invalid_parameter", f"The request body is not valid JSON: {parsed.error}"
        )
    return parsed


class RequestIdMiddleware:
    """Adds ``x-dr-requestid`` (a fresh uuid4) to every non-Gr4vy response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_gr4vy_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4()).encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"x-dr-requestid", request_id)]
            await send(message)

        await self.app(scope, receive, send_with_id)


class LoopTurnMiddleware:
    """Lets the event loop run once per request, as it does under a real server.

    In-process (``httpx.ASGITransport``) nothing in a request has to wait, so a
    client's whole call can finish without the loop ever getting control back. The
    loop then never runs its housekeeping: every cancelled timer (each call's
    ``asyncio.timeout`` leaves one) stays queued, one per call, for as long as the
    calls keep coming. One checkpoint per request gives the loop its turn.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await anyio.lowlevel.checkpoint()
        await self.app(scope, receive, send)


def build_app(sandbox: SandboxState) -> ASGIApp:
    lock = sandbox.lock

    # -- Digital River ----------------------------------------------------

    async def checkouts(request: Request) -> Response:
        require_dr_auth(request)
        if request.method == "GET":
            with lock:
                return json_response(
                    200, sandbox.checkouts.list(request.query_params.multi_items())
                )
        body = await dr_json(request)
        with lock:
            return json_response(201, sandbox.checkouts.create(body))

    async def checkout(request: Request) -> Response:
        require_dr_auth(request)
        checkout_id: str = request.path_params["id"]
        if request.method == "GET":
            with lock:
                return json_response(200, sandbox.checkouts.get(checkout_id))
        if request.method == "DELETE":
            with lock:
                sandbox.checkouts.delete(checkout_id)
            return no_content()
        body = await dr_json(request)
        with lock:
            return json_response(200, sandbox.checkouts.update(checkout_id, body))

    async def checkout_source(request: Request) -> Response:
        require_dr_auth(request)
        checkout_id: str = request.path_params["id"]
        source_id: str = request.path_params["source_id"]
        with lock:
            if request.method == "DELETE":
                sandbox.checkouts.detach_source(checkout_id, source_id)
                return no_content()
            return json_response(200, sandbox.checkouts.attach_source(checkout_id, source_id))

    # -- Gr4vy ------------------------------------------------------------

    async def sessions(request: Request) -> Response:
        require_gr4vy_auth(request)
        raw = await request.body()
        with lock:
            return json_response(201, sandbox.sessions.create(merchant_of(request), raw))

    async def session(request: Request) -> Response:
        require_gr4vy_auth(request)
        merchant = merchant_of(request)
        session_id: str = request.path_params["session_id"]
        if request.method == "PUT":
            raw = await request.body()
            with lock:
                return json_response(200, sandbox.sessions.update(merchant, session_id, raw))
        with lock:
            if request.method == "DELETE":
                sandbox.sessions.delete(merchant, session_id)
                return no_content()
            return json_response(200, sandbox.sessions.get(merchant, session_id))

    # -- sandbox control --------------------------------------------------

    async def sources(request: Request) -> Response:
        require_dr_auth(request)
        body = await dr_json(request)
        with lock:
            return json_response(201, sandbox.sources.create(body).to_json())

    async def source(request: Request) -> Response:
        require_dr_auth(request)
        source_id: str = request.path_params["source_id"]
        if request.method == "GET":
            with lock:
                return json_response(200, sandbox.sources.get(source_id).to_json())
        body = await dr_json(request)
        with lock:
            return json_response(200, sandbox.sources.set_state(source_id, body).to_json())

    async def faults(request: Request) -> Response:
        if request.method == "GET":
            return json_response(200, {"data": sandbox.faults.list()})
        if request.method == "DELETE":
            sandbox.faults.clear()
            return no_content()
        return json_response(201, sandbox.faults.add(await dr_json(request)))

    async def reset(request: Request) -> Response:
        sandbox.reset()
        return no_content()

    # -- errors -----------------------------------------------------------

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return json_response(exc.status, exc.body, exc.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        # Router-level 404/405, answered in the dialect of the path.
        assert isinstance(exc, HTTPException)
        return json_response(
            exc.status_code, error_body_for(request.url.path, exc.status_code), exc.headers
        )

    starlette_app = Starlette(
        routes=[
            Route("/checkouts", checkouts, methods=["GET", "POST"]),
            Route("/checkouts/{id}", checkout, methods=["GET", "POST", "DELETE"]),
            Route(
                "/checkouts/{id}/sources/{source_id}", checkout_source, methods=["POST", "DELETE"]
            ),
            Route("/checkout/sessions", sessions, methods=["POST"]),
            Route("/checkout/sessions/{session_id}", session, methods=["GET", "PUT", "DELETE"]),
            Route("/sandbox/sources", sources, methods=["POST"]),
            Route("/sandbox/sources/{source_id}", source, methods=["GET", "POST"]),
            Route("/sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
            Route("/sandbox/reset", reset, methods=["POST"]),
        ],
        exception_handlers={ApiError: api_error, HTTPException: http_error},
    )
    # Faults sit (next to) outermost: dropping a connection needs the server's own ``send``.
    return LoopTurnMiddleware(FaultMiddleware(RequestIdMiddleware(starlette_app), sandbox.faults))
