"""Hostile input: secrets stay secret, ids stay in their segment, any body is a typed result.

The wire-level checks here go over real sockets (the scripted server records the
raw request line); the property tests use ``httpx.MockTransport`` so that hypothesis
can try hundreds of bodies in a second.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillpoint import Err, Ok, RetryConfig, TillpointCore, errors
from tillpoint.core import DEFAULT_MAX_RESPONSE_BYTES
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_get,
    checkouts_list,
    sessions_get,
)
from tillpoint.hooks import Hooks

from .conftest import TOKEN, make_core
from .server import Reply, Reset, ScriptedServer, Stall, refused_port
from .test_faults import BODY

FIXTURES = Path(__file__).parent.parent / "fixtures"
CHECKOUT_JSON: dict[str, Any] = json.loads((FIXTURES / "seed002_checkout.json").read_text())
SESSION_JSON: dict[str, Any] = {
    "type": "checkout-session",
    "id": "4137b1cf-39ac-42a8-bad6-1c680d5dab6b",
    "expires_at": "2030-01-01T12:00:00Z",
    "amount": 1299,
    "currency": "USD",
    "metadata": {"order": "42"},
    "cart_items": [{"name": "Joust", "quantity": 1, "unit_amount": 1299}],
    "buyer": {"billing_details": {"first_name": "A", "address": {"country": "US"}}},
    "payment_method": None,
}
LIST_JSON: dict[str, Any] = {"hasMore": False, "data": [CHECKOUT_JSON]}


# --- the bearer token never leaks -----------------------------------------------------


class Everything(logging.Handler):
    """Every record from every logger, formatted as a handler would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [self.format(r) + repr(r.args) + repr(r.__dict__) for r in self.records]


@pytest.fixture
def every_log() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    previous = root.level
    loggers = [root] + [
        logging.getLogger(name) for name in ("tillpoint", "httpx", "httpcore", "hpack")
    ]
    levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        root.setLevel(previous)


def surfaces(result: Ok[Any] | Err[Any]) -> list[str]:
    """Every text a result shows: repr and str of it and its error (and causes), the
    error's body and message, its pickled form."""
    texts = [repr(result), str(result)]
    if isinstance(result, Err):
        error: BaseException | None = result.error
        texts.append(pickle.dumps(result.error).decode("latin-1"))
        while error is not None:
            texts += [repr(error), str(error), repr(error.args)]
            texts += [str(getattr(error, name, "")) for name in ("body", "message", "data")]
            error = error.__cause__ or error.__context__
    return texts


@pytest.mark.anyio
async def test_the_token_never_appears_in_a_result_or_a_log_record(
    server: ScriptedServer, every_log: Everything
) -> None:
    # The server echoes the token back in an error body and in its messages, as
    # misconfigured gateways do; tillpoint must not pass it on.
    echo = {
        "type": "unauthorized",
        "errors": [{"code": "bad_token", "message": f"token Bearer {TOKEN} is not valid"}],
    }
    scenarios: list[tuple[str, list[Any], Callable[[TillpointCore], Any]]] = [
        ("success", [Reply(200, CHECKOUT_JSON)], lambda c: checkouts_get(c, "c1")),
        ("error", [Reply(401, echo)], lambda c: checkouts_get(c, "c1")),
        ("error-html", [Reply(403, f"<p>{TOKEN}</p>")], lambda c: checkouts_get(c, "c1")),
        ("retried", [Reply(503, echo), Reply(201, CHECKOUT_JSON)],
            lambda c: checkouts_create(c, BODY)),
        ("retried-out", [Reply(503, echo)], lambda c: checkouts_get(c, "c1")),
        ("timeout", [Stall(2)], lambda c: checkouts_get(c, "c1", timeout_ms=100)),
        ("bad-body", [Reply(200, {"id": TOKEN, "totalAmount": "x"})],
            lambda c: checkouts_get(c, "c1")),
    ]  # fmt: skip
    seen: list[str] = []

    async def after_error(response: httpx.Response | None, error: Exception) -> None:
        seen.extend([repr(error), str(error)])

    async with make_core(server.url, hooks=Hooks(after_error=after_error)) as core:
        seen += [repr(core), str(core), repr(core.with_options(timeout_ms=5))]
        for name, script, call in scenarios:
            server.script(*script)
            result = await call(core)
            seen += surfaces(result)
            assert any(TOKEN in (r.header("authorization") or "") for r in server.requests), name
        # And with nothing listening at all.
        refused = core.with_options(server_url=f"http://127.0.0.1:{refused_port()}")
        seen += surfaces(await checkouts_get(refused, "c1"))

    seen += every_log.lines()
    assert any(r.name.startswith("tillpoint") for r in every_log.records)
    assert any(r.name.startswith("httpcore") for r in every_log.records)  # DEBUG really on
    leaks = [text for text in seen if TOKEN in text]
    assert leaks == []


@pytest.mark.anyio
async def test_a_token_from_a_callable_is_as_secret(
    server: ScriptedServer, every_log: Everything
) -> None:
    async def fetch_token() -> str:
        return TOKEN

    server.script(Reply(401, {"errors": [{"code": "x", "message": TOKEN}]}))
    async with make_core(server.url, bearer_auth=fetch_token) as core:
        result = await checkouts_get(core, "c1")
        assert isinstance(result, Err)
        texts = [*surfaces(result), repr(core), *every_log.lines()]
    assert [t for t in texts if TOKEN in t] == []


@pytest.mark.anyio
async def test_a_token_echoed_in_response_headers_is_redacted(server: ScriptedServer) -> None:
    # A gateway echoing the credential in its headers: as a value, and inside one.
    echoed = {
        "X-Echo-Authorization": f"Bearer {TOKEN}",
        "WWW-Authenticate": f'Bearer error="invalid_token", token="{TOKEN}"',
        "X-Token": TOKEN,
    }
    async with make_core(server.url, retry_config=RetryConfig.none()) as core:
        for status in (401, 418, 503, 301):
            server.script(Reply(status, {"type": "x", "errors": []}, headers=echoed))
            result = await checkouts_get(core, "c1")
            assert isinstance(result, Err)
            error = result.error
            assert isinstance(error, errors.APIError)
            assert error.status_code == status
            texts = [*surfaces(result), repr(error.headers), str(dict(error.headers))]
            assert [t for t in texts if TOKEN in t] == []
            assert error.headers["x-token"] == "[REDACTED]"
            assert "[REDACTED]" in error.headers["www-authenticate"]
            restored = pickle.loads(pickle.dumps(error))
            assert TOKEN not in repr(dict(restored.headers))
            assert restored.status_code == status


@pytest.mark.anyio
async def test_a_pickled_connection_error_carries_no_request_headers(
    server: ScriptedServer,
) -> None:
    async with make_core(server.url, retry_config=RetryConfig.none()) as core:
        refused = core.with_options(server_url=f"http://127.0.0.1:{refused_port()}")
        server.script(Reset())
        results = [
            await checkouts_get(refused, "c1"),  # refused: nothing sent
            await checkouts_get(core, "c1"),  # reset once sent
            await checkouts_get(core, "c1", timeout_ms=1, http_headers={"X-Slow": "1"}),
        ]
    for result in results:
        assert isinstance(result, Err)
        error = result.error
        assert isinstance(error, errors.APIConnectionError)
        # httpx's exception, where there was one (tillpoint's own deadline has none).
        causes = [] if error.__cause__ is None else [error.__cause__]
        assert causes or isinstance(error, errors.APITimeoutError)
        for pickled in [pickle.dumps(e) for e in (error, *causes)]:
            assert TOKEN.encode() not in pickled
            assert b"authorization" not in pickled.lower()
        restored = pickle.loads(pickle.dumps(error))
        assert type(restored) is type(error)
        assert str(restored) == str(error)
        assert (restored.method, restored.path) == ("GET", "/checkouts/c1")


# --- path parameters stay in their segment --------------------------------------------

HOSTILE_IDS = [
    "../",
    "..",
    ".",
    "/",
    "?",
    "#",
    "%2F",
    "%2e%2e",
    " c1 ",
    "a b",
    "naïve-ü-東京",
    "../../checkouts?limit=1",
    "c1/sources/s1",
    "c1#fragment",
    "c1?expand=all",
    "\\..\\admin",
    "c1\r\nX-Injected: 1",
]


@pytest.mark.anyio
async def test_hostile_ids_reach_only_the_intended_endpoint(server: ScriptedServer) -> None:
    server.script(Reply(404, {"type": "not_found", "errors": []}))
    async with make_core(server.url, retry_config=RetryConfig.none()) as core:
        for hostile in HOSTILE_IDS:
            await checkouts_get(core, hostile)
            await sessions_get(core, hostile)
            await checkouts_attach_source(core, hostile, hostile)
        # A blank id is refused before anything is sent.
        blank = await checkouts_get(core, " ")
        assert isinstance(blank, Err)
        assert type(blank.error) is errors.InvalidRequestError
    targets = [r.target for r in server.requests]
    assert len(targets) == 3 * len(HOSTILE_IDS)
    for index, hostile in enumerate(HOSTILE_IDS):
        get, session, attach = targets[3 * index : 3 * index + 3]
        for target, prefix, segments in (
            (get, ["checkouts"], 1),
            (session, ["checkout", "sessions"], 1),
            (attach, ["checkouts", "sources"], 2),
        ):
            assert "?" not in target and "#" not in target, target
            parts = target.split("/")[1:]
            assert len(parts) == len(prefix) + segments, target
            ids = [unquote(p) for p in parts if p not in prefix]
            assert ids == [hostile] * segments, target
            assert all(p not in (".", "..") for p in parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile=st.text(min_size=1).filter(lambda s: s.strip()))
def test_any_id_is_exactly_one_path_segment(hostile: str) -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404)

    async def main() -> None:
        async with _mock_core(record) as core:
            result = await checkouts_get(core, hostile)
            assert isinstance(result, Err)

    anyio.run(main)
    (request,) = sent
    raw = request.url.raw_path.decode("ascii")
    assert raw.startswith("/checkouts/")
    segment = raw[len("/checkouts/") :]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert segment not in (".", "..")
    assert unquote(segment) == hostile


# --- plain http:// --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://api.digitalriver.com",
        "http://127.0.0.1.evil.example",
        "http://127.evil.example",
        "http://localhost.evil.example",
        "http://127.0.0.1@evil.example",
        "http://10.0.0.1",
        "http://[2001:db8::1]",
        "http://0x7f.0.0.1",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="refusing plain http"):
        TillpointCore(bearer_auth=TOKEN, server_url=url)
    core = TillpointCore(bearer_auth=TOKEN)
    with pytest.raises(ValueError, match="refusing plain http"):
        core.with_options(server_url=url)
    monkeypatch.setenv("TILLPOINT_SERVER_URL", url)
    with pytest.raises(ValueError, match="refusing plain http"):
        TillpointCore(bearer_auth=TOKEN)
    # Opting in is explicit, and then it is allowed.
    assert TillpointCore(server_url=url, allow_insecure_http=True).server_url == url


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:3000", "http://[::1]:80",
     "http://app.localhost"],
)  # fmt: skip
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert TillpointCore(bearer_auth=TOKEN, server_url=url).server_url == url


@pytest.mark.anyio
async def test_a_per_call_http_server_url_is_refused_before_anything_is_sent() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=CHECKOUT_JSON)

    async with _mock_core(record) as core:
        result = await checkouts_get(core, "c1", server_url="http://api.digitalriver.com")
        assert isinstance(result, Err)
        assert type(result.error) is errors.InvalidRequestError
        assert result.error.parameter == "server_url"
    assert sent == []


# --- any body is Ok or a typed Err ----------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["", "USD", "2021-03-23T17:34:17Z", "not-a-date", "1e999", "-0"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one value, somewhere inside it, replaced by arbitrary JSON."""
    doc = copy.deepcopy(document)
    if draw(st.booleans()) and isinstance(doc, dict):
        # A known key deleted, or set to null: the two ways a field goes missing.
        key = draw(st.sampled_from(sorted(doc)))
        if draw(st.booleans()):
            del doc[key]
        else:
            doc[key] = None
        return doc
    node = doc
    while True:
        children = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not children:
            return draw(json_values)
        key = draw(st.sampled_from(children))
        child = node[key]
        if isinstance(child, (dict, list)) and child and draw(st.booleans()):
            node = child
            continue
        node[key] = draw(json_values)
        return doc


def bodies(document: Any) -> st.SearchStrategy[bytes]:
    return st.one_of(
        mutated(document).map(lambda d: json.dumps(d).encode()),
        json_values.map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=64),
    )


@asynccontextmanager
async def _mock_core(
    handler: Callable[[httpx.Request], httpx.Response],
) -> AsyncIterator[TillpointCore]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        yield TillpointCore(
            bearer_auth=TOKEN,
            server_url="https://api.test",
            client=client,
            retry_config=RetryConfig.none(),
        )


def _outcome_of(call: Callable[[TillpointCore], Any], status: int, body: bytes) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": "application/json"})

    async def main() -> Any:
        async with _mock_core(answer) as core:
            return await call(core)

    return anyio.run(main)


def _assert_typed(result: Any, status: int) -> None:
    assert isinstance(result, (Ok, Err)), result
    if isinstance(result, Err):
        assert isinstance(result.error, errors.TillpointError), result.error
        if status >= 400:
            assert isinstance(result.error, errors.APIError)
            assert result.error.status_code == status
            repr(result.error), str(result.error)
    else:
        assert 200 <= status < 300


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(body=bodies(CHECKOUT_JSON))
def test_any_body_in_place_of_a_checkout(body: bytes) -> None:
    _assert_typed(_outcome_of(lambda c: checkouts_get(c, "c1"), 200, body), 200)


@PROPERTY
@given(body=bodies(SESSION_JSON))
def test_any_body_in_place_of_a_checkout_session(body: bytes) -> None:
    _assert_typed(_outcome_of(lambda c: sessions_get(c, "s1"), 200, body), 200)


@PROPERTY
@given(body=bodies(LIST_JSON))
def test_any_body_in_place_of_a_list_page(body: bytes) -> None:
    _assert_typed(_outcome_of(lambda c: checkouts_list(c), 200, body), 200)


ERROR_JSON = {
    "type": "bad_request",
    "errors": [{"code": "invalid_parameter", "parameter": "currency", "message": "x"}],
    "detail": [{"loc": ["body", "currency"], "msg": "x", "type": "value_error"}],
    "code": "bad_request",
    "message": "x",
    "details": [{"location": "body", "pointer": "/currency", "message": "x", "type": "x"}],
}


@PROPERTY
@given(
    body=bodies(ERROR_JSON),
    status=st.sampled_from(
        [400, 401, 403, 404, 405, 409, 418, 422, 425, 429, 500, 502, 503, 504, 599]
    ),
    gr4vy=st.booleans(),
)
def test_any_error_body(body: bytes, status: int, gr4vy: bool) -> None:
    call = (lambda c: sessions_get(c, "s1")) if gr4vy else (lambda c: checkouts_get(c, "c1"))
    _assert_typed(_outcome_of(call, status, body), status)


def test_the_documented_maximum_body_size() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 32 * 1024 * 1024
    assert TillpointCore(bearer_auth=TOKEN).max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES
