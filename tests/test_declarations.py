"""What an operation's declaration and its API profile promise: the pinned Digital River
version, the statuses every Digital River operation declares (406 and 408 included), the
hooks every outcome reaches, and ``prepare``/``interpret`` usable without sending."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from tillpoint import Err, Hooks, Ok, RetryConfig, TillpointCore, errors, funcs, models
from tillpoint.funcs._operation import Operation, PreparedRequest
from tillpoint.funcs._profiles import DIGITAL_RIVER, DIGITAL_RIVER_VERSION, GR4VY, DigitalRiverError
from tillpoint.funcs._query import Integer

from .conftest import BASE_URL, FAST_RETRIES, TOKEN

pytestmark = pytest.mark.anyio

NO_RETRY = RetryConfig.none()
CHECKOUT = {"id": "c1", "currency": "USD"}
SESSION = {"id": "s1", "expires_at": "2026-01-01T00:00:00.000000+00:00"}
BODY = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="sku", quantity=1)])

Call = Callable[[TillpointCore], Awaitable[Any]]

# Each Digital River operation: how to call it, and the request it makes.
DIGITAL_RIVER_CALLS: dict[str, tuple[Call, str, str]] = {
    "list": (lambda core: funcs.checkouts_list(core), "GET", "/checkouts"),
    "create": (lambda core: funcs.checkouts_create(core, BODY), "POST", "/checkouts"),
    "get": (lambda core: funcs.checkouts_get(core, "c1"), "GET", "/checkouts/c1"),
    "update": (
        lambda core: funcs.checkouts_update(core, "c1", models.CheckoutUpdate(email="a@b.c")),
        "POST",
        "/checkouts/c1",
    ),
    "delete": (lambda core: funcs.checkouts_delete(core, "c1"), "DELETE", "/checkouts/c1"),
    "attach": (
        lambda core: funcs.checkouts_attach_source(core, "c1", "src"),
        "POST",
        "/checkouts/c1/sources/src",
    ),
    "detach": (
        lambda core: funcs.checkouts_detach_source(core, "c1", "src"),
        "DELETE",
        "/checkouts/c1/sources/src",
    ),
}

GR4VY_CALLS: dict[str, Call] = {
    "create": lambda core: funcs.sessions_create(core),
    "get": lambda core: funcs.sessions_get(core, "s1"),
    "update": lambda core: funcs.sessions_update(core, "s1", models.CheckoutSessionCreate()),
    "delete": lambda core: funcs.sessions_delete(core, "s1"),
}


@pytest.mark.parametrize("operation", DIGITAL_RIVER_CALLS)
async def test_every_digital_river_call_sends_the_pinned_version_unless_the_core_says_otherwise(
    mock_api: respx.MockRouter, operation: str
) -> None:
    call, method, path = DIGITAL_RIVER_CALLS[operation]
    route = mock_api.route(method=method, path=path).respond(404)
    async with TillpointCore(bearer_auth=TOKEN, retry_config=NO_RETRY) as core:
        await call(core)
        await call(core.with_options(api_version="2020-09-30"))

    versions = [c.request.headers.get("digitalriver-version") for c in route.calls]
    assert versions == [DIGITAL_RIVER_VERSION, "2020-09-30"]
    assert DIGITAL_RIVER_VERSION == "2021-12-13"


@pytest.mark.parametrize("operation", GR4VY_CALLS)
async def test_gr4vy_calls_never_send_the_digital_river_version(operation: str) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.route().respond(404)
        async with TillpointCore(
            bearer_auth=TOKEN, retry_config=NO_RETRY, api_version="2021-12-13"
        ) as core:
            await GR4VY_CALLS[operation](core)

    assert route.call_count == 1
    assert "digitalriver-version" not in route.calls.last.request.headers


@pytest.mark.parametrize("operation", DIGITAL_RIVER_CALLS)
@pytest.mark.parametrize(("status", "cls"), [(406, errors.Error406), (408, errors.Error408)])
async def test_every_digital_river_operation_declares_406_and_408(
    mock_api: respx.MockRouter, operation: str, status: int, cls: type[errors.APIError]
) -> None:
    call, method, path = DIGITAL_RIVER_CALLS[operation]
    body = {"type": "request_timeout", "errors": [{"code": "x", "message": "too slow"}]}
    mock_api.route(method=method, path=path).respond(status, json=body)
    async with TillpointCore(bearer_auth=TOKEN, retry_config=NO_RETRY) as core:
        result = await call(core)

    assert isinstance(result, Err)
    assert type(result.error) is cls
    assert result.error.status_code == status
    assert isinstance(result.error.data, models.DigitalRiverErrorBody)


async def test_a_408_is_retried(mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts/c1")
    route.side_effect = [httpx.Response(408), httpx.Response(200, json=CHECKOUT)]
    async with TillpointCore(bearer_auth=TOKEN, retry_config=FAST_RETRIES) as core:
        result = await funcs.checkouts_get(core, "c1")

    assert isinstance(result, Ok)
    assert result.value.id == "c1"
    assert route.call_count == 2


@pytest.mark.parametrize("status", [406, 408, 418])
async def test_statuses_an_api_does_not_declare_stay_sdk_errors(status: int) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.route().respond(status)
        async with TillpointCore(bearer_auth=TOKEN, retry_config=NO_RETRY) as core:
            result = await funcs.sessions_get(core, "s1")  # Gr4vy declares neither 406 nor 408

    assert isinstance(result, Err)
    assert type(result.error) is errors.SDKError
    assert result.error.status_code == status


async def test_a_refused_list_reaches_the_after_error_hooks(mock_api: respx.MockRouter) -> None:
    seen: list[tuple[httpx.Response | None, errors.TillpointError]] = []

    def after_error(response: httpx.Response | None, error: errors.TillpointError) -> None:
        seen.append((response, error))

    route = mock_api.get("/checkouts")
    hooks = Hooks(after_error=after_error)
    async with TillpointCore(bearer_auth=TOKEN, hooks=hooks) as core:
        result = await funcs.checkouts_list(core, limit=0)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "limit"
    assert seen == [(None, result.error)]
    assert not route.called


def test_prepare_builds_the_request_without_sending(mock_api: respx.MockRouter) -> None:
    from tillpoint.funcs.checkouts_list import _OPERATION

    route = mock_api.route()
    core = TillpointCore(bearer_auth=TOKEN)

    request = _OPERATION.prepare(core, (), {"limit": 5, "ids": ["a", "b"]}, None, {})

    assert isinstance(request, PreparedRequest)
    assert (request.method, request.url) == ("GET", f"{BASE_URL}/checkouts")
    assert request.query == [("limit", "5"), ("ids", "a"), ("ids", "b")]
    assert request.content is None
    assert request.headers == {"DigitalRiver-Version": DIGITAL_RIVER_VERSION}
    with pytest.raises(errors.InvalidRequestError, match="limit"):
        _OPERATION.prepare(core, (), {"limit": 101}, None, {})
    assert not route.called


def test_interpret_maps_a_response_without_a_connection() -> None:
    from tillpoint.funcs.checkouts_get import _OPERATION

    request = httpx.Request("GET", f"{BASE_URL}/checkouts/c1")
    ok = _OPERATION.interpret(httpx.Response(200, json=CHECKOUT, request=request), None)
    gone = _OPERATION.interpret(httpx.Response(404, json={}, request=request), None)
    odd = _OPERATION.interpret(httpx.Response(409, json={}, request=request), None)

    assert isinstance(ok, Ok) and ok.value.id == "c1"
    assert isinstance(gone, Err) and type(gone.error) is errors.Error404
    assert isinstance(odd, Err) and type(odd.error) is errors.SDKError  # get declares no 409


def test_a_declaration_must_name_its_apis_shared_statuses() -> None:
    with pytest.raises(TypeError, match="shared union"):
        GR4VY.get("bad", "/x", returns=models.Checkout, errors=DigitalRiverError)

    declared = DIGITAL_RIVER.get("fine", "/x", returns=models.Checkout, errors=DigitalRiverError)
    assert isinstance(declared, Operation)
    assert declared.api is DIGITAL_RIVER


def test_a_call_that_does_not_fit_its_declaration_is_a_programming_error() -> None:
    operation = DIGITAL_RIVER.get(
        "op",
        "/things/{thing_id}",
        returns=models.Checkout,
        errors=DigitalRiverError,
        query={"limit": Integer("limit", minimum=1, maximum=100)},
    )
    core = TillpointCore(bearer_auth=TOKEN)

    with pytest.raises(TypeError, match="takes 1 ids"):
        operation.prepare(core, (), None, None, {})
    with pytest.raises(TypeError, match="'limt'; did you mean 'limit'"):
        operation.prepare(core, ("t1",), {"limt": 5}, None, {})
    with pytest.raises(TypeError, match="'limt'; did you mean 'limit'"):
        operation.prepare(core, ("t1",), None, None, {"limt": 5})  # type: ignore[typeddict-unknown-key]
    assert operation.prepare(core, ("t1",), {"limit": 5}, None, {}).query == [("limit", "5")]
