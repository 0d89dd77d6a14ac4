"""Contract §6.2: sources and the checkout payment session state machine."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sandbox_support import seed_002_body


def conflict(code: str, message: str) -> dict[str, Any]:
    return {"type": "conflict", "errors": [{"code": code, "message": message}]}


TOO_LARGE = conflict("session_source_amount_too_large", "Source amount(s) exceed session amount")
NOT_ALLOWED = conflict(
    "session_update_not_allowed", "Updating source is not allowed for the current session state."
)
INVALID_STATUS = conflict(
    "source_status_invalid_for_session", "The source status is invalid for this session."
)


async def new_checkout(dr: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await dr.post("/checkouts", json=seed_002_body(**overrides))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def new_source(dr: httpx.AsyncClient, **spec: Any) -> dict[str, Any]:
    response = await dr.post("/sandbox/sources", json=spec)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def attach(dr: httpx.AsyncClient, checkout_id: str, source_id: str) -> httpx.Response:
    return await dr.post(f"/checkouts/{checkout_id}/sources/{source_id}")


async def payment(dr: httpx.AsyncClient, checkout_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await dr.get(f"/checkouts/{checkout_id}")).json()["payment"]
    return result


@pytest.mark.anyio
async def test_store_credit_plus_card_covers_26_89(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    credit = await attach(dr, checkout["id"], "src_test_store_credit_10")
    assert credit.status_code == 200
    assert credit.json()["amount"] == 10.0
    assert credit.json()["customerCredit"] == {}
    partial = await payment(dr, checkout["id"])
    assert partial["session"]["amountContributed"] == 10.0
    assert partial["session"]["amountRemainingToBeContributed"] == 16.89
    assert partial["session"]["state"] == "requires_source"

    card = await attach(dr, checkout["id"], "src_test_visa")
    assert card.status_code == 200
    body = card.json()
    assert body["id"] == "src_test_visa"
    assert body["amount"] == 16.89
    assert body["creditCard"]["brand"] == "Visa"
    assert body["creditCard"]["lastFourDigits"] == "1111"
    assert body["paymentSessionId"] == checkout["payment"]["session"]["id"]

    paid = await payment(dr, checkout["id"])
    assert [(s["id"], s["type"], s["amount"]) for s in paid["sources"]] == [
        ("src_test_visa", "creditCard", 16.89),
        ("src_test_store_credit_10", "customerCredit", 10.0),
    ]
    assert paid["session"]["amountContributed"] == 26.89
    assert paid["session"]["amountRemainingToBeContributed"] == 0.0
    assert paid["session"]["state"] == "requires_confirmation"
    assert paid["session"]["clientSecret"] == checkout["payment"]["session"]["clientSecret"]


@pytest.mark.anyio
async def test_card_alone_funds_the_whole_total(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    assert (await attach(dr, checkout["id"], "src_test_visa")).json()["amount"] == 26.89
    session = (await payment(dr, checkout["id"]))["session"]
    assert (session["amountContributed"], session["amountRemainingToBeContributed"]) == (26.89, 0.0)
    assert session["state"] == "requires_confirmation"


@pytest.mark.anyio
async def test_attaching_a_second_primary_replaces_the_first(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    other = await new_source(dr, type="creditCard", reusable=True)
    await attach(dr, checkout["id"], "src_test_visa")
    await attach(dr, checkout["id"], other["id"])
    sources = (await payment(dr, checkout["id"]))["sources"]
    assert [s["id"] for s in sources] == [other["id"]]
    assert sources[0]["amount"] == 26.89


@pytest.mark.anyio
async def test_replaced_single_use_primary_is_cancelled(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    single = await new_source(dr, type="creditCard")
    assert single["reusable"] is False and single["state"] == "chargeable"
    await attach(dr, checkout["id"], single["id"])
    await attach(dr, checkout["id"], "src_test_visa")
    assert (await dr.get(f"/sandbox/sources/{single['id']}")).json()["state"] == "cancelled"


@pytest.mark.anyio
async def test_attaching_the_same_source_twice_is_harmless(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    await attach(dr, checkout["id"], "src_test_store_credit_10")
    again = await attach(dr, checkout["id"], "src_test_store_credit_10")
    assert again.status_code == 200
    assert (await payment(dr, checkout["id"]))["session"]["amountContributed"] == 10.0


@pytest.mark.anyio
async def test_credit_larger_than_the_total_is_409(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    big = await new_source(dr, type="customerCredit", amount=30)
    response = await attach(dr, checkout["id"], big["id"])
    assert response.status_code == 409
    assert response.json() == TOO_LARGE


@pytest.mark.anyio
async def test_credits_together_larger_than_the_total_are_409(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    first = await new_source(dr, type="customerCredit", amount=20)
    exact = await new_source(dr, type="customerCredit", amount=6.89)
    await attach(dr, checkout["id"], "src_test_visa")  # A reusable primary absorbs the rest.
    assert (await attach(dr, checkout["id"], first["id"])).status_code == 200
    response = await attach(dr, checkout["id"], "src_test_store_credit_10")
    assert response.status_code == 409
    assert response.json() == TOO_LARGE
    assert (await attach(dr, checkout["id"], exact["id"])).status_code == 200
    paid = await payment(dr, checkout["id"])
    assert paid["sources"][0] == {**paid["sources"][0], "id": "src_test_visa", "amount": 0.0}
    assert paid["session"]["amountRemainingToBeContributed"] == 0.0


@pytest.mark.anyio
async def test_credit_after_single_use_primary_is_not_allowed(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    await attach(dr, checkout["id"], "src_test_visa_single_use")
    response = await attach(dr, checkout["id"], "src_test_store_credit_10")
    assert response.status_code == 409
    assert response.json() == NOT_ALLOWED
    # Attaching secondaries first and the single-use primary last works.
    other = await new_checkout(dr)
    assert (await attach(dr, other["id"], "src_test_store_credit_10")).status_code == 200
    single = await new_source(dr, type="creditCard")
    assert (await attach(dr, other["id"], single["id"])).json()["amount"] == 16.89


@pytest.mark.anyio
async def test_detach_recomputes_and_cancels_single_use(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    await attach(dr, checkout["id"], "src_test_store_credit_10")
    await attach(dr, checkout["id"], "src_test_visa_single_use")
    response = await dr.delete(f"/checkouts/{checkout['id']}/sources/src_test_visa_single_use")
    assert response.status_code == 204
    assert response.content == b""
    after = await payment(dr, checkout["id"])
    assert [s["id"] for s in after["sources"]] == ["src_test_store_credit_10"]
    assert after["session"]["amountContributed"] == 10.0
    assert after["session"]["amountRemainingToBeContributed"] == 16.89
    assert after["session"]["state"] == "requires_source"
    source = (await dr.get("/sandbox/sources/src_test_visa_single_use")).json()
    assert source["state"] == "cancelled"
    again = await attach(dr, checkout["id"], "src_test_visa_single_use")
    assert again.status_code == 409
    assert again.json() == INVALID_STATUS
    # Reusable sources survive a detach.
    await attach(dr, checkout["id"], "src_test_visa")
    await dr.delete(f"/checkouts/{checkout['id']}/sources/src_test_visa")
    assert (await dr.get("/sandbox/sources/src_test_visa")).json()["state"] == "chargeable"


@pytest.mark.anyio
async def test_detach_errors(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    response = await dr.delete(f"/checkouts/{checkout['id']}/sources/src_test_visa")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "source_not_found"
    response = await dr.delete("/checkouts/ghost/sources/src_test_visa")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.anyio
@pytest.mark.parametrize("source_id", ["src_test_cancelled"])
async def test_unusable_sources_are_409(dr: httpx.AsyncClient, source_id: str) -> None:
    checkout = await new_checkout(dr)
    for state in ("consumed", "failed"):
        source = await new_source(dr, type="creditCard", state=state)
        response = await attach(dr, checkout["id"], source["id"])
        assert response.status_code == 409
        assert response.json() == INVALID_STATUS
    response = await attach(dr, checkout["id"], source_id)
    assert response.json() == INVALID_STATUS


@pytest.mark.anyio
async def test_unknown_source_or_checkout_is_404(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    response = await attach(dr, checkout["id"], "src_missing")
    assert response.status_code == 404
    assert response.json() == {
        "type": "not_found",
        "errors": [
            {
                "code": "source_not_found",
                "parameter": "sourceId",
                "message": "Source 'src_missing' not found.",
            }
        ],
    }
    response = await attach(dr, "ghost", "src_test_visa")
    assert response.status_code == 404
    assert response.json()["errors"][0]["message"] == "Checkout 'ghost' not found."


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("source_id", "state"),
    [
        ("src_test_pending_redirect", "pending_redirect"),
        ("src_test_pending_funds", "pending_funds"),
        ("src_test_requires_action", "requires_action"),
    ],
)
async def test_primary_state_becomes_session_state(
    dr: httpx.AsyncClient, source_id: str, state: str
) -> None:
    checkout = await new_checkout(dr)
    assert (await attach(dr, checkout["id"], source_id)).status_code == 200
    session = (await payment(dr, checkout["id"]))["session"]
    assert session["state"] == state
    assert session["amountRemainingToBeContributed"] == 0.0
    # The customer completes the redirect / funds arrive / 3DS passes.
    response = await dr.post(f"/sandbox/sources/{source_id}", json={"state": "chargeable"})
    assert response.status_code == 200
    assert (await payment(dr, checkout["id"]))["session"]["state"] == "requires_confirmation"


@pytest.mark.anyio
async def test_totals_change_recomputes_source_amounts(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    await attach(dr, checkout["id"], "src_test_store_credit_10")
    await attach(dr, checkout["id"], "src_test_visa")
    updated = (
        await dr.post(
            f"/checkouts/{checkout['id']}",
            json={"shippingChoice": {"amount": 10, "description": "express"}},
        )
    ).json()
    # 20 + 1.51 tax + 10 shipping + 0.75 shipping tax = 32.26; the card covers 22.26.
    assert updated["totalAmount"] == 32.26
    assert [s["amount"] for s in updated["payment"]["sources"]] == [22.26, 10.0]
    assert updated["payment"]["session"]["amountContributed"] == 32.26
    assert updated["payment"]["session"]["state"] == "requires_confirmation"


@pytest.mark.anyio
async def test_update_that_drops_the_total_below_the_credits_is_409(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr)
    credit = await new_source(dr, type="customerCredit", amount=25)
    await attach(dr, checkout["id"], credit["id"])
    response = await dr.post(f"/checkouts/{checkout['id']}", json={"shippingChoice": {"amount": 0}})
    assert response.status_code == 409
    assert response.json() == TOO_LARGE


@pytest.mark.anyio
async def test_source_id_in_create_and_update_bodies(dr: httpx.AsyncClient) -> None:
    checkout = await new_checkout(dr, sourceId="src_test_visa")
    assert checkout["payment"]["sources"][0]["amount"] == 26.89
    assert checkout["payment"]["session"]["state"] == "requires_confirmation"
    other = await new_checkout(dr)
    updated = (
        await dr.post(f"/checkouts/{other['id']}", json={"sourceId": "src_test_store_credit_10"})
    ).json()
    assert updated["payment"]["session"]["amountContributed"] == 10.0


@pytest.mark.anyio
async def test_sandbox_source_creation(dr: httpx.AsyncClient) -> None:
    card = await new_source(
        dr, type="creditCard", reusable=True, currency="EUR", metadata={"a": "b"}
    )
    assert card["clientSecret"].startswith(card["id"] + "_")
    assert card["type"] == "creditCard"
    assert card["currency"] == "EUR"
    assert card["reusable"] is True
    assert card["state"] == "chargeable"
    assert card["flow"] == "standard"
    assert card["liveMode"] is False
    assert card["owner"]["address"]["country"] == "US"
    assert set(card["creditCard"]) == {
        "brand",
        "lastFourDigits",
        "expirationMonth",
        "expirationYear",
    }
    assert card["createdTime"] == "2030-01-01T12:00:00Z"
    custom = await new_source(
        dr, id="src_custom", type="payPal", state="pending_redirect", flow="redirect"
    )
    assert custom["id"] == "src_custom"
    assert custom["payPal"] == {}
    duplicate = await dr.post("/sandbox/sources", json={"id": "src_custom", "type": "payPal"})
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["code"] == "already_exists"
    for bad, code, parameter in [
        ({"type": "customerCredit"}, "missing_parameter", "amount"),
        ({"type": "cash"}, "invalid_parameter", "type"),
        ({}, "missing_parameter", "type"),
        ({"type": "creditCard", "colour": "red"}, "unknown_parameter", "colour"),
        ({"type": "creditCard", "currency": "XXQ"}, "invalid_parameter", "currency"),
    ]:
        response = await dr.post("/sandbox/sources", json=bad)
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["code"] == code
        assert response.json()["errors"][0]["parameter"] == parameter
