"""Error bodies for both APIs, raised as one exception type.

The stores raise :class:`ApiError`; the Starlette layer turns it into a JSON
response.  Keeping the wire shape here (rather than in the routes) means the
store modules can be exercised without Starlette.

* Digital River (contract §4.1): ``{"type": ..., "errors": [{"code",
  "parameter"?, "message"}]}`` where ``type`` follows the status.
* Gr4vy (contract §5.5): ``{"type": "error", "code", "status", "message",
  "details": []}``, and FastAPI-style 422 ``{"detail": [...]}``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

__all__ = [
    "DR_TYPE_BY_STATUS",
    "ApiError",
    "dr_bad_request",
    "dr_body",
    "dr_conflict",
    "dr_error",
    "dr_not_found",
    "dr_type_for",
    "dr_unauthorized",
    "error_body_for",
    "gr4vy_body",
    "gr4vy_error",
    "gr4vy_validation_error",
    "is_gr4vy_path",
    "phrase_of",
]


class ApiError(Exception):
    """An HTTP error with a ready-made JSON body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}: {body!r}")
        self.status = status
        self.body = body
        self.headers = headers or {}


# Contract §4.1, "inferred mapping from status to type".
DR_TYPE_BY_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    429: "too_many_requests",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def dr_type_for(status: int) -> str:
    if status in DR_TYPE_BY_STATUS:
        return DR_TYPE_BY_STATUS[status]
    return "bad_request" if status < 500 else "internal_server_error"


def dr_body(
    status: int, code: str | None, message: str, parameter: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {}
    if code is not None:
        error["code"] = code
    if parameter is not None:
        error["parameter"] = parameter
    error["message"] = message
    return {"type": dr_type_for(status), "errors": [error]}


def dr_error(status: int, code: str | None, message: str, parameter: str | None = None) -> ApiError:
    return ApiError(status, dr_body(status, code, message, parameter))


def dr_bad_request(code: str, message: str, parameter: str | None = None) -> ApiError:
    return dr_error(400, code, message, parameter)


def dr_conflict(code: str, message: str, parameter: str | None = None) -> ApiError:
    return dr_error(409, code, message, parameter)


def dr_not_found(
    what: str, ident: str, *, code: str = "not_found", parameter: str = "id"
) -> ApiError:
    return dr_error(404, code, f"{what} '{ident}' not found.", parameter)


def dr_unauthorized() -> ApiError:
    # The documented 401 has neither code nor parameter (contract §4.1).
    return ApiError(
        401,
        {"type": "unauthorized", "errors": [{"message": "An authorization error has occurred."}]},
    )


# Contract §5.5 defaults per status.
_GR4VY_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Generic error"),
    401: ("unauthorized", "No valid API authentication found"),
    403: ("forbidden", "Generic error"),
    404: ("not_found", "The resource could not be found"),
    405: ("method_not_allowed", "Method Not Allowed"),
    409: ("duplicate_record", "Generic error"),
    425: ("too_early", "Generic error"),
    429: ("too_many_requests", "Generic error"),
    500: ("server_error", "Request could not be processed"),
    502: ("bad_gateway", "Request could not be processed"),
    504: ("gateway_timeout", "Request could not be processed"),
}


def gr4vy_body(status: int, code: str | None = None, message: str | None = None) -> dict[str, Any]:
    default_code, default_message = _GR4VY_DEFAULTS.get(
        status,
        (HTTPStatus(status).phrase.lower().replace(" ", "_"), HTTPStatus(status).phrase),
    )
    body: dict[str, Any] = {
        "type": "error",
        "code": code or default_code,
        "status": status,
        "message": message or default_message,
        "details": [],
    }
    if status == 409:
        body["resource_id"] = None
    return body


def gr4vy_error(status: int, code: str | None = None, message: str | None = None) -> ApiError:
    return ApiError(status, gr4vy_body(status, code, message))


def gr4vy_validation_error(errors: list[dict[str, Any]]) -> ApiError:
    return ApiError(422, {"detail": errors})


GR4VY_PREFIX = "/checkout/sessions"


def is_gr4vy_path(path: str) -> bool:
    """Gr4vy routes answer in Gr4vy's dialect; everything else speaks Digital River."""
    return path == GR4VY_PREFIX or path.startswith(GR4VY_PREFIX + "/")


def error_body_for(path: str, status: int, message: str | None = None) -> dict[str, Any]:
    """A generic error body in the dialect of ``path`` (router 404/405, injected faults)."""
    if is_gr4vy_path(path):
        return gr4vy_body(status, message=message)
    code = dr_type_for(status)
    return dr_body(status, code, message or phrase_of(status))


def phrase_of(status: int) -> str:
    """The status's reason phrase (a Digital River error's default message)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status http.HTTPStatus does not name
        return f"HTTP {status}"
