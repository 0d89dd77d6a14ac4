"""Gr4vy checkout sessions: contract §5 and §6.3."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sandbox_support import GR4VY_AUTH

from tillpoint.sandbox import Sandbox
from tillpoint.testing import FakeClock

NOT_FOUND = {
    "type": "error",
    "code": "not_found",
    "status": 404,
    "message": "The resource could not be found",
    "details": [],
}
UNAUTHORIZED = {
    "type": "error",
    "code": "unauthorized",
    "status": 401,
    "message": "No valid API authentication found",
    "details": [],
}
ECHOED_NULLS = (
    "cart_items",
    "metadata",
    "buyer",
    "airline",
    "amount",
    "currency",
    "payment_service_id",
)

CART_ITEM = {"name": "GoPro HD", "quantity": 2, "unit_amount": 1299}
FULL_CART_ITEM = {
    "name": "GoPro HD",
    "quantity": 2,
    "unit_amount": 1299,
    "discount_amount": 0,
    "tax_amount": 0,
    "external_identifier": None,
    "sku": None,
    "upc": None,
    "product_url": None,
    "image_url": None,
    "categories": None,
    "subcategories": None,
    "brand": None,
    "product_type": None,
    "seller_country": None,
    "tax_exempt": None,
    "unit_of_measure": None,
    "commodity_code": None,
    "description": None,
    "duty_amount": None,
    "shipping_amount": None,
}


@pytest.mark.anyio
async def test_create_without_body(gr: httpx.AsyncClient) -> None:
    response = await gr.post("/checkout/sessions")
    assert response.status_code == 201
    session = response.json()
    assert set(session) == {*ECHOED_NULLS, "type", "id", "expires_at", "payment_method"}
    assert session["type"] == "checkout-session"
    assert uuid.UUID(session["id"]).version == 4
    assert session["expires_at"] == "2030-01-01T13:00:00.000+00:00"
    assert all(session[key] is None for key in (*ECHOED_NULLS, "payment_method"))
    assert "x-dr-requestid" not in response.headers


@pytest.mark.anyio
async def test_create_with_a_body_normalises_and_echoes(gr: httpx.AsyncClient) -> None:
    body = {
        "cart_items": [CART_ITEM],
        "metadata": {"cohort": "cohort-a", "order_id": "order-12345"},
        "buyer": {
            "display_name": "John Doe",
            "billing_details": {
                "first_name": "John",
                "phone_number": "+14155552671",
                "address": {"country": "US", "state_code": "US-CA"},
                "tax_id": {"value": "12345678931", "kind": "us.ein"},
            },
        },
        "airline": {
            "booking_code": "X36Q9C",
            "legs": [{"departure_airport": "LHR", "departure_at": "2013-07-16T19:23:00.000+00:00"}],
        },
        "amount": 2598,
        "currency": "USD",
        "payment_service_id": "FAB0E3C1-7D9E-4DA1-9B3B-1B2B2D2C2A2F",
        "expires_in": 7200,
        "country": "US",
        "intent": "capture",
    }
    response = await gr.post("/checkout/sessions", json=body)
    assert response.status_code == 201, response.text
    session = response.json()
    assert session["expires_at"] == "2030-01-01T14:00:00.000+00:00"
    assert session["cart_items"] == [FULL_CART_ITEM]
    assert session["metadata"] == body["metadata"]
    assert session["buyer"]["billing_details"]["address"]["state_code"] == "US-CA"
    assert session["buyer"]["billing_details"]["address"]["city"] is None
    assert session["buyer"]["shipping_details"] is None
    assert session["airline"]["ticket_delivery_method"] == "electronic"
    assert session["airline"]["legs"][0]["departure_airport"] == "LHR"
    assert session["amount"] == 2598 and session["currency"] == "USD"
    assert session["payment_service_id"] == "fab0e3c1-7d9e-4da1-9b3b-1b2b2d2c2a2f"
    # Accepted but not part of the response model.
    assert not {"expires_in", "country", "intent"} & session.keys()
    assert session["payment_method"] is None


@pytest.mark.anyio
async def test_get_put_delete(gr: httpx.AsyncClient, clock: FakeClock) -> None:
    created = (
        await gr.post(
            "/checkout/sessions", json={"cart_items": [CART_ITEM], "metadata": {"a": "b"}}
        )
    ).json()
    path = f"/checkout/sessions/{created['id']}"
    response = await gr.get(path)
    assert response.status_code == 200
    assert response.json() == created

    clock.advance(600)
    # PUT is a full replacement: metadata is gone; no expires_in keeps the expiry.
    response = await gr.put(path, json={"amount": 100, "currency": "EUR"})
    assert response.status_code == 200, response.text
    replaced = response.json()
    assert replaced["id"] == created["id"]
    assert replaced["metadata"] is None and replaced["cart_items"] is None
    assert (replaced["amount"], replaced["currency"]) == (100, "EUR")
    assert replaced["expires_at"] == created["expires_at"]
    # PUT with expires_in resets the expiry from "now".
    response = await gr.put(path, json={"expires_in": 3600})
    assert response.json()["expires_at"] == "2030-01-01T13:10:00.000+00:00"
    assert (await gr.get(path)).json()["expires_at"] == "2030-01-01T13:10:00.000+00:00"

    response = await gr.delete(path)
    assert response.status_code == 204
    assert response.content == b""
    for method in ("GET", "DELETE"):
        response = await gr.request(method, path)
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    response = await gr.put(path, json={})
    assert response.status_code == 404


@pytest.mark.anyio
async def test_sessions_expire_on_the_sandbox_clock(
    gr: httpx.AsyncClient, clock: FakeClock
) -> None:
    created = (await gr.post("/checkout/sessions")).json()
    path = f"/checkout/sessions/{created['id']}"
    clock.advance(3599)
    assert (await gr.get(path)).status_code == 200
    clock.advance(1)
    response = await gr.get(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    clock.advance(-10)  # Expired sessions stay gone even if time runs backwards.
    assert (await gr.get(path)).status_code == 404


@pytest.mark.anyio
async def test_expired_session_cannot_be_updated(gr: httpx.AsyncClient, clock: FakeClock) -> None:
    created = (await gr.post("/checkout/sessions", json={"expires_in": 86400})).json()
    clock.advance(86400)
    response = await gr.put(f"/checkout/sessions/{created['id']}", json={"expires_in": 3600})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.anyio
async def test_unknown_session_is_404(gr: httpx.AsyncClient) -> None:
    response = await gr.get(f"/checkout/sessions/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.anyio
async def test_sessions_are_isolated_per_merchant_account(gr: httpx.AsyncClient) -> None:
    header = "x-gr4vy-merchant-account-id"
    created = (await gr.post("/checkout/sessions", headers={header: "merchant-a"})).json()
    path = f"/checkout/sessions/{created['id']}"
    assert (await gr.get(path, headers={header: "merchant-a"})).status_code == 200
    assert (await gr.get(path, headers={header: "merchant-b"})).status_code == 404
    assert (await gr.get(path)).status_code == 404  # No header means "default".
    assert (await gr.delete(path, headers={header: "merchant-b"})).status_code == 404
    default = (await gr.post("/checkout/sessions")).json()
    assert (
        await gr.get(f"/checkout/sessions/{default['id']}", headers={header: "default"})
    ).status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/checkout/sessions"),
        ("GET", f"/checkout/sessions/{uuid.uuid4()}"),
        ("GET", "/checkout/sessions/not-a-uuid"),
    ],
)
async def test_gr4vy_routes_need_a_bearer_token(
    sandbox: Sandbox, headers: dict[str, str], method: str, path: str
) -> None:
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url
    ) as client:
        response = await client.request(method, path, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


@pytest.mark.anyio
async def test_any_bearer_token_is_accepted(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url
    ) as client:
        response = await client.post(
            "/checkout/sessions", headers={"Authorization": "Bearer not-even-a-jwt"}
        )
    assert response.status_code == 201
    assert GR4VY_AUTH["Authorization"].startswith("Bearer ")


def detail(
    type_: str, loc: list[Any], msg: str, value: Any, ctx: dict[str, Any] | None = None
) -> dict[str, Any]:
    entry = {"type": type_, "loc": loc, "msg": msg, "input": value}
    if ctx is not None:
        entry["ctx"] = ctx
    return entry


PRODUCT_TYPES = (
    "'physical', 'discount', 'shipping_fee', 'sales_tax', 'digital', 'gift_card', "
    "'store_credit' or 'surcharge'"
)

VALIDATION_CASES: list[tuple[str, Any, list[dict[str, Any]]]] = [
    (
        "unknown top-level field",
        {"colour": "red"},
        [detail("extra_forbidden", ["body", "colour"], "Extra inputs are not permitted", "red")],
    ),
    (
        "unknown cart item field",
        {"cart_items": [{**CART_ITEM, "price": 5}]},
        [
            detail(
                "extra_forbidden",
                ["body", "cart_items", 0, "price"],
                "Extra inputs are not permitted",
                5,
            )
        ],
    ),
    (
        "missing cart item fields",
        {"cart_items": [{"name": "x"}]},
        [
            detail(
                "missing", ["body", "cart_items", 0, "quantity"], "Field required", {"name": "x"}
            ),
            detail(
                "missing", ["body", "cart_items", 0, "unit_amount"], "Field required", {"name": "x"}
            ),
        ],
    ),
    (
        "cart item constraints",
        {
            "cart_items": [
                {"name": "", "quantity": 0, "unit_amount": -1},
                {"name": "n" * 256, "quantity": 100_000_000, "unit_amount": 12.5},
            ]
        },
        [
            detail(
                "string_too_short",
                ["body", "cart_items", 0, "name"],
                "String should have at least 1 character",
                "",
                {"min_length": 1},
            ),
            detail(
                "greater_than",
                ["body", "cart_items", 0, "quantity"],
                "Input should be greater than 0",
                0,
                {"gt": 0},
            ),
            detail(
                "greater_than_equal",
                ["body", "cart_items", 0, "unit_amount"],
                "Input should be greater than or equal to 0",
                -1,
                {"ge": 0},
            ),
            detail(
                "string_too_long",
                ["body", "cart_items", 1, "name"],
                "String should have at most 255 characters",
                "n" * 256,
                {"max_length": 255},
            ),
            detail(
                "less_than_equal",
                ["body", "cart_items", 1, "quantity"],
                "Input should be less than or equal to 99999999",
                100_000_000,
                {"le": 99_999_999},
            ),
            detail(
                "int_type",
                ["body", "cart_items", 1, "unit_amount"],
                "Input should be a valid integer",
                12.5,
            ),
        ],
    ),
    (
        "strings are not coerced to integers",
        {"amount": "1299"},
        [detail("int_type", ["body", "amount"], "Input should be a valid integer", "1299")],
    ),
    (
        "currency pattern",
        {"currency": "usd"},
        [
            detail(
                "string_pattern_mismatch",
                ["body", "currency"],
                "String should match pattern '^[A-Z]{3}$'",
                "usd",
                {"pattern": "^[A-Z]{3}$"},
            )
        ],
    ),
    (
        "metadata values are strings",
        {"metadata": {"n": 1}},
        [detail("string_type", ["body", "metadata", "n"], "Input should be a valid string", 1)],
    ),
    (
        "product type enum",
        {"cart_items": [{**CART_ITEM, "product_type": "boat"}]},
        [
            detail(
                "enum",
                ["body", "cart_items", 0, "product_type"],
                f"Input should be {PRODUCT_TYPES}",
                "boat",
                {"expected": PRODUCT_TYPES},
            )
        ],
    ),
    (
        "phone and country patterns",
        {"buyer": {"billing_details": {"phone_number": "555-1234", "address": {"country": "usa"}}}},
        [
            detail(
                "string_pattern_mismatch",
                ["body", "buyer", "billing_details", "phone_number"],
                "String should match pattern '^\\+[1-9]\\d{1,14}$'",
                "555-1234",
                {"pattern": "^\\+[1-9]\\d{1,14}$"},
            ),
            detail(
                "string_pattern_mismatch",
                ["body", "buyer", "billing_details", "address", "country"],
                "String should match pattern '^[A-Z]{2}$'",
                "usa",
                {"pattern": "^[A-Z]{2}$"},
            ),
        ],
    ),
    (
        "expires_in bounds",
        {"expires_in": 86401},
        [
            detail(
                "less_than_equal",
                ["body", "expires_in"],
                "Input should be less than or equal to 86400",
                86401,
                {"le": 86400},
            )
        ],
    ),
    (
        "tax id needs kind and value",
        {"buyer": {"billing_details": {"tax_id": {"value": "x"}}}},
        [
            detail(
                "missing",
                ["body", "buyer", "billing_details", "tax_id", "kind"],
                "Field required",
                {"value": "x"},
            )
        ],
    ),
    (
        "too many airline legs",
        {"airline": {"legs": [{}] * 21}},
        [
            detail(
                "too_long",
                ["body", "airline", "legs"],
                "List should have at most 20 items after validation, not 21",
                [{}] * 21,
                {"field_type": "List", "max_length": 20, "actual_length": 21},
            )
        ],
    ),
    (
        "body must be an object",
        [1, 2],
        [
            detail(
                "model_attributes_type",
                ["body"],
                "Input should be a valid dictionary or object to extract fields from",
                [1, 2],
            )
        ],
    ),
    (
        "bad payment service id",
        {"payment_service_id": "nope"},
        [
            detail(
                "uuid_parsing",
                ["body", "payment_service_id"],
                "Input should be a valid UUID, badly formed hexadecimal UUID string",
                "nope",
                {"error": "badly formed hexadecimal UUID string"},
            )
        ],
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "expected"), [pytest.param(b, e, id=i) for i, b, e in VALIDATION_CASES]
)
async def test_validation_errors_are_fastapi_422s(
    gr: httpx.AsyncClient, body: Any, expected: list[dict[str, Any]]
) -> None:
    response = await gr.post("/checkout/sessions", json=body)
    assert response.status_code == 422
    assert response.json() == {"detail": expected}
    created = (await gr.post("/checkout/sessions")).json()
    response = await gr.put(f"/checkout/sessions/{created['id']}", json=body)
    assert response.status_code == 422
    assert response.json() == {"detail": expected}


@pytest.mark.anyio
async def test_bad_path_id_and_bodies(gr: httpx.AsyncClient) -> None:
    response = await gr.get("/checkout/sessions/not-a-uuid")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["path", "session_id"]
    assert error["type"] == "uuid_parsing"
    assert error["input"] == "not-a-uuid"

    response = await gr.put("/checkout/sessions/not-a-uuid", json={"colour": 1})
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["path", "session_id"],
        ["body", "colour"],
    ]

    created = (await gr.post("/checkout/sessions")).json()
    response = await gr.put(f"/checkout/sessions/{created['id']}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }

    response = await gr.post(
        "/checkout/sessions", content=b'{"amount": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["type"] == "json_invalid"
    assert error["loc"] == ["body", 11]
    assert error["msg"] == "JSON decode error"


@pytest.mark.anyio
async def test_session_ids_are_case_insensitive(gr: httpx.AsyncClient) -> None:
    created = (await gr.post("/checkout/sessions")).json()
    response = await gr.get(f"/checkout/sessions/{created['id'].upper()}")
    assert response.status_code == 200
    assert response.json()["id"] == created["id"]


@pytest.mark.anyio
async def test_router_errors_use_the_gr4vy_dialect(gr: httpx.AsyncClient) -> None:
    response = await gr.get("/checkout/sessions")
    assert response.status_code == 405
    assert response.json() == {
        "type": "error",
        "code": "method_not_allowed",
        "status": 405,
        "message": "Method Not Allowed",
        "details": [],
    }


@pytest.mark.anyio
async def test_float_expires_in_like_the_gr4vy_sdk_sends(gr: httpx.AsyncClient) -> None:
    # Gr4vy's own SDK serialises ``expires_in`` as ``3600.0`` (contract §5.3 / GR-REPORT §8).
    created = (
        await gr.post("/checkout/sessions", json={"metadata": None, "expires_in": 5400.0})
    ).json()
    assert created["expires_at"] == "2030-01-01T13:30:00.000+00:00"
    assert created["metadata"] is None
