"""The mechanism behind every function in ``tillpoint.funcs``, written once.

An ``Operation`` is a declaration: method and path, query parameters, body model,
success model, error union, retry rule, and the API profile it belongs to. Performing
one is three steps, the first and last pure so that any driver can reuse them:

* ``prepare`` — validate the caller's arguments and build a ``PreparedRequest``
  (raises ``InvalidRequestError``; sends nothing);
* ``send`` — the transport sends it, with retries (and a create declared with a
  ``recovery`` looks up what an ambiguous failure did before trying again);
* ``interpret`` — map the response to ``Ok`` or ``Err``.

``call`` is the async driver: those steps, then the ``after_*`` hooks, which every
outcome reaches — a refusal in ``prepare`` included.

An ``ApiProfile`` is what every operation of one API shares; the two instances, and
the error unions, are in ``_profiles``. Its verb methods build the declarations.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar, cast
from urllib.parse import quote

import attrs

from .. import _serde, _transport
from .._keywords import keywords_of, refuse_unknown
from .._redact import ERROR_BODY_LIMIT, redact, redact_headers, request_id_of, shorten
from .._retrying import IDEMPOTENT, Retrying, RetryRule
from ..errors import (
    STATUS_OF,
    APIError,
    InvalidRequestError,
    ResponseValidationError,
    SDKError,
    TillpointError,
    error_class_for_status,
)
from ..hooks import run_after
from ..result import Err, Ok
from ._checks import check_auth, check_options, header_value, require_id
from ._options import RequestOptions

if TYPE_CHECKING:
    import httpx

    from ..core import TillpointCore
    from ..models.errors import ErrorBody
    from ..retries import RetryConfig
    from ._options import WriteOptions
    from ._query import QueryParameter

__all__ = [
    "ApiProfile",
    "Method",
    "Operation",
    "PreparedRequest",
    "Recovery",
    "RequestBody",
    "declared_statuses",
    "header_value",
    "require_id",
]

T = TypeVar("T")
R = TypeVar("R")

Method = Literal["GET", "POST", "PUT", "DELETE"]

_REQUEST_OPTIONS = keywords_of(RequestOptions)

_PATH_PARAMETER = re.compile(r"\{(\w+)\}")

_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_~-]+")
"""Characters that need no encoding (RFC 3986 unreserved, minus "."): most ids."""


def _segment(value: str) -> str:
    if _PLAIN_SEGMENT.fullmatch(value):
        return value
    # Encode everything, "/" "?" "#" "%" included, so an id stays one path segment;
    # and dot segments, which URL normalisation would otherwise resolve away.
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _idempotency_key() -> str:
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def declared_statuses(errors: Any) -> frozenset[int]:
    """The statuses whose typed classes an error union names."""
    return frozenset(STATUS_OF[cls] for cls in typing.get_args(errors) if cls in STATUS_OF)


@attrs.frozen
class RequestBody:
    """The JSON body an operation sends: an instance of ``model``."""

    model: type[Any]
    optional: bool = False
    """When true, a ``None`` body sends no body at all (no content, no Content-Type)."""
    check: Callable[[Any], tuple[str, str] | None] | None = None
    """Client-side rules beyond the type: ``(parameter, message)`` for a body to refuse."""


def _request_body(declared: RequestBody | type[Any] | None) -> RequestBody | None:
    if declared is None or isinstance(declared, RequestBody):
        return declared
    return RequestBody(declared)


class Recovery(Protocol):
    """What a write declares to recover from an ambiguous failure (``_recovery``)."""

    def recover(
        self, core: TillpointCore, body: Any, options: RequestOptions
    ) -> _transport.Recover[Ok[Any]] | None:
        """The look-up for this call, or ``None`` if this body gives nothing to look for."""
        ...


@attrs.frozen(kw_only=True)
class PreparedRequest:
    """Everything the transport needs to send one call: the output of ``prepare``."""

    method: Method
    url: str
    query: list[tuple[str, str]] | None
    content: bytes | None
    headers: dict[str, str]
    rule: RetryRule
    retries: RetryConfig | None
    timeout_ms: int | None
    http_headers: Mapping[str, str] | None
    """The caller's own headers, applied last by the transport."""


@attrs.frozen(kw_only=True)
class Operation(Generic[T]):
    """One API operation, declared; ``call`` performs it."""

    name: str
    api: ApiProfile
    """Headers, shared error statuses, error-body shapes and id rules of the API."""
    method: Method
    path: str
    """The path template; ``{name}`` is a path parameter (checked by the API's id rule)."""
    query: Mapping[str, QueryParameter] = attrs.field(factory=dict)
    """The query parameters by Python name, in the order they are sent."""
    body: RequestBody | None = attrs.field(default=None, converter=_request_body)
    """What the operation sends as its body (a model class is short for ``RequestBody(model)``)."""
    returns: type[T] | None
    """The success model; ``None`` for 204 responses."""
    errors: Any
    """The operation's error union: the API's shared union plus the operation's own
    statuses. Its typed status classes are the statuses it declares."""
    retry: RetryRule
    idempotency_key: bool = False
    """Mint an ``Idempotency-Key`` for every logical call (a caller's key wins)."""
    recovery: Recovery | None = None
    """How an ambiguous failure is proved harmless or turned into the result, for a
    write the API gives no idempotency key (``_recovery.LookUp``)."""
    options: frozenset[str] = _REQUEST_OPTIONS
    """The per-call options the function takes as keywords (its ``TypedDict``'s keys)."""

    _declared: frozenset[int] = attrs.field(init=False)
    _path_names: tuple[str, ...] = attrs.field(init=False)
    _keywords: frozenset[str] = attrs.field(init=False)

    @_declared.default
    def _declared_statuses(self) -> frozenset[int]:
        declared = declared_statuses(self.errors)
        if not self.api.statuses <= declared:
            # The public union is what mypy shows users: it must name the API's statuses.
            raise TypeError(f"{self.name}: errors must include {self.api.name}'s shared union")
        return declared

    @_path_names.default
    def _path_parameters(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAMETER.findall(self.path))

    @_keywords.default
    def _accepted_keywords(self) -> frozenset[str]:
        return self.options | frozenset(self.query)

    async def call(
        self,
        core: TillpointCore,
        *ids: str,
        query: Mapping[str, object] | None = None,
        body: Any = None,
        options: RequestOptions,
    ) -> Ok[T] | Err[Any]:
        """Prepare, send, interpret, and run the ``after_*`` hooks on the outcome.

        ``ids`` fill the path's parameters in order. ``options`` are the function's
        keywords: the per-call options, and the query parameters unless ``query`` is
        given. An unknown keyword raises ``TypeError``; any other refusal is an ``Err``."""
        try:
            request = self.prepare(core, ids, query, body, options)
        except InvalidRequestError as error:
            return await _finish(core, Err(error))
        recover = None if self.recovery is None else self.recovery.recover(core, body, options)
        outcome, token = await self.send(core, request, recover=recover)
        if isinstance(outcome, TillpointError):
            return await _finish(core, Err(outcome))
        if isinstance(outcome, Ok):  # found by ``recover``
            return await _finish(core, outcome)
        return await _finish(core, self.interpret(outcome, token))

    async def send(
        self,
        core: TillpointCore,
        request: PreparedRequest,
        *,
        recover: _transport.Recover[R] | None = None,
        retrying: Retrying | None = None,
    ) -> tuple[httpx.Response | TillpointError | R, str | None]:
        """Send a prepared request through the transport, with retries (``retrying``
        when it is made on behalf of a call already under way)."""
        return await _transport.send(
            core,
            operation=self.name,
            method=request.method,
            url=request.url,
            params=list(request.query) if request.query else None,
            content=request.content,
            headers=request.headers,
            rule=request.rule,
            retries=request.retries,
            timeout_ms=request.timeout_ms,
            http_headers=request.http_headers,
            recover=recover,
            retrying=retrying,
        )

    def prepare(
        self,
        core: TillpointCore,
        ids: Sequence[object],
        query: Mapping[str, object] | None,
        body: object,
        options: RequestOptions,
    ) -> PreparedRequest:
        """Validate the arguments and build the request; ``InvalidRequestError`` if one
        is refused (``TypeError`` for a keyword the function does not take). Pure: reads
        the core's settings, sends nothing."""
        refuse_unknown(self.name, options, self._keywords)
        check_options(options)
        url = self._url(core, ids, options.get("server_url"))
        if query is not None:
            refuse_unknown(self.name, query, self.query.keys())
        pairs = self._query(options if query is None else query) if self.query else None
        content = self._content(body)
        check_auth(core, options)
        headers = self.api.headers(core, options)
        rule = self.retry
        caller_key = cast("WriteOptions", options).get("idempotency_key")
        if caller_key is not None:
            headers["Idempotency-Key"] = header_value(caller_key, "idempotency_key")
            # The caller vouches that the server dedupes on this key, so an
            # ambiguous failure is safe to retry.
            rule = IDEMPOTENT
        elif self.idempotency_key:
            headers["Idempotency-Key"] = _idempotency_key()
        return PreparedRequest(
            method=self.method,
            url=url,
            query=pairs,
            content=content,
            headers=headers,
            rule=rule,
            retries=options.get("retries"),
            timeout_ms=options.get("timeout_ms"),
            http_headers=options.get("http_headers"),
        )

    def _url(self, core: TillpointCore, ids: Sequence[object], server_url: str | None) -> str:
        if len(ids) != len(self._path_names):
            raise TypeError(f"{self.name} takes {len(self._path_names)} ids, got {len(ids)}")
        path = self.path
        for name, value in zip(self._path_names, ids, strict=True):
            path = path.replace("{" + name + "}", _segment(self.api.check_id(value, name)))
        if server_url is None:
            return core.server_url + path
        from ..core import check_server_url

        try:
            server_url = check_server_url(server_url, allow_insecure_http=core.allow_insecure_http)
        except ValueError as exc:
            raise InvalidRequestError(str(exc), parameter="server_url") from None
        return server_url + path

    def _query(self, values: Mapping[str, object]) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for name, parameter in self.query.items():
            value = values.get(name)
            if value is not None:
                pairs.extend(parameter.encode(value))
        return pairs

    def _content(self, body: object) -> bytes | None:
        declared = self.body
        if declared is None or (body is None and declared.optional):
            return None
        if not isinstance(body, declared.model):
            raise InvalidRequestError(
                f"body must be a models.{declared.model.__name__}, not {type(body).__name__}",
                parameter="body",
            )
        problem = declared.check(body) if declared.check else None
        if problem:
            raise InvalidRequestError(problem[1], parameter=problem[0])
        try:
            return _serde.dumps(_serde.unstructure(body))
        except (TypeError, ValueError) as exc:
            raise InvalidRequestError(f"the request body cannot be sent: {exc}") from None

    def interpret(self, response: httpx.Response, token: str | None) -> Ok[T] | Err[Any]:
        """Map a response to ``Ok`` or ``Err``. Pure; ``token`` is redacted from errors."""
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
            check = self.api.check_value
            refused = check(value, response) if check is not None else None
            if refused is None:
                return Ok(value, response)
            problem = refused
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
            cls = error_class_for_status(status) if status in self._declared else SDKError
        request = response.request
        # Parse the redacted text: a token the server echoes must not reach the
        # message (built from data) any more than the body.
        body = redact(response.text, token)
        cut = bool(response.extensions.get(_transport.BODY_CUT))
        location = response.headers.get("location") if 300 <= status < 400 else None
        return cls(
            status_code=status,
            method=request.method,
            path=request.url.raw_path.split(b"?")[0].decode("ascii", "replace"),
            headers=redact_headers(response.headers, token),
            # A body over max_response_bytes is only its start, and no JSON.
            body=f"{body}… [cut: over max_response_bytes]"
            if cut
            else shorten(body, ERROR_BODY_LIMIT),
            raw_response=response,
            request_id=request_id_of(response),
            data=None if cut else self._error_body(body, status),
            location=None if location is None else redact(location, token),
        )

    def _error_body(self, body: str, status: int) -> ErrorBody | None:
        try:
            data = _serde.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if not isinstance(data, dict):
            return None
        model: type[ErrorBody] | None
        if "detail" in data and status == 422:
            from ..models.errors import ValidationErrorBody  # FastAPI's, whichever API

            model = ValidationErrorBody
        else:
            model = self.api.error_model(data)
        if model is None:
            return None
        try:
            return _serde.structure(data, model)
        except _serde.DecodeError:
            return None


Headers = Callable[["TillpointCore", Any], dict[str, str]]
ErrorModel = Callable[[dict[str, Any]], "type[ErrorBody] | None"]
ValueCheck = Callable[[Any, "httpx.Response"], "str | None"]
ErrorBodyOf = Callable[[int, "str | None", "str | None", "str | None"], dict[str, Any]]


@attrs.frozen(kw_only=True)
class ApiProfile:
    """Everything every operation of one API shares."""

    name: str
    errors: Any
    """The error union every operation of the API declares (each may add statuses)."""
    headers: Headers
    """The API's own headers, from the core and the call's options."""
    error_model: ErrorModel
    """The model of an error body (a parsed JSON object), or ``None`` if it is not one."""
    error_body: ErrorBodyOf
    """An error body in the API's documented shape, from ``(status, code, message,
    parameter)``: what ``tillpoint.testing.api_error`` answers with."""
    check_id: Callable[[object, str], str] = require_id
    """The rule for a path parameter: returns it, or raises ``InvalidRequestError``."""
    check_value: ValueCheck | None = None
    """A decoded success body the models accept but the API must not have sent (say,
    another version's shape): why it is refused, or ``None``."""
    read_options: frozenset[str] = _REQUEST_OPTIONS
    """The per-call options a GET takes."""
    write_options: frozenset[str] = _REQUEST_OPTIONS
    """The per-call options every other method takes."""
    statuses: frozenset[int] = attrs.field(init=False)
    """The statuses in ``errors``: every operation of the API has their classes."""

    @statuses.default
    def _statuses(self) -> frozenset[int]:
        return declared_statuses(self.errors)

    def __repr__(self) -> str:
        return f"<ApiProfile {self.name}>"

    # One method a verb, so that a declaration reads like the specification's heading.
    # Each funcs module lays its declaration out in two lines (``# fmt: skip`` keeps
    # them): the request (name, path, body), then the answer (model, errors) and retry.

    def get(
        self,
        name: str,
        path: str,
        *,
        returns: type[T],
        errors: Any,
        query: Mapping[str, QueryParameter] | None = None,
    ) -> Operation[T]:
        """A GET: safe, so retried like any idempotent request."""
        return self._operation("GET", name, path, returns, errors, IDEMPOTENT, query=query or {})

    def post(
        self,
        name: str,
        path: str,
        *,
        returns: type[T],
        errors: Any,
        retry: RetryRule,
        body: RequestBody | type[Any] | None = None,
        idempotency_key: bool = False,
        recovery: Recovery | None = None,
    ) -> Operation[T]:
        """A POST: not idempotent by HTTP's definition, so each one states its retry rule
        (and, for a create, how to recover from a lost answer)."""
        return self._operation(
            "POST", name, path, returns, errors, retry,
            body=body, idempotency_key=idempotency_key, recovery=recovery,
        )  # fmt: skip

    def put(
        self, name: str, path: str, *, returns: type[T], errors: Any, body: type[Any]
    ) -> Operation[T]:
        """A PUT: a full replacement, idempotent by HTTP's definition."""
        return self._operation("PUT", name, path, returns, errors, IDEMPOTENT, body=body)

    def delete(self, name: str, path: str, *, errors: Any) -> Operation[None]:
        """A DELETE: idempotent by HTTP's definition; its success has no body (204)."""
        return self._operation("DELETE", name, path, None, errors, IDEMPOTENT)

    def _operation(
        self,
        method: Method,
        name: str,
        path: str,
        returns: type[T] | None,
        errors: Any,
        retry: RetryRule,
        **declared: Any,
    ) -> Operation[T]:
        return Operation(
            name=name,
            api=self,
            options=self.read_options if method == "GET" else self.write_options,
            method=method,
            path=path,
            returns=returns,
            errors=errors,
            retry=retry,
            **declared,
        )


async def _finish(core: TillpointCore, result: Ok[T] | Err[Any]) -> Ok[T] | Err[Any]:
    if core.hooks:
        await run_after(core.hooks, result)
    return result
