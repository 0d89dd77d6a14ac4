"""Everything tillpoint returns (in ``Err``) or raises (from the façade).

::

    TillpointError                 root of everything tillpoint returns or raises
    ├── APIError                   the API answered with an error status
    │   ├── Error400 Error401 Error403 Error404 Error405 Error406
    │   ├── Error408 Error409
    │   ├── HTTPValidationError    422
    │   ├── Error425 Error429 Error500 Error502 Error503 Error504
    │   └── SDKError               any other 4XX/5XX
    ├── APIConnectionError         no response: refused, reset, DNS, TLS
    │   └── APITimeoutError
    ├── ResponseValidationError    a success status whose body is not the promised model
    └── InvalidRequestError        rejected before anything was sent

Classify by class (or ``status_code``), never by parsing messages. ``APIError.data``
is the parsed error body — Digital River's ``{"type", "errors": [...]}``, Gr4vy's
``{"type": "error", "code", "message", "details"}`` or FastAPI's ``{"detail": [...]}`` —
or ``None`` when the body is not of that shape (an HTML page from a proxy, say); the
raw text is always in ``body``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._redact import shorten

if TYPE_CHECKING:
    import httpx

    from .models.errors import ErrorBody

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "Error400",
    "Error401",
    "Error403",
    "Error404",
    "Error405",
    "Error406",
    "Error408",
    "Error409",
    "Error425",
    "Error429",
    "Error500",
    "Error502",
    "Error503",
    "Error504",
    "HTTPValidationError",
    "InvalidRequestError",
    "ResponseValidationError",
    "SDKError",
    "TillpointError",
    "STATUS_OF",
    "error_class_for_status",
]


_E = TypeVar("_E", bound="TillpointError")

_DETAIL_LIMIT = 1_000
"""Characters of the server's message an error's message quotes (``data`` has it all)."""


class TillpointError(Exception):
    """Root of everything tillpoint returns or raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class APIError(TillpointError):
    """The API answered with an error status."""

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        headers: httpx.Headers,
        body: str,
        raw_response: httpx.Response | None,
        request_id: str | None,
        data: ErrorBody | None,
        location: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.headers = headers
        """The response's headers (any value holding the bearer token masked)."""
        self.body = body
        """The response's body as text: at most ``ERROR_BODY_LIMIT`` (64 KiB) of it,
        marked where it was cut."""
        self.raw_response = raw_response
        self.request_id = request_id
        self.data = data
        self.location = location
        """Where a redirect (3xx) points; tillpoint never follows one."""
        super().__init__(self._describe())

    @property
    def server_message(self) -> str | None:
        """The human-readable message the server put in its error body, if any."""
        return None if self.data is None else self.data.summary()

    def _describe(self) -> str:
        from http import HTTPStatus

        try:
            reason = HTTPStatus(self.status_code).phrase
        except ValueError:
            reason = "Error"
        text = f"{self.status_code} {reason} on {self.method} {self.path}"
        if self.location is not None:
            text += f": redirected to {self.location} (tillpoint does not follow redirects)"
        detail = self.server_message
        if detail:
            # A server may say a great deal; the message stays readable.
            text += f": {shorten(detail, _DETAIL_LIMIT)}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only __init__ defeats Exception's default pickling; errors cross
        # process boundaries in task queues, so keep them picklable (minus the response).
        state = {**self.__dict__, "raw_response": None}
        return (_rebuild, (type(self), state))


def _rebuild(cls: type[_E], state: dict[str, Any]) -> _E:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, state["message"])
    return error


class Error400(APIError):
    """400 Bad Request: the request was malformed or a parameter is invalid."""


class Error401(APIError):
    """401 Unauthorized: the credentials are missing, invalid or expired."""


class Error403(APIError):
    """403 Forbidden: the credentials are valid but not allowed to do this."""


class Error404(APIError):
    """404 Not Found: no such resource (or it has expired)."""


class Error405(APIError):
    """405 Method Not Allowed."""


class Error406(APIError):
    """406 Not Acceptable: the server cannot answer in a format the request accepts."""


class Error408(APIError):
    """408 Request Timeout: the server gave up waiting for the request (retried)."""


class Error409(APIError):
    """409 Conflict: the request conflicts with the resource's current state."""


class HTTPValidationError(APIError):
    """422 Unprocessable Entity: the body failed the server's validation."""


class Error425(APIError):
    """425 Too Early."""


class Error429(APIError):
    """429 Too Many Requests: rate limited; see ``headers["retry-after"]``."""


class Error500(APIError):
    """500 Internal Server Error."""


class Error502(APIError):
    """502 Bad Gateway."""


class Error503(APIError):
    """503 Service Unavailable."""


class Error504(APIError):
    """504 Gateway Timeout."""


class SDKError(APIError):
    """Any other 4XX/5XX status, or an unexpected non-error status."""


STATUS_OF: dict[type[APIError], int] = {
    Error400: 400,
    Error401: 401,
    Error403: 403,
    Error404: 404,
    Error405: 405,
    Error406: 406,
    Error408: 408,
    Error409: 409,
    HTTPValidationError: 422,
    Error425: 425,
    Error429: 429,
    Error500: 500,
    Error502: 502,
    Error503: 503,
    Error504: 504,
}
"""The status each typed error class stands for (``SDKError`` stands for the rest)."""

_BY_STATUS = {status: cls for cls, status in STATUS_OF.items()}


def error_class_for_status(status_code: int) -> type[APIError]:
    """The class tillpoint uses for a response with this status."""
    return _BY_STATUS.get(status_code, SDKError)


class APIConnectionError(TillpointError):
    """No response arrived: the connection was refused, reset, or failed DNS or TLS."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{message} on {method} {path}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only __init__: rebuilt from its state. Its cause (httpx's
        # exception) is not pickled, as for any exception.
        return (_rebuild, (type(self), dict(self.__dict__)))


class APITimeoutError(APIConnectionError):
    """No response arrived in time (connect, read, write or pool timeout)."""


class ResponseValidationError(TillpointError):
    """A success status arrived, but its body is not the model the operation promises."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: str,
        raw_response: httpx.Response | None,
        request_id: str | None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.raw_response = raw_response
        self.request_id = request_id
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        # As APIError: picklable, minus the response (whose request carries the token).
        state = {**self.__dict__, "raw_response": None}
        return (_rebuild, (type(self), state))


class InvalidRequestError(TillpointError, ValueError):
    """The request was rejected before anything was sent (empty id, limit out of range, …)."""

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        super().__init__(message)
