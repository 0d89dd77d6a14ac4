"""The mechanism behind every function in ``tillpoint.funcs``, written once.

An ``Operation`` is a declarative description — method, path template, success
model, the error statuses it declares, how it may be retried — and ``call`` turns
it plus the caller's arguments into a request, hands that to the transport, and
maps what comes back to ``Ok`` or ``Err``.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar, cast
from urllib.parse import quote

import attrs

from .. import _serde, _transport
from .._redact import redact, request_id_of
from ..errors import (
    STATUS_OF,
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidRequestError,
    ResponseValidationError,
    SDKError,
    TillpointError,
)
from ..hooks import run_after
from ..result import Err, Ok

if TYPE_CHECKING:
    import httpx

    from ..core import TillpointCore
    from ..models.errors import ErrorBody
    from ..retries import RetryConfig

__all__ = [
    "AnyCallError",
    "Operation",
    "RequestOptions",
    "SessionOptions",
    "WriteOptions",
    "require_id",
]

T = TypeVar("T")

AnyCallError = typing.Union[
    SDKError, APIConnectionError, APITimeoutError, ResponseValidationError, InvalidRequestError
]
"""What any call can return besides the statuses its operation declares."""


class RequestOptions(TypedDict, total=False):
    """Per-call options every function takes (keyword-only)."""

    retries: RetryConfig | None
    """Replaces the core's ``retry_config`` for this call."""
    timeout_ms: int | None
    """Replaces the core's per-attempt timeout for this call."""
    http_headers: Mapping[str, str] | None
    """Extra headers, applied last (they win over tillpoint's own)."""
    server_url: str | None
    """Replaces the core's server for this call."""


class WriteOptions(RequestOptions, total=False):
    """Per-call options of writes that carry an idempotency key."""

    idempotency_key: str | None
    """Sent as ``Idempotency-Key`` on every attempt; supplying one also lets tillpoint
    retry failures that may have reached the server."""


class SessionOptions(RequestOptions, total=False):
    """Per-call options of the Gr4vy checkout-session functions."""

    merchant_account_id: str | None
    """Sent as ``x-gr4vy-merchant-account-id``; replaces the core's for this call."""


MERCHANT_ACCOUNT_HEADER = "x-gr4vy-merchant-account-id"

# Gr4vy's error body keys (api-contract §5.5); a dict with none of them is not one.
_GR4VY_ERROR_KEYS = frozenset({"type", "code", "status", "message", "details", "resource_id"})


def require_id(value: object, name: str) -> str:
    """Check a path parameter: a non-blank string, or ``InvalidRequestError``."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(
            f"{name} must be a non-empty string, got {value!r}", parameter=name
        )
    return value


_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_~-]+")
"""Characters that need no encoding (RFC 3986 unreserved, minus "."): most ids."""


def _segment(value: str) -> str:
    if _PLAIN_SEGMENT.fullmatch(value):
        return value
    # Encode everything, "/" "?" "#" "%" included, so an id stays one path segment;
    # and dot segments, which URL normalisation would otherwise resolve away.
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _header_value(value: object, name: str) -> str:
    # httpx would raise its own error (or h11 a protocol error) for a value that
    # cannot be a header; say which parameter was wrong instead.
    text = require_id(value, name)
    if not text.isascii() or not text.isprintable():
        raise InvalidRequestError(
            f"{name} must be printable ASCII (it is sent as a header), got {text!r}",
            parameter=name,
        )
    return text


def _idempotency_key() -> str:
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@attrs.frozen(kw_only=True)
class Operation(Generic[T]):
    """One API operation, described; ``call`` performs it."""

    name: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    returns: type[T] | None
    """The success model; ``None`` for 204 responses."""
    errors: Any
    """The operation's error union: its typed status classes are the statuses it declares."""
    body: type[Any] | None = None
    """The model the body must be, when the operation sends one."""
    body_required: bool = True
    """When false, a ``None`` body sends no body at all (no content, no Content-Type)."""
    check_body: Callable[[Any], tuple[str, str] | None] | None = None
    """Client-side rules beyond the type: ``(parameter, message)`` for a body to refuse."""
    retry: _transport.RetryRule
    api: Literal["digitalriver", "gr4vy"] = "digitalriver"
    idempotency_key: bool = False
    """Mint an ``Idempotency-Key`` for every logical call (a caller's key wins)."""

    _declared: frozenset[int] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        declared = frozenset(
            STATUS_OF[cls] for cls in typing.get_args(self.errors) if cls in STATUS_OF
        )
        object.__setattr__(self, "_declared", declared)

    async def call(
        self,
        core: TillpointCore,
        *,
        path_params: Mapping[str, str] | None = None,
        query: Sequence[tuple[str, str]] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        options: RequestOptions,
    ) -> Ok[T] | Err[Any]:
        try:
            request = self._prepare(core, path_params, body, headers, cast("WriteOptions", options))
        except InvalidRequestError as error:
            return await _finish(core, Err(error))
        url, content, request_headers, rule = request
        outcome, token = await _transport.send(
            core,
            operation=self.name,
            method=self.method,
            url=url,
            params=list(query) if query else None,
            content=content,
            headers=request_headers,
            rule=rule,
            retries=options.get("retries"),
            timeout_ms=options.get("timeout_ms"),
            http_headers=options.get("http_headers"),
        )
        if isinstance(outcome, TillpointError):
            return await _finish(core, Err(outcome))
        return await _finish(core, self._interpret(outcome, token))

    def _prepare(
        self,
        core: TillpointCore,
        path_params: Mapping[str, str] | None,
        body: Any,
        headers: Mapping[str, str] | None,
        options: WriteOptions,
    ) -> tuple[str, bytes | None, dict[str, str], _transport.RetryRule]:
        path = self.path
        if path_params:
            for name, value in path_params.items():
                path = path.replace("{" + name + "}", _segment(require_id(value, name)))
        server_url = options.get("server_url")
        if server_url is not None:
            from ..core import check_server_url

            try:
                server_url = check_server_url(
                    server_url, allow_insecure_http=core.allow_insecure_http
                )
            except ValueError as exc:
                raise InvalidRequestError(str(exc), parameter="server_url") from None
        url = (server_url or core.server_url) + path

        content = None
        if self.body is not None and (body is not None or self.body_required):
            if not isinstance(body, self.body):
                raise InvalidRequestError(
                    f"body must be a models.{self.body.__name__}, not {type(body).__name__}",
                    parameter="body",
                )
            problem = self.check_body(body) if self.check_body else None
            if problem:
                raise InvalidRequestError(problem[1], parameter=problem[0])
            try:
                content = _serde.dumps(_serde.unstructure(body))
            except (TypeError, ValueError) as exc:
                raise InvalidRequestError(f"the request body cannot be sent: {exc}") from None

        request_headers = dict(headers) if headers else {}
        if self.api == "digitalriver" and core.api_version:
            request_headers["DigitalRiver-Version"] = core.api_version
        if self.api == "gr4vy":
            merchant = cast("SessionOptions", options).get("merchant_account_id")
            if merchant is None:
                merchant = core.merchant_account_id  # itself from TILLPOINT_MERCHANT_ACCOUNT_ID
            if merchant is not None:
                request_headers[MERCHANT_ACCOUNT_HEADER] = _header_value(
                    merchant, "merchant_account_id"
                )
        rule = self.retry
        caller_key = options.get("idempotency_key")
        if caller_key is not None:
            request_headers["Idempotency-Key"] = require_id(caller_key, "idempotency_key")
            # The caller vouches that the server dedupes on this key, so an
            # ambiguous failure is safe to retry.
            rule = _transport.IDEMPOTENT
        elif self.idempotency_key:
            request_headers["Idempotency-Key"] = _idempotency_key()
        return url, content, request_headers, rule

    def _interpret(self, response: httpx.Response, token: str | None) -> Ok[T] | Err[Any]:
        status = response.status_code
        if 200 <= status < 300:
            if self.returns is None:
                return Ok(None, response)  # type: ignore[arg-type]
            return self._decode(response, token)
        if status >= 400:
            return Err(self._api_error(response, token), response)
        return Err(self._api_error(response, token, cls=SDKError), response)

    def _decode(self, response: httpx.Response, token: str | None) -> Ok[T] | Err[Any]:
        assert self.returns is not None
        try:
            value = _serde.structure(_serde.loads(response.content), self.returns)
        except _serde.DecodeError as exc:
            problem = f"the {response.status_code} response is not a {self.returns.__name__}: {exc}"
        except (ValueError, RecursionError) as exc:
            # JSONDecodeError, UnicodeDecodeError, and the ValueError json raises for an
            # integer longer than sys.get_int_max_str_digits() (a hostile body).
            problem = f"the {response.status_code} response is not valid JSON ({exc})"
        else:
            return Ok(value, response)
        return Err(
            ResponseValidationError(
                redact(f"{self.name}: {problem}", token),
                status_code=response.status_code,
                body=redact(response.text, token),
                raw_response=response,
                request_id=request_id_of(response),
            ),
            response,
        )

    def _api_error(
        self, response: httpx.Response, token: str | None, cls: type[APIError] | None = None
    ) -> APIError:
        status = response.status_code
        if cls is None:
            from ..errors import error_class_for_status

            cls = error_class_for_status(status) if status in self._declared else SDKError
        request = response.request
        # Parse the redacted text: a token the server echoes must not reach the
        # message (built from data) any more than the body.
        body = redact(response.text, token)
        return cls(
            status_code=status,
            method=request.method,
            path=request.url.raw_path.split(b"?")[0].decode("ascii", "replace"),
            headers=response.headers,
            body=body,
            raw_response=response,
            request_id=request_id_of(response),
            data=self._error_body(body, status),
        )

    def _error_body(self, body: str, status: int) -> ErrorBody | None:
        try:
            data = _serde.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        # Loaded with the first error body: a process whose calls succeed never needs it.
        from ..models.errors import DigitalRiverErrorBody, Gr4vyErrorBody, ValidationErrorBody

        model: type[ErrorBody]
        if "detail" in data and status == 422:
            model = ValidationErrorBody
        elif self.api == "gr4vy":
            if _GR4VY_ERROR_KEYS.isdisjoint(data):
                return None
            model = Gr4vyErrorBody
        elif "errors" in data or "type" in data:
            model = DigitalRiverErrorBody
        else:
            return None
        try:
            return _serde.structure(data, model)
        except _serde.DecodeError:
            return None


async def _finish(core: TillpointCore, result: Ok[T] | Err[Any]) -> Ok[T] | Err[Any]:
    if core.hooks:
        await run_after(core.hooks, result)
    return result
