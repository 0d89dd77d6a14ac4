"""tillpoint.sync: the async functions and façade, run to completion without an event loop.

Wire-level tests (respx: it mocks httpx's sync transport as well as the async one),
plus the sandbox served over 127.0.0.1 for whole flows.
"""

from __future__ import annotations

import inspect
import logging
import ssl
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx
import trio

import tillpoint.sync
from tillpoint import Err, Hooks, Ok, RetryConfig, TillpointCore, errors, funcs, models
from tillpoint._pool import shared_ssl_context
from tillpoint.hooks import HookError
from tillpoint.sandbox import Sandbox
from tillpoint.sync import Tillpoint, checkouts_get, checkouts_list, sessions_create

from .conftest import BASE_URL, FAST_RETRIES, TOKEN

CHECKOUT = {"id": "c1", "currency": "USD", "totalAmount": 26.89}


@pytest.fixture
def core(mock_api: respx.MockRouter) -> Any:
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, retry_config=FAST_RETRIES)
    yield core
    core.close()


def page(ids: list[str], has_more: bool) -> dict[str, object]:
    return {"hasMore": has_more, "data": [{"id": i} for i in ids]}


# --- the same surface ------------------------------------------------------------------


@pytest.mark.parametrize("name", funcs.__all__)
def test_each_function_has_its_async_twins_name_and_signature(name: str) -> None:
    blocking = getattr(tillpoint.sync, name)
    original = getattr(funcs, name)
    assert blocking.__name__ == name
    assert not inspect.iscoroutinefunction(blocking)
    assert inspect.signature(blocking) == inspect.signature(original)
    assert name in tillpoint.sync.__all__
    assert blocking is getattr(tillpoint.sync, name)  # made once, then kept


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_function"):
        tillpoint.sync.no_such_function  # noqa: B018


# --- results, errors, retries -----------------------------------------------------------


def test_a_sync_call_returns_ok_and_err_as_the_async_one_does(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    mock_api.get("/checkouts/gone").respond(404, json={"type": "not_found", "errors": []})

    found = checkouts_get(core, "c1")
    assert isinstance(found, Ok) and found.value.total_amount == Decimal("26.89")
    assert found.response is not None and found.response.status_code == 200
    missing = checkouts_get(core, "gone")
    assert isinstance(missing, Err) and isinstance(missing.error, errors.Error404)
    refused = checkouts_get(core, " ")
    assert isinstance(refused, Err) and isinstance(refused.error, errors.InvalidRequestError)
    assert isinstance(checkouts_list(core, limit=0).error, errors.InvalidRequestError)


def test_retries_wait_with_the_sync_sleep_and_reuse_the_retry_decisions(
    core: TillpointCore, mock_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr("tillpoint.sync._driver.sleep", waits.append)
    route = mock_api.get("/checkouts/c1")
    route.side_effect = [
        httpx.Response(503, headers={"Retry-After": "7"}),
        httpx.Response(500),
        httpx.Response(200, json=CHECKOUT),
    ]
    result = checkouts_get(core, "c1", retries=RetryConfig(max_attempts=3))
    assert isinstance(result, Ok)
    assert route.call_count == 3
    assert waits[0] == 7  # the server's Retry-After, as in the async API
    assert len(waits) == 2


def test_a_connection_failure_is_a_typed_error_not_an_httpx_exception(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").mock(side_effect=httpx.ConnectError("refused"))
    result = checkouts_get(core, "c1")
    assert isinstance(result, Err) and isinstance(result.error, errors.APIConnectionError)
    assert isinstance(result.error.__cause__, httpx.ConnectError)


def test_a_body_larger_than_the_limit_is_refused(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, content=b"x" * 5_000)
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, max_response_bytes=1_000)
    result = checkouts_get(core, "c1")
    core.close()
    assert isinstance(result, Err) and isinstance(result.error, errors.ResponseValidationError)
    assert "max_response_bytes" in str(result.error)


# --- hooks, tokens, logging ----------------------------------------------------------------


def test_sync_hooks_and_a_sync_token_callable_run_as_in_the_async_api(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    mock_api.get("/checkouts/gone").respond(404, json={})
    seen: list[str] = []
    hooks = Hooks(
        before_request=lambda request: seen.append(request.headers["authorization"]),
        after_success=lambda response: seen.append(f"ok {response.status_code}"),
        after_error=lambda response, error: seen.append(type(error).__name__),
    )
    tokens = iter(["t1", "t2"])
    tenant = core.with_options(hooks=hooks, bearer_auth=lambda: next(tokens))

    assert checkouts_get(tenant, "c1").ok
    assert not checkouts_get(tenant, "gone").ok
    assert seen == ["Bearer t1", "ok 200", "Bearer t2", "Error404"]


def test_an_async_hook_that_never_suspends_still_runs(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    seen: list[int] = []

    async def after(response: httpx.Response) -> None:
        seen.append(response.status_code)

    assert checkouts_get(core.with_options(hooks=Hooks(after_success=after)), "c1").ok
    assert seen == [200]


def test_an_async_hook_that_waits_is_a_clear_type_error(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)

    class Suspend:
        def __await__(self) -> Any:
            yield  # what awaiting an event loop's future does

    async def before(request: httpx.Request) -> None:
        await Suspend()

    with pytest.raises(TypeError, match="sync call runs hooks and bearer_auth callables"):
        checkouts_get(core.with_options(hooks=Hooks(before_request=before)), "c1")
    assert not mock_api.routes[0].called


def test_an_async_token_callable_that_waits_is_a_clear_type_error(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    class Suspend:
        def __await__(self) -> Any:
            yield

    async def token() -> str:
        await Suspend()
        return TOKEN

    with pytest.raises(TypeError, match="must be plain functions"):
        checkouts_get(core.with_options(bearer_auth=token), "c1")


def test_a_failing_hook_is_a_hook_error_as_in_the_async_api(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)

    def broken(response: httpx.Response) -> None:
        raise ValueError("metrics down")

    with pytest.raises(HookError) as raised:
        checkouts_get(core.with_options(hooks=Hooks(after_success=broken)), "c1")
    assert isinstance(raised.value.result, Ok)


def test_token_auth_signs_for_sync_calls_too(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    pytest.importorskip("jwt")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tillpoint.auth import with_token

    key = ec.generate_private_key(ec.SECP521R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    route = mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    signed = core.with_options(bearer_auth=with_token(key.decode()))
    assert checkouts_get(signed, "c1").ok
    assert checkouts_get(signed, "c1").ok
    sent = [call.request.headers["authorization"] for call in route.calls]
    assert sent[0].startswith("Bearer ey") and sent[0] == sent[1]  # cached, as async


def test_sync_calls_log_the_same_metadata(
    core: TillpointCore, mock_api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT, headers={"x-request-id": "r-1"})
    with caplog.at_level(logging.DEBUG, logger="tillpoint"):
        assert checkouts_get(core, "c1").ok
    (record,) = [r for r in caplog.records if r.name.startswith("tillpoint")]
    assert "GET /checkouts/c1" in record.getMessage() and "200" in record.getMessage()
    assert TOKEN not in caplog.text


# --- inside an event loop -------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_sync_call_inside_a_running_event_loop_fails_at_once(
    core: TillpointCore, mock_api: respx.MockRouter, anyio_backend: str
) -> None:
    route = mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    with pytest.raises(TypeError, match=r"await tillpoint\.funcs\.checkouts_get") as raised:
        checkouts_get(core, "c1")
    assert anyio_backend in str(raised.value)
    tp = Tillpoint(core=core)
    with pytest.raises(TypeError, match=r"await tp\.checkouts\.get"):
        tp.checkouts.get("c1")
    with pytest.raises(TypeError, match="async for"):
        list(tp.checkouts.list())
    assert not route.called
    # ... and the async function, awaited, works on the same core.
    assert (await funcs.checkouts_get(core, "c1")).ok


# --- the façade --------------------------------------------------------------------------------


def test_the_facade_returns_values_and_raises_errors(mock_api: respx.MockRouter) -> None:
    mock_api.post("/checkouts").respond(201, json=CHECKOUT)
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    mock_api.post("/checkouts/c1").respond(200, json=CHECKOUT)
    mock_api.delete("/checkouts/c1").respond(204)
    mock_api.post("/checkouts/c1/sources/s1").respond(200, json={"id": "s1", "amount": 26.89})
    mock_api.delete("/checkouts/c1/sources/s1").respond(204)
    mock_api.get("/checkouts/gone").respond(404, json={"type": "not_found", "errors": []})

    body = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="k", price=Decimal(1))])
    with Tillpoint(bearer_auth=TOKEN, retry_config=RetryConfig.none()) as tp:
        assert tp.checkouts.create(body).total_amount == Decimal("26.89")
        assert tp.checkouts.get("c1").id == "c1"
        assert tp.checkouts.update("c1", models.CheckoutUpdate(email="a@b.c")).id == "c1"
        assert tp.checkouts.attach_source("c1", "s1").amount == Decimal("26.89")
        assert tp.checkouts.detach_source("c1", "s1") is None
        assert tp.checkouts.delete("c1") is None
        with pytest.raises(errors.Error404):
            tp.checkouts.get("gone")
        assert TOKEN not in repr(tp)
    with pytest.raises(TypeError, match="either core= or"):
        Tillpoint(core=tp.core, bearer_auth=TOKEN)


def test_list_is_a_plain_for_over_every_checkout_and_pages_page_by_page(
    mock_api: respx.MockRouter,
) -> None:
    route = mock_api.get("/checkouts")
    route.side_effect = lambda request: httpx.Response(
        200,
        json=page(["c3", "c4"], False)
        if request.url.params.get("startingAfter") == "c2"
        else page(["c1", "c2"], True),
    )
    with Tillpoint(bearer_auth=TOKEN) as tp:
        assert [c.id for c in tp.checkouts.list(limit=2)] == ["c1", "c2", "c3", "c4"]
        pages = [[c.id for c in p.data] for p in tp.checkouts.list(limit=2).pages()]
        assert pages == [["c1", "c2"], ["c3", "c4"]]
        assert tp.checkouts.list(limit=2).first_page().has_more
        for checkout in tp.checkouts.list(limit=2):  # leaving early closes the pager
            assert checkout.id == "c1"
            break
    assert route.call_count == 6


def test_the_same_core_serves_async_and_sync_calls(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL)

    async def main() -> bool:
        return (await funcs.checkouts_get(core, "c1")).ok

    assert checkouts_get(core, "c1").ok
    assert trio.run(main)
    assert checkouts_get(core, "c1").ok
    core.close()


# --- pools and TLS ----------------------------------------------------------------------------


def test_one_sync_client_per_core_made_on_first_use_and_closed_by_close(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    assert not core._pool.started
    checkouts_get(core, "c1")
    client, _ = core._pool.blocking()
    checkouts_get(core.with_options(timeout_ms=5_000), "c1")
    assert core._pool.blocking()[0] is client  # with_options copies share it
    core.close()
    assert client.is_closed
    assert checkouts_get(core, "c1").ok  # a new pool is made on demand
    assert core._pool.blocking()[0] is not client


def test_a_callers_sync_client_is_used_and_never_closed(mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    with httpx.Client(headers={"x-mine": "1"}) as client:
        core = TillpointCore(bearer_auth=TOKEN, client=client)
        assert checkouts_get(core, "c1").ok
        core.close()
        assert not client.is_closed
    assert route.calls.last.request.headers["x-mine"] == "1"


def test_a_client_of_another_kind_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"httpx\.AsyncClient or httpx\.Client"):
        TillpointCore(bearer_auth=TOKEN, client="https://example.com")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_every_pool_shares_one_ssl_context(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL)
    await funcs.checkouts_get(core, "c1")
    shared = shared_ssl_context(True)
    async_pool = core.client()._transport._pool  # type: ignore[attr-defined]
    assert async_pool._ssl_context is shared
    assert core._pool.blocking()[0]._transport._pool._ssl_context is shared  # type: ignore[attr-defined]
    assert TillpointCore(bearer_auth=TOKEN).client()._transport._pool._ssl_context is shared  # type: ignore[attr-defined]
    await core.aclose()


def test_verify_settings_each_get_their_own_context(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shared_ssl_context(True) is shared_ssl_context(True)
    assert shared_ssl_context(False).verify_mode == ssl.CERT_NONE
    mine = ssl.create_default_context()
    assert shared_ssl_context(mine) is mine
    # SSL_CERT_FILE is honoured, as httpx honours it: a new context trusting that file.
    import certifi

    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    assert shared_ssl_context(True) is not shared_ssl_context(False)
    assert shared_ssl_context(True) is shared_ssl_context(True)
    assert shared_ssl_context(certifi.where()).verify_mode == ssl.CERT_REQUIRED
    assert shared_ssl_context(str(tmp_path)).verify_mode == ssl.CERT_REQUIRED


# --- over real HTTP, against the sandbox --------------------------------------------------------


def test_a_whole_flow_over_http_against_the_sandbox(served: tuple[Sandbox, str]) -> None:
    _, base_url = served
    body = models.CheckoutCreate(
        currency="USD", items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("4.50"))]
    )
    with Tillpoint(bearer_auth=TOKEN, server_url=base_url) as tp:
        created = tp.checkouts.create(body)
        assert tp.checkouts.get(created.id).id == created.id
        assert created.id in [c.id for c in tp.checkouts.list(limit=1)]
        assert tp.checkouts.delete(created.id) is None
        with pytest.raises(errors.Error404):
            tp.checkouts.get(created.id)
        session = tp.sessions.create(models.CheckoutSessionCreate(amount=1299))
        assert tp.sessions.get(session.id).id == session.id
        assert tp.sessions.delete(session.id) is None
        result = sessions_create(tp.core, None)
        assert isinstance(result, Ok)


# --- types -----------------------------------------------------------------------------------


@pytest.mark.slow  # runs mypy: seconds
def test_type_checkers_see_the_async_signatures_without_await(mypy_flags: Any) -> None:
    flagged, out = mypy_flags(
        """
        from tillpoint import TillpointCore, models
        from tillpoint.result import Ok
        from tillpoint.sync import Tillpoint, checkouts_get, checkouts_list

        def use(core: TillpointCore, tp: Tillpoint) -> None:
            result = checkouts_get(core, "c1", timeout_ms=5)
            if isinstance(result, Ok):
                checkout: models.Checkout = result.value
            page = checkouts_list(core, limit=5).unwrap()
            first: models.Checkout = page.data[0]
            made: models.Checkout = tp.checkouts.create(models.CheckoutCreate(currency="USD"))
            for listed in tp.checkouts.list(limit=5):
                also: models.Checkout = listed
            checkouts_get(core, "c1", timeout=5)
            checkouts_get(core)
            tp.checkouts.get(7)
            wrong: str = tp.checkouts.get("c1")
        """
    )
    assert flagged == [15, 16, 17, 18], out
