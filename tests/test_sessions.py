"""Gr4vy checkout sessions on the wire: every operation's method, path, headers and
body; every error body shape; open enums and unknown fields; the merchant-account
header; and the named servers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timezone
from typing import Any

import anyio
import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import Err, Ok, RetryConfig, Tillpoint, TillpointCore, _serde, errors, models
from tillpoint.funcs import (
    checkouts_get,
    sessions_create,
    sessions_delete,
    sessions_get,
    sessions_update,
)

from .conftest import FAST_RETRIES, TOKEN

pytestmark = pytest.mark.anyio

GR4VY_URL = "https://api.sandbox.example.gr4vy.app"
SESSION_ID = "4137b1cf-39ac-42a8-bad6-1c680d5dab6b"
MERCHANT_HEADER = "x-gr4vy-merchant-account-id"
SESSION = {
    "type": "checkout-session",
    "id": SESSION_ID,
    "expires_at": "2013-07-16T19:23:00.000+00:00",
    "cart_items": None,
    "metadata": None,
    "buyer": None,
    "airline": None,
    "amount": None,
    "currency": None,
    "payment_service_id": None,
    "payment_method": None,
}
NO_RETRIES = RetryConfig.none()


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TILLPOINT_SERVER_URL", "TILLPOINT_MERCHANT_ACCOUNT_ID", "TILLPOINT_BEARER_AUTH"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def gr4vy_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=GR4VY_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def core(gr4vy_api: respx.MockRouter) -> AsyncIterator[TillpointCore]:
    # server="sandbox" with the default id is GR4VY_URL: the named server under test.
    async with TillpointCore(bearer_auth=TOKEN, server="sandbox", retry_config=FAST_RETRIES) as c:
        yield c


def sent_json(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def session(**fields: Any) -> dict[str, Any]:
    return {**SESSION, **fields}


def assert_common_headers(request: httpx.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("tillpoint/")
    assert MERCHANT_HEADER not in request.headers  # none configured anywhere
    assert "idempotency-key" not in request.headers  # Gr4vy sessions have none


# --- the four operations ------------------------------------------------------------


async def test_create_posts_exactly_the_fields_set_and_decodes_201(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    cart = {"name": "GoPro HD", "quantity": 2, "unit_amount": 1299, "product_type": "physical"}
    route = gr4vy_api.post("/checkout/sessions").respond(
        201, json=session(amount=2598, currency="USD", cart_items=[cart])
    )
    body = models.CheckoutSessionCreate(
        amount=2598,
        currency="USD",
        cart_items=[
            models.CartItem(name="GoPro HD", quantity=2, unit_amount=1299, product_type="physical")
        ],
        metadata={"order_id": "order-12345"},
        buyer=models.GuestBuyer(
            display_name="Ann",
            billing_details=models.BillingDetails(
                email_address="ann@example.com",
                phone_number="+14155552671",
                address=models.SessionAddress(line1="1 Main St", country="US", state_code="US-CA"),
                tax_id=models.TaxId(value="GB123456789", kind="gb.vat"),
            ),
            shipping_details=models.ShippingDetails(first_name="Ann"),
        ),
        payment_service_id=None,
    )

    result = await sessions_create(core, body)

    assert isinstance(result, Ok), result
    assert result.response is not None and result.response.status_code == 201
    created = result.value
    assert created.id == SESSION_ID
    assert created.expires_at == datetime(2013, 7, 16, 19, 23, tzinfo=timezone.utc)
    assert created.cart_items == [
        models.CartItem(name="GoPro HD", quantity=2, unit_amount=1299, product_type="physical")
    ]
    assert created.payment_method is None
    request = route.calls.last.request
    assert request.method == "POST"
    assert request.url == f"{GR4VY_URL}/checkout/sessions"
    assert_common_headers(request)
    assert request.headers["content-type"] == "application/json"
    assert sent_json(route) == {
        "cart_items": [cart],
        "metadata": {"order_id": "order-12345"},
        "buyer": {
            "display_name": "Ann",
            "billing_details": {
                "email_address": "ann@example.com",
                "phone_number": "+14155552671",
                "address": {"line1": "1 Main St", "country": "US", "state_code": "US-CA"},
                "tax_id": {"value": "GB123456789", "kind": "gb.vat"},
            },
            "shipping_details": {"first_name": "Ann"},
        },
        "amount": 2598,
        "currency": "USD",
        "payment_service_id": None,  # set to None: sent as null
    }  # and no expires_in: it was never set


async def test_create_without_a_body_sends_no_body_at_all(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.post("/checkout/sessions").respond(201, json=SESSION)

    first = await sessions_create(core)
    second = await sessions_create(core, None)

    assert isinstance(first, Ok) and isinstance(second, Ok)
    assert first.value.id == SESSION_ID and first.value.amount is None
    for call in route.calls:
        assert call.request.content == b""
        assert "content-type" not in call.request.headers
        assert call.request.headers.get("content-length", "0") == "0"
        assert_common_headers(call.request)


async def test_create_with_an_empty_model_sends_an_empty_object(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.post("/checkout/sessions").respond(201, json=SESSION)

    await sessions_create(core, models.CheckoutSessionCreate())

    assert route.calls.last.request.content == b"{}"


async def test_expires_in_is_sent_when_set(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.post("/checkout/sessions").respond(201, json=SESSION)

    await sessions_create(core, models.CheckoutSessionCreate(expires_in=7200))

    assert sent_json(route) == {"expires_in": 7200}


@pytest.mark.parametrize("body", [models.CheckoutCreate(currency="USD"), {"amount": 1}, "{}"])
async def test_create_rejects_a_body_that_is_not_the_model(
    core: TillpointCore, gr4vy_api: respx.MockRouter, body: object
) -> None:
    route = gr4vy_api.route()

    result = await sessions_create(core, body)  # type: ignore[arg-type]

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "body"
    assert "CheckoutSessionCreate" in str(result.error)
    assert not route.called


async def test_update_puts_only_what_was_set_and_never_an_expiry_by_itself(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.put(f"/checkout/sessions/{SESSION_ID}").respond(
        200, json=session(amount=100, currency="EUR")
    )

    result = await sessions_update(
        core, SESSION_ID, models.CheckoutSessionCreate(amount=100, currency="EUR", metadata=None)
    )

    assert isinstance(result, Ok), result
    assert result.value.amount == 100 and result.value.currency == "EUR"
    request = route.calls.last.request
    assert request.method == "PUT"
    assert_common_headers(request)
    assert request.headers["content-type"] == "application/json"
    assert sent_json(route) == {"metadata": None, "amount": 100, "currency": "EUR"}
    assert b"expires_in" not in request.content

    await sessions_update(core, SESSION_ID, models.CheckoutSessionCreate(expires_in=86400))
    assert sent_json(route) == {"expires_in": 86400}


@pytest.mark.parametrize("body", [None, models.CheckoutUpdate()])
async def test_update_requires_a_body(
    core: TillpointCore, gr4vy_api: respx.MockRouter, body: object
) -> None:
    route = gr4vy_api.route()

    result = await sessions_update(core, SESSION_ID, body)  # type: ignore[arg-type]

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "body"
    assert not route.called


async def test_get_decodes_the_payment_method_and_its_details(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    method = {
        "type": "payment-method",
        "id": "77a76f7e-d2de-4bbc-ada9-d6a0015e6bd5",
        "method": "card",
        "scheme": "visa",
        "label": "1111",
        "fingerprint": "a50b85c200ee0795d6fd33a5c66f37a4564f554355c5b46a756aac485dd168a4",
        "details": {
            "bin": "411111",
            "card_country": "US",
            "card_type": "credit",
            "card_issuer_name": "Test Bank",
        },
    }
    route = gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(
        200, json=session(payment_method=method)
    )

    result = await sessions_get(core, SESSION_ID)

    assert isinstance(result, Ok), result
    request = route.calls.last.request
    assert request.method == "GET" and request.content == b""
    assert "content-type" not in request.headers
    assert_common_headers(request)
    payment_method = result.value.payment_method
    assert isinstance(payment_method, models.CheckoutSessionPaymentMethod)
    assert payment_method.scheme == "visa" and payment_method.label == "1111"
    assert payment_method.details == models.CheckoutSessionPaymentMethodDetails(
        bin="411111", card_country="US", card_type="credit", card_issuer_name="Test Bank"
    )
    assert _serde.unstructure(payment_method) == method


async def test_delete_returns_ok_none_on_204(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.delete(f"/checkout/sessions/{SESSION_ID}").respond(204)

    result = await sessions_delete(core, SESSION_ID)

    assert isinstance(result, Ok) and result.value is None
    assert result.response is not None and result.response.status_code == 204
    request = route.calls.last.request
    assert request.method == "DELETE" and request.content == b""
    assert_common_headers(request)


async def test_a_success_body_that_is_not_a_session_is_a_response_validation_error(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(200, json={"id": SESSION_ID})

    result = await sessions_get(core, SESSION_ID)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.ResponseValidationError)
    assert "expires_at" in str(result.error)


# --- error bodies ---------------------------------------------------------------------


GR4VY_ERRORS = [
    (400, "bad_request", "Generic error", errors.Error400),
    (401, "unauthorized", "No valid API authentication found", errors.Error401),
    (403, "forbidden", "Generic error", errors.Error403),
    (404, "not_found", "The resource could not be found", errors.Error404),
    (405, "method_not_allowed", "Method Not Allowed", errors.Error405),
    (409, "duplicate_record", "Generic error", errors.Error409),
    (425, "too_early", "Generic error", errors.Error425),
    (429, "too_many_requests", "Generic error", errors.Error429),
    (500, "server_error", "Request could not be processed", errors.Error500),
    (502, "bad_gateway", "Request could not be processed", errors.Error502),
    (504, "gateway_timeout", "Request could not be processed", errors.Error504),
]


@pytest.mark.parametrize(("status", "code", "message", "cls"), GR4VY_ERRORS)
async def test_every_gr4vy_error_body_is_parsed_into_data(
    core: TillpointCore,
    gr4vy_api: respx.MockRouter,
    status: int,
    code: str,
    message: str,
    cls: type[errors.APIError],
) -> None:
    detail = {
        "location": "body",
        "pointer": "/currency",
        "message": "Unknown ISO 4217 currency code: USX",
        "type": "value_error",
    }
    body: dict[str, Any] = {
        "type": "error",
        "code": code,
        "status": status,
        "message": message,
        "details": [detail],
    }
    gr4vy_api.put(f"/checkout/sessions/{SESSION_ID}").respond(status, json=body)

    result = await sessions_update(
        core, SESSION_ID, models.CheckoutSessionCreate(currency="USX"), retries=NO_RETRIES
    )

    assert isinstance(result, Err)
    error = result.error
    assert type(error) is cls
    assert isinstance(error, errors.APIError)
    assert error.status_code == status
    assert isinstance(error.data, models.Gr4vyErrorBody)
    assert error.data.type == "error"
    assert error.data.code == code
    assert error.data.status == status
    assert error.data.message == message
    assert error.data.details == [
        models.Gr4vyErrorDetail(
            location="body",
            pointer="/currency",
            message="Unknown ISO 4217 currency code: USX",
            type="value_error",
        )
    ]
    assert json.loads(error.body) == body
    assert str(error).startswith(f"{status} ")
    assert f"PUT /checkout/sessions/{SESSION_ID}" in str(error)
    assert f"{message} ({code}); /currency: Unknown ISO 4217 currency code: USX" in str(error)


async def test_a_409_carries_the_resource_id(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    gr4vy_api.post("/checkout/sessions").respond(
        409,
        json={
            "type": "error",
            "code": "duplicate_record",
            "status": 409,
            "message": "Generic error",
            "details": [],
            "resource_id": "d9e8b6c6-3f9f-4b4f-9c8a-5b7f4f3c2e1a",
        },
    )

    result = await sessions_create(core)

    assert isinstance(result, Err) and isinstance(result.error, errors.Error409)
    assert isinstance(result.error.data, models.Gr4vyErrorBody)
    assert result.error.data.resource_id == "d9e8b6c6-3f9f-4b4f-9c8a-5b7f4f3c2e1a"
    assert result.error.data.details == []


async def test_a_422_is_an_http_validation_error_with_every_detail(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    detail = [
        {
            "type": "greater_than",
            "loc": ["body", "cart_items", 0, "quantity"],
            "msg": "Input should be greater than 0",
            "input": 0,
            "ctx": {"gt": 0},
        },
        {
            "type": "extra_forbidden",
            "loc": ["body", "colour"],
            "msg": "Extra inputs are not permitted",
            "input": "red",
        },
    ]
    gr4vy_api.post("/checkout/sessions").respond(422, json={"detail": detail})

    result = await sessions_create(
        core,
        models.CheckoutSessionCreate(
            cart_items=[models.CartItem(name="x", quantity=0, unit_amount=1)],
            extra_fields={"colour": "red"},
        ),
    )

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, errors.HTTPValidationError) and error.status_code == 422
    assert isinstance(error.data, models.ValidationErrorBody)
    assert error.data.detail == [
        models.ValidationErrorDetail(
            loc=["body", "cart_items", 0, "quantity"],
            msg="Input should be greater than 0",
            type="greater_than",
            input=0,
            ctx={"gt": 0},
        ),
        models.ValidationErrorDetail(
            loc=["body", "colour"], msg="Extra inputs are not permitted", type="extra_forbidden",
            input="red",
        ),
    ]  # fmt: skip
    assert error.data.detail[1].ctx is models.UNSET
    assert "body.cart_items.0.quantity: Input should be greater than 0" in str(error)


async def test_get_422_has_no_body_and_is_still_typed(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(422)

    result = await sessions_get(core, SESSION_ID)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.HTTPValidationError)
    assert result.error.data is None and result.error.body == ""
    assert str(result.error) == f"422 Unprocessable Entity on GET /checkout/sessions/{SESSION_ID}"


@pytest.mark.parametrize(
    ("status", "response", "cls"),
    [
        # Not Gr4vy-shaped: the status's class, no data, the raw body kept.
        (502, httpx.Response(502, text="<html>Bad Gateway</html>"), errors.Error502),
        (400, httpx.Response(400, json={"details": "oops"}), errors.Error400),
        (404, httpx.Response(404, json={"detail": "Not Found"}), errors.Error404),
        (400, httpx.Response(400, json=["a", "list"]), errors.Error400),
        (400, httpx.Response(400, json={}), errors.Error400),
        # Gr4vy does not declare 503; tillpoint still names it.
        (503, httpx.Response(503, json={"type": "error", "code": "unavailable"}), errors.Error503),
        (418, httpx.Response(418, json={"type": "error", "code": "teapot"}), errors.SDKError),
    ],
)
async def test_odd_error_bodies_still_give_the_status_class(
    core: TillpointCore,
    gr4vy_api: respx.MockRouter,
    status: int,
    response: httpx.Response,
    cls: type[errors.APIError],
) -> None:
    gr4vy_api.delete(f"/checkout/sessions/{SESSION_ID}").mock(return_value=response)

    result = await sessions_delete(core, SESSION_ID, retries=NO_RETRIES)

    assert isinstance(result, Err)
    assert type(result.error) is cls
    assert isinstance(result.error, errors.APIError)
    assert result.error.status_code == status
    assert result.error.body == response.text
    if status in (503, 418):
        assert isinstance(result.error.data, models.Gr4vyErrorBody)
        assert result.error.data.code == response.json()["code"]
    else:
        assert result.error.data is None


async def test_a_token_echoed_in_an_error_body_is_redacted(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(
        401, json={"type": "error", "code": "unauthorized", "message": f"bad token {TOKEN}"}
    )

    result = await sessions_get(core, SESSION_ID)

    assert isinstance(result, Err) and isinstance(result.error, errors.Error401)
    assert TOKEN not in result.error.body
    assert TOKEN not in str(result.error) and TOKEN not in repr(result.error)


# --- retries ----------------------------------------------------------------------


async def test_create_retries_only_what_surely_did_nothing(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.post("/checkout/sessions")
    route.side_effect = [httpx.Response(503), httpx.Response(201, json=SESSION)]

    assert isinstance(await sessions_create(core), Ok)
    assert route.call_count == 2

    route.reset()
    route.side_effect = [httpx.Response(500), httpx.Response(201, json=SESSION)]
    result = await sessions_create(core)
    assert isinstance(result, Err) and isinstance(result.error, errors.Error500)
    assert route.call_count == 1  # a 500 may have created a session: not repeated


async def test_update_get_and_delete_retry_server_errors(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    path = f"/checkout/sessions/{SESSION_ID}"
    put = gr4vy_api.put(path)
    put.side_effect = [httpx.Response(502), httpx.Response(200, json=SESSION)]
    get = gr4vy_api.get(path)
    get.side_effect = [httpx.Response(500), httpx.Response(200, json=SESSION)]
    delete = gr4vy_api.delete(path)
    delete.side_effect = [httpx.Response(504), httpx.Response(204)]

    assert isinstance(await sessions_update(core, SESSION_ID, models.CheckoutSessionCreate()), Ok)
    assert isinstance(await sessions_get(core, SESSION_ID), Ok)
    assert isinstance(await sessions_delete(core, SESSION_ID), Ok)
    assert (put.call_count, get.call_count, delete.call_count) == (2, 2, 2)


# --- forward compatibility ----------------------------------------------------------


async def test_unknown_enum_values_and_fields_survive_a_round_trip(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    cart_item = {
        "name": "Hoverboard",
        "quantity": 1,
        "unit_amount": 99900,
        "product_type": "time_machine",  # not (yet) a documented value
        "carbon_offset": {"grams": 12},  # not (yet) a documented field
    }
    future = session(
        cart_items=[cart_item],
        airline={"ticket_delivery_method": "teleport", "legs": [{"route_type": "loop"}]},
        payment_method={
            "type": "payment-method",
            "method": "card",
            "scheme": "futurecard",
            "details": {"card_type": "virtual", "card_network_token": True},
        },
        loyalty_points=40,
    )
    gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(200, json=future)
    put = gr4vy_api.put(f"/checkout/sessions/{SESSION_ID}").respond(200, json=future)

    fetched = await sessions_get(core, SESSION_ID)
    assert isinstance(fetched, Ok), fetched
    value = fetched.value
    assert value.extra_fields == {"loyalty_points": 40}
    assert value.cart_items and value.cart_items[0].product_type == "time_machine"
    assert value.cart_items[0].extra_fields == {"carbon_offset": {"grams": 12}}
    assert value.airline and value.airline.ticket_delivery_method == "teleport"
    assert value.payment_method and value.payment_method.scheme == "futurecard"
    assert value.payment_method.details and value.payment_method.details.card_type == "virtual"

    # Everything comes back out as it came in (only the timestamp's spelling changes).
    assert _serde.unstructure(value) == {**future, "expires_at": "2013-07-16T19:23:00Z"}

    # And what was fetched can be sent straight back.
    await sessions_update(
        core,
        SESSION_ID,
        models.CheckoutSessionCreate(cart_items=value.cart_items, airline=value.airline),
    )
    assert sent_json(put) == {"cart_items": [cart_item], "airline": future["airline"]}


_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
_json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    product_type=st.text(min_size=1, max_size=30),
    scheme=st.text(min_size=1, max_size=30),
    extra=st.dictionaries(_keys.map(lambda k: f"x_{k}"), _json_scalars, max_size=4),
)
def test_any_open_enum_value_and_unknown_field_round_trips(
    product_type: str, scheme: str, extra: dict[str, Any]
) -> None:
    data = {
        **extra,
        "id": SESSION_ID,
        "expires_at": "2030-01-01T00:00:00Z",
        "cart_items": [{**extra, "name": "n", "quantity": 1, "unit_amount": 0,
                        "product_type": product_type}],
        "payment_method": {**extra, "scheme": scheme},
    }  # fmt: skip

    decoded = _serde.structure(data, models.CheckoutSession)

    assert decoded.cart_items and decoded.cart_items[0].product_type == product_type
    assert decoded.payment_method and decoded.payment_method.scheme == scheme
    assert decoded.extra_fields == extra
    assert _serde.unstructure(decoded) == data
    assert _serde.loads(_serde.dumps(_serde.unstructure(decoded))) == data


def test_a_cart_item_needs_its_three_required_fields() -> None:
    with pytest.raises(_serde.DecodeError, match="unit_amount"):
        _serde.structure({"name": "n", "quantity": 1}, models.CartItem)
    with pytest.raises(TypeError):
        models.CartItem(name="n", quantity=1)  # type: ignore[call-arg]


def test_models_show_only_what_is_set() -> None:
    body = models.CheckoutSessionCreate(amount=5, metadata=None)

    assert repr(body) == "CheckoutSessionCreate(metadata=None, amount=5)"
    assert _serde.unstructure(body) == {"metadata": None, "amount": 5}


# --- ids --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["", "   ", None, 42])
async def test_blank_session_ids_are_rejected_before_sending(
    core: TillpointCore, gr4vy_api: respx.MockRouter, bad_id: Any
) -> None:
    route = gr4vy_api.route()
    body = models.CheckoutSessionCreate()

    for result in (
        await sessions_get(core, bad_id),
        await sessions_update(core, bad_id, body),
        await sessions_delete(core, bad_id),
    ):
        assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
        assert result.error.parameter == "session_id"
        assert result.response is None
    assert not route.called


@pytest.mark.parametrize(
    ("session_id", "raw_path"),
    [
        ("../../checkouts", b"/checkout/sessions/..%2F..%2Fcheckouts"),
        ("..", b"/checkout/sessions/%2E%2E"),
        ("a/b?c=d#e", b"/checkout/sessions/a%2Fb%3Fc%3Dd%23e"),
        ("100% sure", b"/checkout/sessions/100%25%20sure"),
        ("café", b"/checkout/sessions/caf%C3%A9"),
    ],
)
async def test_session_ids_are_percent_encoded(
    core: TillpointCore, gr4vy_api: respx.MockRouter, session_id: str, raw_path: bytes
) -> None:
    route = gr4vy_api.route().respond(200, json=SESSION)

    await sessions_get(core, session_id)
    await sessions_update(core, session_id, models.CheckoutSessionCreate())

    assert [call.request.url.raw_path for call in route.calls] == [raw_path, raw_path]


@settings(max_examples=40, deadline=None)
@given(session_id=st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_session_id_stays_one_path_segment(session_id: str) -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async def scenario() -> None:
        # A mock transport, not respx: no TLS context to build for each example.
        async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
            core = TillpointCore(bearer_auth=TOKEN, server="sandbox", client=client)
            assert isinstance(await sessions_delete(core, session_id), Ok)

    anyio.run(scenario)

    (request,) = seen
    assert request.url.host == "api.sandbox.example.gr4vy.app"
    raw_path = request.url.raw_path

    prefix = b"/checkout/sessions/"
    assert raw_path.startswith(prefix)
    segment = raw_path[len(prefix) :]
    assert b"/" not in segment and b"?" not in segment and b"#" not in segment
    assert segment not in (b".", b"..")


# --- the merchant-account header -------------------------------------------------------


async def test_merchant_account_precedence_call_then_core_then_env(
    gr4vy_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(200, json=SESSION)
    monkeypatch.setenv("TILLPOINT_MERCHANT_ACCOUNT_ID", "from-env")

    async with TillpointCore(bearer_auth=TOKEN, server="sandbox") as from_env:
        await sessions_get(from_env, SESSION_ID)
        await sessions_get(from_env, SESSION_ID, merchant_account_id="per-call")
    async with TillpointCore(
        bearer_auth=TOKEN, server="sandbox", merchant_account_id="from-core"
    ) as from_core:
        await sessions_get(from_core, SESSION_ID)
        await sessions_get(from_core, SESSION_ID, merchant_account_id="per-call")
        await sessions_get(from_core, SESSION_ID, merchant_account_id=None)  # None: inherit
        await sessions_get(from_core.with_options(merchant_account_id="copy"), SESSION_ID)

    sent = [call.request.headers.get(MERCHANT_HEADER) for call in route.calls]
    assert sent == ["from-env", "per-call", "from-core", "per-call", "from-core", "copy"]


async def test_every_session_operation_sends_the_merchant_account(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    route = gr4vy_api.route()
    route.side_effect = [
        httpx.Response(201, json=SESSION),
        httpx.Response(200, json=SESSION),
        httpx.Response(200, json=SESSION),
        httpx.Response(204),
    ]
    options = {"merchant_account_id": "acme-eu"}

    await sessions_create(core, **options)  # type: ignore[arg-type]
    await sessions_update(core, SESSION_ID, models.CheckoutSessionCreate(), **options)  # type: ignore[arg-type]
    await sessions_get(core, SESSION_ID, **options)  # type: ignore[arg-type]
    await sessions_delete(core, SESSION_ID, **options)  # type: ignore[arg-type]

    assert [c.request.method for c in route.calls] == ["POST", "PUT", "GET", "DELETE"]
    assert [c.request.headers[MERCHANT_HEADER] for c in route.calls] == ["acme-eu"] * 4


async def test_digital_river_calls_never_send_the_merchant_account() -> None:
    with respx.mock(base_url="https://api.digitalriver.com") as router:
        route = router.get("/checkouts/abc").respond(200, json={"id": "abc"})
        async with TillpointCore(bearer_auth=TOKEN, merchant_account_id="acme") as core:
            assert isinstance(await checkouts_get(core, "abc"), Ok)

    assert MERCHANT_HEADER not in route.calls.last.request.headers


async def test_each_api_gets_only_its_own_headers(gr4vy_api: respx.MockRouter) -> None:
    """``api_version`` is Digital River's ``DigitalRiver-Version``; ``merchant_account_id`` is
    Gr4vy's header. One core configured with both sends each only to its own API."""
    session_route = gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(200, json=SESSION)
    with respx.mock(base_url="https://api.digitalriver.com") as dr:
        checkout_route = dr.get("/checkouts/abc").respond(200, json={"id": "abc"})
        async with TillpointCore(
            bearer_auth=TOKEN, api_version="2021-12-13", merchant_account_id="acme"
        ) as core:
            assert isinstance(await checkouts_get(core, "abc"), Ok)
            gr4vy = core.with_options(server_url=GR4VY_URL)
            assert isinstance(await sessions_get(gr4vy, SESSION_ID), Ok)

    dr_headers = checkout_route.calls.last.request.headers
    assert dr_headers["digitalriver-version"] == "2021-12-13"
    assert MERCHANT_HEADER not in dr_headers
    gr4vy_headers = session_route.calls.last.request.headers
    assert gr4vy_headers[MERCHANT_HEADER] == "acme"
    assert "digitalriver-version" not in gr4vy_headers


@pytest.mark.parametrize("bad", ["", "  ", "acme\r\nx-evil: 1", "café", 7])
async def test_a_merchant_account_that_cannot_be_a_header_is_rejected(
    core: TillpointCore, gr4vy_api: respx.MockRouter, bad: Any
) -> None:
    route = gr4vy_api.route()

    result = await sessions_get(core, SESSION_ID, merchant_account_id=bad)

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "merchant_account_id"
    assert not route.called


# --- servers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "url"),
    [
        ({"server": "sandbox"}, "https://api.sandbox.example.gr4vy.app"),
        ({"server": "sandbox", "id": "acme"}, "https://api.sandbox.acme.gr4vy.app"),
        ({"server": "production"}, "https://api.example.gr4vy.app"),
        ({"server": "production", "id": "acme"}, "https://api.acme.gr4vy.app"),
        ({"server": "digitalriver"}, "https://api.digitalriver.com"),
        ({}, "https://api.digitalriver.com"),
        (
            {"server": "production", "server_url": "https://gw.example.com/"},
            "https://gw.example.com",
        ),
    ],
)
def test_named_servers(options: dict[str, str], url: str) -> None:
    assert TillpointCore(**options).server_url == url  # type: ignore[arg-type]


def test_an_unknown_server_name_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="unknown server 'staging'") as raised:
        TillpointCore(server="staging")

    for name in ("digitalriver", "production", "sandbox"):
        assert name in str(raised.value)


async def test_sessions_go_to_the_named_gr4vy_server() -> None:
    with respx.mock(assert_all_called=False) as router:
        production = router.post("https://api.acme.gr4vy.app/checkout/sessions").respond(
            201, json=SESSION
        )
        sandbox = router.post("https://api.sandbox.acme.gr4vy.app/checkout/sessions").respond(
            201, json=SESSION
        )
        async with TillpointCore(bearer_auth=TOKEN, server="production", id="acme") as core:
            assert isinstance(await sessions_create(core), Ok)
            assert isinstance(
                await sessions_create(core, server_url="https://api.sandbox.acme.gr4vy.app"), Ok
            )

    assert production.call_count == 1 and sandbox.call_count == 1


# --- the façade --------------------------------------------------------------------------


async def test_facade_returns_values_and_raises_errors(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    path = f"/checkout/sessions/{SESSION_ID}"
    create = gr4vy_api.post("/checkout/sessions").respond(201, json=session(amount=1))
    gr4vy_api.put(path).respond(200, json=session(amount=2))
    delete = gr4vy_api.delete(path).respond(204)
    get = gr4vy_api.get(path)
    get.side_effect = [
        httpx.Response(200, json=session(amount=1)),
        httpx.Response(404, json={"type": "error", "code": "not_found", "status": 404}),
    ]
    tp = Tillpoint(core=core)

    created = await tp.sessions.create(merchant_account_id="m-1")
    assert isinstance(created, models.CheckoutSession) and created.amount == 1
    assert create.calls.last.request.content == b""
    assert create.calls.last.request.headers[MERCHANT_HEADER] == "m-1"
    assert (await tp.sessions.get(created.id)).amount == 1
    updated = await tp.sessions.update(created.id, models.CheckoutSessionCreate(amount=2))
    assert updated.amount == 2
    assert await tp.sessions.delete(created.id) is None
    assert delete.called
    with pytest.raises(errors.Error404) as raised:
        await tp.sessions.get(created.id)
    assert isinstance(raised.value.data, models.Gr4vyErrorBody)
    assert raised.value.data.code == "not_found"
    with pytest.raises(errors.InvalidRequestError):
        await tp.sessions.delete("")


async def test_a_passengers_date_of_birth_is_a_date_both_ways(
    core: TillpointCore, gr4vy_api: respx.MockRouter
) -> None:
    passenger = {"first_name": "Ann", "date_of_birth": "1990-01-31"}
    route = gr4vy_api.post("/checkout/sessions").respond(
        201, json=session(airline={"passengers": [passenger]})
    )
    body = models.CheckoutSessionCreate(
        airline=models.Airline(
            passengers=[models.AirlinePassenger(first_name="Ann", date_of_birth=date(1990, 1, 31))]
        )
    )

    result = await sessions_create(core, body)

    assert sent_json(route) == {"airline": {"passengers": [passenger]}}
    assert isinstance(result, Ok)
    assert result.value.airline
    assert result.value.airline.passengers
    assert result.value.airline.passengers[0].date_of_birth == date(1990, 1, 31)


@pytest.mark.parametrize("bad", ["1990-02-30", "19900131", "31/01/1990", 19900131])
async def test_a_date_that_is_not_yyyy_mm_dd_is_a_response_validation_error(
    core: TillpointCore, gr4vy_api: respx.MockRouter, bad: object
) -> None:
    gr4vy_api.get(f"/checkout/sessions/{SESSION_ID}").respond(
        200, json=session(airline={"passengers": [{"date_of_birth": bad}]})
    )

    result = await sessions_get(core, SESSION_ID)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.ResponseValidationError)
    assert "airline.passengers[0].date_of_birth" in str(result.error)
