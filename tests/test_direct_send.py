"""Sending straight to the client's transport changes nothing a caller can observe.

``_direct`` skips httpx's ``build_request``/``send`` machinery for a client that has
nothing for it to do. Each test here compares that path with httpx's own, which a
trivial subclass of the client takes (a subclass may override ``send``, so it is
never "plain"): the same bytes on the wire, the same response object, and a client
that does carry auth, event hooks, cookies or query parameters still gets them.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tillpoint import Err, Hooks, Ok, TillpointCore, _direct, errors, models
from tillpoint import sync as tp_sync
from tillpoint.funcs import checkouts_create, checkouts_get

from .conftest import BASE_URL, TOKEN
from .reliability.server import Recorded, Reply, ScriptedServer

CHECKOUT = {"id": "c1", "currency": "USD"}


class _HttpxAsync(httpx.AsyncClient):
    """Takes httpx's own path: the reference every direct send is compared with."""


class _HttpxSync(httpx.Client):
    """The same, for the sync API."""


def _body() -> models.CheckoutCreate:
    return models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="s", price=Decimal(1))])


def _wire(requests: list[Recorded]) -> list[tuple[str, list[tuple[str, str]], bytes]]:
    """What the server received, minus what differs per call (the idempotency key)."""
    return [
        (r.request_line, [h for h in r.headers if h[0].lower() != "idempotency-key"], r.body)
        for r in requests
    ]


# --- the wire -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_same_bytes_reach_a_real_server_either_way() -> None:
    client_headers = {"X-Team": "checkout", "accept": "text/plain"}
    received = []
    with ScriptedServer() as server:
        for kind in (httpx.AsyncClient, _HttpxAsync):
            server.script(Reply(200, CHECKOUT), Reply(201, CHECKOUT))
            async with kind(headers=client_headers) as client:
                assert _direct.plain(client) is (kind is httpx.AsyncClient)
                core = TillpointCore(bearer_auth=TOKEN, server_url=server.url, client=client)
                got = await checkouts_get(core, "c1", http_headers={"X-Call": "1"})
                created = await checkouts_create(core, _body())
            assert isinstance(got, Ok), got
            assert isinstance(created, Ok), created
            received.append(_wire(server.requests))
    assert received[0] == received[1]
    headers = dict(received[0][0][1])
    assert headers["X-Team"] == "checkout"  # the client's own default header
    assert headers["Accept"] == "application/json"  # tillpoint's wins over the client's
    assert headers["X-Call"] == "1"


def test_the_same_bytes_reach_a_real_server_either_way_sync() -> None:
    received = []
    with ScriptedServer() as server:
        for kind in (httpx.Client, _HttpxSync):
            server.script(Reply(200, CHECKOUT), Reply(201, CHECKOUT))
            with kind(headers={"X-Team": "checkout"}) as client:
                assert _direct.plain(client) is (kind is httpx.Client)
                core = TillpointCore(bearer_auth=TOKEN, server_url=server.url, client=client)
                assert isinstance(tp_sync.checkouts_get(core, "c1"), Ok)
                assert isinstance(tp_sync.checkouts_create(core, _body()), Ok)
            received.append(_wire(server.requests))
    assert received[0] == received[1]
    assert len(received[0]) == 2


_NAMES = st.sampled_from(
    [
        *("Accept", "accept", "User-Agent", "X-A", "x-a", "X-B", "Authorization", "Connection"),
        *("Host", "content-length", "Content-Length", "Transfer-Encoding"),
    ]
)
_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=8)


@given(
    defaults=st.lists(st.tuples(_NAMES, _VALUES), max_size=5),
    ours=st.dictionaries(_NAMES, _VALUES, max_size=5),
    params=st.none() | st.lists(st.tuples(st.sampled_from(["a", "b"]), _VALUES), max_size=3),
    content=st.none() | st.binary(max_size=8),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "post"]),
)
def test_a_request_is_built_as_httpx_builds_it(
    defaults: list[tuple[str, str]],
    ours: dict[str, str],
    params: list[tuple[str, str]] | None,
    content: bytes | None,
    method: str,
) -> None:
    client = httpx.Client(headers=defaults)
    timeout = httpx.Timeout(3.5)
    url = httpx.URL("https://api.example.com/v1/things/x%2Fy")
    ours_built = _direct.build_request(
        client, method, url, params=params, content=content, headers=ours, timeout=timeout
    )
    httpx_built = client.build_request(
        method, url, params=params, content=content, headers=ours, timeout=timeout
    )
    assert ours_built.method == httpx_built.method
    assert ours_built.url == httpx_built.url
    assert ours_built.headers.raw == httpx_built.headers.raw
    assert ours_built.content == httpx_built.content
    assert type(ours_built.stream) is type(httpx_built.stream)
    assert list(ours_built.stream) == list(httpx_built.stream)  # type: ignore[call-overload]
    assert ours_built.extensions == httpx_built.extensions


# --- what a caller's client carries ---------------------------------------------------


def _recording(seen: list[httpx.Request], status: int = 200, **reply: Any) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=CHECKOUT, **reply)

    return httpx.MockTransport(answer)


class _Signed(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["X-Signature"] = "signed"
        yield request


@pytest.mark.anyio
async def test_a_callers_client_with_hooks_auth_cookies_and_params_still_gets_them() -> None:
    seen: list[httpx.Request] = []
    hooked: list[str] = []

    async def on_request(request: httpx.Request) -> None:
        hooked.append("request")

    async def on_response(response: httpx.Response) -> None:
        hooked.append("response")

    clients: dict[str, Callable[[], httpx.AsyncClient]] = {
        "auth": lambda: httpx.AsyncClient(transport=_recording(seen), auth=_Signed()),
        "hooks": lambda: httpx.AsyncClient(
            transport=_recording(seen),
            event_hooks={"request": [on_request], "response": [on_response]},
        ),
        "cookies": lambda: httpx.AsyncClient(transport=_recording(seen), cookies={"s": "k"}),
        "params": lambda: httpx.AsyncClient(transport=_recording(seen), params={"trace": "1"}),
    }
    for name, make in clients.items():
        async with make() as client:
            assert not _direct.plain(client), name
            core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
            assert isinstance(await checkouts_get(core, "c1"), Ok), name
    auth, hooks, cookies, params = seen
    assert auth.headers["X-Signature"] == "signed"
    assert hooked == ["request", "response"]
    assert "X-Signature" not in hooks.headers
    assert cookies.headers["Cookie"] == "s=k"
    assert params.url.params["trace"] == "1"
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in seen)


@pytest.mark.anyio
async def test_a_cookie_the_server_sets_is_kept_and_sent_back() -> None:
    seen: list[httpx.Request] = []
    transport = _recording(seen, headers={"Set-Cookie": "affinity=node7; Path=/"})
    async with httpx.AsyncClient(transport=transport) as client:
        core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        assert _direct.plain(client)
        assert isinstance(await checkouts_get(core, "c1"), Ok)
        assert client.cookies["affinity"] == "node7"
        assert isinstance(await checkouts_get(core, "c1"), Ok)
    assert "Cookie" not in seen[0].headers
    assert seen[1].headers["Cookie"] == "affinity=node7"


def test_a_cookie_the_server_sets_is_kept_and_sent_back_sync() -> None:
    seen: list[httpx.Request] = []
    transport = _recording(seen, headers={"Set-Cookie": "affinity=node7; Path=/"})
    with httpx.Client(transport=transport) as client:
        core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        assert isinstance(tp_sync.checkouts_get(core, "c1"), Ok)
        assert isinstance(tp_sync.checkouts_get(core, "c1"), Ok)
    assert seen[1].headers["Cookie"] == "affinity=node7"


@pytest.mark.anyio
async def test_a_mounted_transport_is_the_one_used() -> None:
    mounted: list[httpx.Request] = []
    default: list[httpx.Request] = []
    async with httpx.AsyncClient(
        transport=_recording(default), mounts={f"{BASE_URL}/checkouts": _recording(mounted)}
    ) as client:
        assert _direct.plain(client)
        core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        assert isinstance(await checkouts_get(core, "c1"), Ok)
    assert len(mounted) == 1
    assert default == []


@pytest.mark.anyio
async def test_credentials_in_the_server_url_become_basic_auth_as_httpx_makes_them() -> None:
    sent: list[list[tuple[bytes, bytes]]] = []
    for kind in (httpx.AsyncClient, _HttpxAsync):
        seen: list[httpx.Request] = []
        async with kind(transport=_recording(seen)) as client:
            core = TillpointCore(
                bearer_auth=TOKEN, server_url="https://user:pw@api.example.com", client=client
            )
            assert isinstance(await checkouts_get(core, "c1"), Ok)
        sent.append(seen[0].headers.raw)
    assert sent[0] == sent[1]
    assert (b"Authorization", b"Basic dXNlcjpwdw==") in sent[0]


# --- the response ---------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("kind", [httpx.AsyncClient, _HttpxAsync])
async def test_the_raw_response_is_what_httpx_would_have_returned(
    kind: type[httpx.AsyncClient],
) -> None:
    with ScriptedServer() as server:
        server.script(Reply(200, CHECKOUT))
        async with kind(default_encoding="latin-1") as client:
            core = TillpointCore(bearer_auth=TOKEN, server_url=server.url, client=client)
            got = await checkouts_get(core, "c1")
    assert isinstance(got, Ok), got
    response = got.response
    assert response is not None
    assert response.request.url == f"{server.url}/checkouts/c1"
    assert response.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert isinstance(response.elapsed, datetime.timedelta)  # set as the body closed
    assert response.is_closed
    assert response.json() == CHECKOUT
    assert response.http_version == "HTTP/1.1"
    assert response.default_encoding == "latin-1"


@pytest.mark.anyio
@pytest.mark.parametrize("kind", [httpx.AsyncClient, _HttpxAsync])
async def test_a_redirect_is_the_answer_never_followed(kind: type[httpx.AsyncClient]) -> None:
    seen: list[httpx.Request] = []
    transport = _recording(seen, status=302, headers={"Location": "https://elsewhere.example/x"})
    async with kind(transport=transport, follow_redirects=True) as client:
        core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        got = await checkouts_get(core, "c1")
    assert len(seen) == 1
    assert isinstance(got, Err), got
    assert type(got.error) is errors.SDKError
    assert got.error.location == "https://elsewhere.example/x"
    assert got.response is not None
    assert got.response.next_request is not None
    assert got.response.next_request.url == "https://elsewhere.example/x"


@pytest.mark.anyio
async def test_httpx_still_logs_each_request(caplog: pytest.LogCaptureFixture) -> None:
    async with httpx.AsyncClient(transport=_recording([])) as client:
        core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        with caplog.at_level(logging.INFO, logger="httpx"):
            assert isinstance(await checkouts_get(core, "c1"), Ok)
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [f'HTTP Request: GET {BASE_URL}/checkouts/c1 "HTTP/1.1 200 OK"']


@pytest.mark.anyio
async def test_a_client_closed_between_calls_is_the_same_typed_error() -> None:
    client = httpx.AsyncClient(transport=_recording([]))
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
    assert isinstance(await checkouts_get(core, "c1"), Ok)
    await client.aclose()
    got = await checkouts_get(core, "c1")
    assert isinstance(got, Err), got
    assert type(got.error) is errors.InvalidRequestError
    assert "client= is closed" in str(got.error)


@pytest.mark.anyio
async def test_a_client_used_once_cannot_be_opened_again_as_with_httpx() -> None:
    client = httpx.AsyncClient(transport=_recording([]))
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
    assert isinstance(await checkouts_get(core, "c1"), Ok)
    with pytest.raises(RuntimeError, match="more than once"):
        async with client:
            pass  # pragma: no cover
    await client.aclose()


# --- httpcore's trace -----------------------------------------------------------------

_EVERY_EVENT = [
    f"{step}.{end}"
    for step in (
        "connection.connect_tcp",
        "http11.send_request_headers",
        "http11.send_request_body",
        "http11.receive_response_headers",
        "http11.receive_response_body",
        "http11.response_closed",
    )
    for end in ("started", "complete")
]


def _core_tracing_into(url: str, tracer: Callable[..., Any]) -> TillpointCore:
    """A core whose before_request hook sets the caller's own ``tracer`` on each request."""

    def trace(request: httpx.Request) -> None:
        request.extensions["trace"] = tracer

    return TillpointCore(bearer_auth=TOKEN, server_url=url, hooks=Hooks(before_request=trace))


@pytest.mark.anyio
async def test_a_callers_tracer_still_sees_every_event() -> None:
    # tillpoint's own tracer stops listening once the request is being written; one
    # the caller sets (here from a before_request hook) is chained to the end.
    events: list[str] = []

    async def tracer(event: str, info: dict[str, object]) -> None:
        events.append(event)

    with ScriptedServer() as server:
        server.script(Reply(200, CHECKOUT))
        async with _core_tracing_into(server.url, tracer) as core:
            assert isinstance(await checkouts_get(core, "c1"), Ok)
    assert events == _EVERY_EVENT


def test_a_callers_tracer_still_sees_every_event_sync() -> None:
    events: list[str] = []
    with ScriptedServer() as server:
        server.script(Reply(200, CHECKOUT))
        with contextlib.closing(
            _core_tracing_into(server.url, lambda event, info: events.append(event))
        ) as core:
            assert isinstance(tp_sync.checkouts_get(core, "c1"), Ok)
    assert events == _EVERY_EVENT
