"""Digital River checkouts: shapes, create/get/update/delete and the documented errors."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sandbox_support import DR_AUTH, MN_ADDRESS, seed_002_body

from tillpoint.sandbox import Sandbox
from tillpoint.testing import FakeClock

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def error(
    status_type: str, code: str | None, message: str, parameter: str | None = None
) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if code is not None:
        entry["code"] = code
    if parameter is not None:
        entry["parameter"] = parameter
    entry["message"] = message
    return {"type": status_type, "errors": [entry]}


@pytest.mark.anyio
async def test_create_matches_seed_002(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    response = await dr.post("/checkouts", json=seed_002_body())
    assert response.status_code == 201
    assert UUID.match(response.headers["x-dr-requestid"])
    checkout = response.json()
    assert UUID.match(checkout["id"])
    assert checkout["createdTime"] == checkout["updatedTime"] == "2030-01-01T12:00:00Z"
    assert checkout["customerId"] == "529861350336"
    assert checkout["currency"] == "USD"
    assert checkout["email"] == "anyemail@digitalriver.com"
    assert checkout["shipTo"] == {"address": MN_ADDRESS, "name": "John Doe"}
    assert checkout["shipFrom"] == {"address": {"country": "US"}}
    assert checkout["locale"] == "en_US"
    assert checkout["customerType"] == "individual"
    assert checkout["liveMode"] is False
    assert checkout["sellingEntity"] == {"id": "C5_INC-ENTITY", "name": "DR globalTech Inc."}
    assert checkout["shippingChoice"] == {
        "amount": 5.0,
        "description": "standard",
        "serviceLevel": "SG",
        "taxAmount": 0.38,
    }
    (item,) = checkout["items"]
    assert UUID.match(item["id"])
    assert item["skuId"] == "6b04ac06-0858-456c-90aa-235772dea9e2"
    assert item["productDetails"]["id"] == item["skuId"]
    assert item["importerTax"] == {} and item["duties"] == {}
    assert "fees" not in item
    session = checkout["payment"]["session"]
    assert checkout["payment"]["sources"] == []
    assert UUID.match(session["id"])
    assert session["clientSecret"].startswith(session["id"] + "_")
    assert UUID.match(session["clientSecret"].split("_", 1)[1])
    assert session["amountContributed"] == 0.0
    assert session["amountRemainingToBeContributed"] == 26.89
    assert session["state"] == "requires_source"
    # No legacy (pre-2021-03-23) fields.
    assert not {"sourceId", "sources", "creditAmount", "paymentSessionId"} & checkout.keys()


@pytest.mark.anyio
async def test_numbers_are_json_numbers_not_strings(dr: httpx.AsyncClient) -> None:
    response = await dr.post("/checkouts", json=seed_002_body())
    assert '"totalAmount":26.89' in response.text
    assert '"rate":0.07525' in response.text


@pytest.mark.anyio
async def test_echoes_accepted_fields(dr: httpx.AsyncClient) -> None:
    extra = {
        "applicationId": "68f72e0c-cb7d-48e1-93c8-998668ad0ff4",
        "upstreamId": "7765374748",
        "browserIp": "111.111.111.111",
        "chargeType": "merchant_initiated",
        "customerType": "business",
        "language": "en",
        "locale": "fr_FR",
        "metadata": {"coupon": "SPRING", "attempt": 2, "vip": True},
        "taxIdentifiers": [{"id": "028af316-2d82-4113-8c5d-72eb82d5d025"}],
        "purchaseLocation": {"country": "US", "state": "MN", "postalCode": "55343"},
        "organization": {"id": "123456789"},
        "billTo": {"address": dict(MN_ADDRESS), "name": "John Doe", "email": "j@example.com"},
        "billingOptimization": {"subscriptionId": "sub-1", "renewalAttemptNumber": 2},
        "invoiceAttributeId": "95f72e0c",
    }
    checkout = (await dr.post("/checkouts", json=seed_002_body(**extra))).json()
    for key, value in extra.items():
        if key == "invoiceAttributeId":
            assert checkout["invoiceAttributes"] == {"id": value}
        else:
            assert checkout[key] == value, key


@pytest.mark.anyio
async def test_line_item_fields_are_echoed(dr: httpx.AsyncClient) -> None:
    item = {
        "skuId": "sku_test_plain",
        "price": 9.99,
        "quantity": 1,
        "subscriptionInfo": {"subscriptionId": "665430999", "autoRenewal": True, "terms": "Terms"},
        "shipFrom": {"address": {"country": "US", "state": "MN"}},
        "metadata": {"line": "a"},
    }
    checkout = (await dr.post("/checkouts", json={"currency": "USD", "items": [item]})).json()
    rendered = checkout["items"][0]
    assert rendered["productDetails"] == {
        "id": "sku_test_plain",
        "name": "Widget",
        "description": "A small gadget",
    }
    for key in ("subscriptionInfo", "shipFrom", "metadata", "quantity"):
        assert rendered[key] == item[key]
    assert rendered["amount"] == 9.99


@pytest.mark.anyio
async def test_get_update_delete(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    created = (await dr.post("/checkouts", json=seed_002_body())).json()
    checkout_id = created["id"]
    assert (await dr.get(f"/checkouts/{checkout_id}")).json() == created

    clock.advance(90)
    item_id = created["items"][0]["id"]
    response = await dr.post(
        f"/checkouts/{checkout_id}",
        json={
            "email": "new@example.com",
            "shipTo": {"address": {"country": "US", "state": "CA"}},
            "shippingChoice": {"amount": 7.5, "description": "express"},
            "items": [
                {"id": item_id, "metadata": {"gift": True}, "subscriptionInfo": {"planId": "p1"}}
            ],
        },
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["createdTime"] == "2030-01-01T12:00:00Z"
    assert updated["updatedTime"] == "2030-01-01T12:01:30Z"
    assert updated["email"] == "new@example.com"
    assert updated["items"][0]["id"] == item_id
    assert updated["items"][0]["metadata"] == {"gift": True}
    assert updated["items"][0]["subscriptionInfo"] == {"planId": "p1"}
    assert updated["items"][0]["tax"] == {"rate": 0.0725, "amount": 1.45}
    assert updated["shippingChoice"] == {"amount": 7.5, "description": "express", "taxAmount": 0.54}
    assert updated["totalAmount"] == 29.49  # 20 + 1.45 + 7.50 + 0.54
    assert updated["payment"]["session"]["amountRemainingToBeContributed"] == updated["totalAmount"]
    assert (await dr.get(f"/checkouts/{checkout_id}")).json() == updated

    # null clears an optional field on update.
    cleared = (await dr.post(f"/checkouts/{checkout_id}", json={"shippingChoice": None})).json()
    assert "shippingChoice" not in cleared
    assert cleared["totalShipping"] == 0.0

    response = await dr.delete(f"/checkouts/{checkout_id}")
    assert response.status_code == 204
    assert response.content == b""
    assert "x-dr-requestid" in response.headers
    assert (await dr.get(f"/checkouts/{checkout_id}")).status_code == 404


@pytest.mark.anyio
async def test_rejected_update_leaves_checkout_unchanged(dr: httpx.AsyncClient) -> None:
    created = (await dr.post("/checkouts", json=seed_002_body())).json()
    response = await dr.post(
        f"/checkouts/{created['id']}",
        json={"email": "x@example.com", "items": [{"id": "nope"}]},
    )
    assert response.status_code == 400
    assert (await dr.get(f"/checkouts/{created['id']}")).json() == created


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_unknown_checkout_is_404(dr: httpx.AsyncClient, method: str) -> None:
    kwargs: dict[str, Any] = {"json": {}} if method == "POST" else {}
    response = await dr.request(method, "/checkouts/ghost", **kwargs)
    assert response.status_code == 404
    assert response.json() == error("not_found", "not_found", "Checkout 'ghost' not found.", "id")
    assert UUID.match(response.headers["x-dr-requestid"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_live_123"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic c2tfdGVzdF8xMjM6"},
        {"Authorization": "sk_test_123"},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/checkouts"),
        ("POST", "/checkouts"),
        ("GET", "/checkouts/x"),
        ("POST", "/checkouts/x/sources/y"),
        ("POST", "/sandbox/sources"),
    ],
)
async def test_dr_routes_need_a_test_secret_key(
    sandbox: Sandbox, headers: dict[str, str], method: str, path: str
) -> None:
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url
    ) as client:
        response = await client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json() == {
        "type": "unauthorized",
        "errors": [{"message": "An authorization error has occurred."}],
    }
    assert UUID.match(response.headers["x-dr-requestid"])


def _item(**fields: Any) -> dict[str, Any]:
    return {"skuId": "s1", "price": 10, "quantity": 1, **fields}


CREATE_ERRORS: list[tuple[str, dict[str, Any], int, dict[str, Any]]] = [
    (
        "missing currency",
        {"items": [_item()]},
        400,
        error("bad_request", "missing_parameter", "A parameter is missing.", "currency"),
    ),
    (
        "missing items",
        {"currency": "USD"},
        400,
        error("bad_request", "missing_parameter", "A parameter is missing.", "items"),
    ),
    (
        "unknown currency",
        {"currency": "YEM", "items": [_item()]},
        400,
        error("bad_request", "invalid_parameter", "'YEM' is not a valid currency.", "currency"),
    ),
    (
        "lower-case currency",
        {"currency": "usd", "items": [_item()]},
        400,
        error("bad_request", "invalid_parameter", "'usd' is not a valid currency.", "currency"),
    ),
    (
        "unactivated currency",
        {"currency": "PAB", "items": [_item()]},
        409,
        error("conflict", "currency_unactivated", "Currency 'PAB' is not activated.", "currency"),
    ),
    (
        "zero quantity",
        {"currency": "USD", "items": [_item(quantity=0)]},
        400,
        error(
            "bad_request",
            "invalid_parameter",
            "'items[0].quantity' must be an integer of at least 1.",
            "items[0].quantity",
        ),
    ),
    (
        "fractional quantity",
        {"currency": "USD", "items": [_item(quantity=1.5)]},
        400,
        error(
            "bad_request",
            "invalid_parameter",
            "'1.5' is not a valid value for 'items[0].quantity'.",
            "items[0].quantity",
        ),
    ),
    (
        "item without price",
        {"currency": "USD", "items": [_item(), {"skuId": "s2"}]},
        400,
        error("bad_request", "missing_parameter", "A parameter is missing.", "items[1].price"),
    ),
    (
        "item without sku or product details",
        {"currency": "USD", "items": [{"price": 1}]},
        400,
        error("bad_request", "missing_parameter", "A parameter is missing.", "items[0].skuId"),
    ),
    (
        "zero percent discount",
        {"currency": "USD", "items": [_item()], "discount": {"percentOff": 0}},
        400,
        error(
            "bad_request",
            "invalid_discount_percent",
            "The value must be an integer between 0.01 and 100.00 inclusive.",
            "discount",
        ),
    ),
    (
        "zero amount discount on a line",
        {"currency": "USD", "items": [_item(discount={"amountOff": 0})]},
        400,
        error(
            "bad_request", "invalid_discount_amount", "The value 0.0 is not permitted.", "discount"
        ),
    ),
    (
        "negative shipping discount",
        {
            "currency": "USD",
            "items": [_item()],
            "shippingChoice": {"amount": 5},
            "shippingDiscount": {"amountOff": -1},
        },
        400,
        error(
            "bad_request",
            "invalid_discount_amount",
            "The value -1.0 is not permitted.",
            "shippingDiscount",
        ),
    ),
    (
        "shipping choice without amount",
        {"currency": "USD", "items": [_item()], "shippingChoice": {"description": "standard"}},
        400,
        error("bad_request", "internal_error", "Client must provide shipping Cost"),
    ),
    (
        "unknown top-level field",
        {"currency": "USD", "items": [_item()], "foo": 1},
        400,
        error("bad_request", "unknown_parameter", "'foo' is an unknown parameter.", "foo"),
    ),
    (
        "unknown item field",
        {"currency": "USD", "items": [_item(colour="red")]},
        400,
        error("bad_request", "unknown_parameter", "'colour' is an unknown parameter.", "colour"),
    ),
    (
        "ship-to country without country",
        {"currency": "USD", "items": [_item()], "shipTo": {"address": {"city": "Minnetonka"}}},
        400,
        error(
            "bad_request", "missing_parameter", "A parameter is missing.", "shipTo.address.country"
        ),
    ),
    (
        "embargoed country",
        {"currency": "USD", "items": [_item()], "shipTo": {"address": {"country": "KP"}}},
        409,
        error("conflict", "country_unsupported", "Country 'KP' is not supported.", "country"),
    ),
    (
        "bad charge type",
        {"currency": "USD", "items": [_item()], "chargeType": "sometimes"},
        400,
        error(
            "bad_request",
            "invalid_parameter",
            "'sometimes' is not a valid value for 'chargeType'.",
            "chargeType",
        ),
    ),
    (
        "bad email",
        {"currency": "USD", "items": [_item()], "email": "nope"},
        400,
        error("bad_request", "email_invalid", "'nope' is not a valid email address.", "email"),
    ),
    (
        "too much metadata",
        {"currency": "USD", "items": [_item()], "metadata": {f"k{i}": i for i in range(21)}},
        400,
        error(
            "bad_request",
            "too_many_metadata_pairs",
            "Metadata can have at most 20 key-value pairs.",
            "metadata",
        ),
    ),
    (
        "unknown source",
        {"currency": "USD", "items": [_item()], "sourceId": "src_nope"},
        400,
        error("bad_request", "source_not_found", "Source 'src_nope' not found.", "sourceId"),
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "status", "expected"), [pytest.param(b, s, e, id=i) for i, b, s, e in CREATE_ERRORS]
)
async def test_create_validation(
    dr: httpx.AsyncClient, body: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    response = await dr.post("/checkouts", json=body)
    assert response.status_code == status
    assert response.json() == expected
    listed = (await dr.get("/checkouts")).json()
    assert listed["data"] == []  # Nothing was stored.


@pytest.mark.anyio
async def test_malformed_json_is_400(dr: httpx.AsyncClient) -> None:
    response = await dr.post(
        "/checkouts", content=b'{"currency": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "bad_request"
    assert body["errors"][0]["code"] == "invalid_parameter"
    response = await dr.post("/checkouts", json=["not", "an", "object"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_parameter"


UPDATE_ERRORS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "price on an item",
        {"items": [{"id": "ITEM", "price": 5}]},
        error("bad_request", "unknown_parameter", "'price' is an unknown parameter.", "price"),
    ),
    (
        "quantity on an item",
        {"items": [{"id": "ITEM", "quantity": 5}]},
        error(
            "bad_request", "unknown_parameter", "'quantity' is an unknown parameter.", "quantity"
        ),
    ),
    (
        "discount",
        {"discount": {"percentOff": 5}},
        error(
            "bad_request", "unknown_parameter", "'discount' is an unknown parameter.", "discount"
        ),
    ),
    (
        "taxInclusive",
        {"taxInclusive": True},
        error(
            "bad_request",
            "unknown_parameter",
            "'taxInclusive' is an unknown parameter.",
            "taxInclusive",
        ),
    ),
    (
        "item without id",
        {"items": [{"metadata": {"a": "b"}}]},
        error("bad_request", "missing_parameter", "A parameter is missing.", "items[0].id"),
    ),
    (
        "unknown item id",
        {"items": [{"id": "nope"}]},
        error("bad_request", "invalid_parameter", "Item 'nope' not found.", "items[0].id"),
    ),
    (
        "items as an object",
        {"items": {"id": "ITEM"}},
        error(
            "bad_request",
            "invalid_parameter",
            "an object is not a valid value for 'items'.",
            "items",
        ),
    ),
    (
        "zero shipping discount",
        {"shippingDiscount": {"percentOff": 0}},
        error(
            "bad_request",
            "invalid_discount_percent",
            "The value must be an integer between 0.01 and 100.00 inclusive.",
            "shippingDiscount",
        ),
    ),
    (
        "shipping choice without amount",
        {"shippingChoice": {"serviceLevel": "SG"}},
        error("bad_request", "internal_error", "Client must provide shipping Cost"),
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "expected"), [pytest.param(b, e, id=i) for i, b, e in UPDATE_ERRORS]
)
async def test_update_validation(
    dr: httpx.AsyncClient, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    created = (await dr.post("/checkouts", json=seed_002_body())).json()
    item_id = created["items"][0]["id"]
    if isinstance(body.get("items"), list):
        body = {
            **body,
            "items": [{**i, "id": item_id} if i.get("id") == "ITEM" else i for i in body["items"]],
        }
    response = await dr.post(f"/checkouts/{created['id']}", json=body)
    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.anyio
async def test_update_accepts_shipping_discount_and_customer_type(dr: httpx.AsyncClient) -> None:
    created = (await dr.post("/checkouts", json=seed_002_body())).json()
    updated = (
        await dr.post(
            f"/checkouts/{created['id']}",
            json={"shippingDiscount": {"amountOff": 5}, "customerType": "business"},
        )
    ).json()
    assert updated["customerType"] == "business"
    assert updated["totalShipping"] == 5.0
    assert updated["shippingChoice"]["taxAmount"] == 0.0
    assert updated["totalAmount"] == 21.51


@pytest.mark.anyio
async def test_router_errors_use_the_dr_dialect(dr: httpx.AsyncClient) -> None:
    response = await dr.get("/nowhere")
    assert response.status_code == 404
    assert response.json() == error("not_found", "not_found", "Not Found")
    response = await dr.put("/checkouts")
    assert response.status_code == 405
    assert response.json() == error(
        "method_not_allowed", "method_not_allowed", "Method Not Allowed"
    )
    assert "x-dr-requestid" in response.headers


@pytest.mark.anyio
async def test_request_ids_are_fresh(dr: httpx.AsyncClient) -> None:
    ids = {(await dr.get("/checkouts")).headers["x-dr-requestid"] for _ in range(3)}
    assert len(ids) == 3
    assert all(uuid.UUID(value).version == 4 for value in ids)


def test_create_app_and_reset(clock: FakeClock) -> None:
    from tillpoint.sandbox import SEED_SOURCES, create_app

    assert callable(create_app())
    sandbox = Sandbox(clock=clock)
    checkout = sandbox.checkouts.create({"currency": "USD", "items": [_item()]})
    sandbox.checkouts.attach_source(checkout["id"], "src_test_visa_single_use")
    sandbox.checkouts.detach_source(checkout["id"], "src_test_visa_single_use")
    assert sandbox.sources.get("src_test_visa_single_use").state == "cancelled"
    sandbox.reset()
    assert sandbox.checkouts.list([])["data"] == []
    assert sandbox.sources.get("src_test_visa_single_use").state == "chargeable"
    assert set(SEED_SOURCES) >= {
        "src_test_visa",
        "src_test_store_credit_10",
        "src_test_pending_redirect",
    }
    bare = Sandbox(seed_sources=False)
    with pytest.raises(Exception, match="src_test_visa"):
        bare.sources.get("src_test_visa")


def test_clock_may_be_naive(clock: FakeClock) -> None:
    from datetime import datetime

    sandbox = Sandbox(clock=lambda: datetime(2024, 1, 2, 3, 4, 5, 678))
    checkout = sandbox.checkouts.create({"currency": "USD", "items": [_item()]})
    assert checkout["createdTime"] == "2024-01-02T03:04:05Z"


def test_dr_auth_constant_is_a_test_key() -> None:
    assert DR_AUTH["Authorization"].startswith("Bearer sk_test_")
