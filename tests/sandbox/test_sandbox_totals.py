"""Contract §6.1: every documented totals example, number by number, plus invariants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sandbox_support import MN_ADDRESS, dig, seed_002_body

from tillpoint.sandbox import Sandbox
from tillpoint.sandbox._errors import ApiError
from tillpoint.sandbox._tax import tax_rate_for
from tillpoint.sandbox._totals import Discount, Line, TaxContext, compute_totals

MN = {"shipTo": {"address": dict(MN_ADDRESS)}}


def _body(items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"currency": "USD", **MN, "items": items, **extra}


# (id, request body, {path: expected}) -- the rows of contract §6.1's table.
EXAMPLES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "seed-002 2x10 ship 5",
        seed_002_body(),
        {
            "items.0.amount": 20.0,
            "items.0.quantity": 2,
            "items.0.tax.rate": 0.07525,
            "items.0.tax.amount": 1.51,
            "shippingChoice.amount": 5.0,
            "shippingChoice.taxAmount": 0.38,
            "subtotal": 25.0,
            "totalTax": 1.89,
            "totalShipping": 5.0,
            "totalDiscount": 0.0,
            "totalFees": 0.0,
            "totalDuty": 0.0,
            "totalImporterTax": 0.0,
            "totalAmount": 26.89,
        },
    ),
    (
        "line 10% off one unit",
        _body(
            [
                {
                    "skuId": "09062016",
                    "price": 10.00,
                    "quantity": 3,
                    "discount": {"percentOff": 10, "quantity": 1},
                }
            ]
        ),
        {
            "items.0.amount": 29.0,
            "items.0.quantity": 3,
            "items.0.discount": {"percentOff": 10.0, "quantity": 1},
            "items.0.tax.amount": 2.18,
            "subtotal": 29.0,
            "totalTax": 2.18,
            "totalDiscount": 1.0,
            "totalShipping": 0.0,
            "totalAmount": 31.18,
        },
    ),
    (
        "line amountOff 2",
        _body([{"skuId": "09062016", "price": 10.00, "quantity": 3, "discount": {"amountOff": 2}}]),
        {
            "items.0.amount": 24.0,
            "items.0.discount": {"amountOff": 2.0, "quantity": 3},
            "items.0.tax.amount": 1.81,
            "subtotal": 24.0,
            "totalTax": 1.81,
            "totalDiscount": 6.0,
            "totalAmount": 25.81,
        },
    ),
    (
        "order 20%",
        _body(
            [
                {"skuId": "09062016", "price": 10.00, "quantity": 4},
                {"skuId": "11141976", "price": 20.00, "quantity": 2},
            ],
            discount={"percentOff": 20},
        ),
        {
            "discount": {"percentOff": 20.0},
            "items.0.amount": 40.0,
            "items.1.amount": 40.0,
            "items.0.tax.amount": 2.41,
            "items.1.tax.amount": 2.41,
            "subtotal": 64.0,
            "totalTax": 4.82,
            "totalDiscount": 16.0,
            "totalAmount": 68.82,
        },
    ),
    (
        "order amountOff 10",
        _body(
            [
                {"skuId": "09062016", "price": 10.00, "quantity": 4},
                {"skuId": "11141976", "price": 20.00, "quantity": 2},
            ],
            discount={"amountOff": 10},
        ),
        {
            "discount": {"amountOff": 10.0},
            "items.0.amount": 40.0,
            "items.1.amount": 40.0,
            "items.0.tax.amount": 2.63,
            "items.1.tax.amount": 2.63,
            "subtotal": 70.0,
            "totalTax": 5.26,
            "totalDiscount": 10.0,
            "totalAmount": 75.26,
        },
    ),
    (
        "shipping 25% off",
        _body(
            [{"skuId": "09062016", "price": 10.00, "quantity": 3}],
            shippingChoice={
                "amount": 8.00,
                "description": "USPS: Priority (1 day delivery)",
                "serviceLevel": "SG",
            },
            shippingDiscount={"percentOff": 25},
        ),
        {
            "items.0.amount": 30.0,
            "items.0.tax.amount": 2.26,
            "shippingChoice.amount": 8.0,
            "shippingChoice.taxAmount": 0.45,
            "shippingDiscount": {"percentOff": 25.0},
            "subtotal": 36.0,
            "totalTax": 2.71,
            "totalShipping": 8.0,
            "totalDiscount": 2.0,
            "totalAmount": 38.71,
        },
    ),
    (
        "shipping amountOff 3",
        _body(
            [{"skuId": "09062016", "price": 10.00, "quantity": 3}],
            shippingChoice={
                "amount": 8.00,
                "description": "USPS: Priority (1 day delivery)",
                "serviceLevel": "SG",
            },
            shippingDiscount={"amountOff": 3.00},
        ),
        {
            "items.0.tax.amount": 2.26,
            "shippingChoice.amount": 8.0,
            "shippingChoice.taxAmount": 0.38,
            "shippingDiscount": {"amountOff": 3.0},
            "subtotal": 35.0,
            "totalTax": 2.64,
            "totalShipping": 8.0,
            "totalDiscount": 3.0,
            "totalAmount": 37.64,
        },
    ),
    (
        "regulatory fees",
        _body(
            [{"skuId": "sku_test_battery_weee", "price": 10, "quantity": 2}],
            shippingChoice={"amount": 5},
        ),
        {
            "items.0.amount": 20.0,
            "items.0.tax.amount": 1.51,
            "items.0.fees.amount": 16.0,
            "items.0.fees.taxAmount": 1.2,
            "items.0.fees.details": [
                {"type": "weee", "perUnitAmount": 3.0, "amount": 6.0, "id": "fee_test_weee"},
                {"type": "battery", "perUnitAmount": 5.0, "amount": 10.0, "id": "fee_test_battery"},
            ],
            "shippingChoice.taxAmount": 0.38,
            "totalFees": 16.0,
            "subtotal": 41.0,
            "totalTax": 3.09,
            "totalAmount": 44.09,
        },
    ),
    (
        "landed cost over the EU threshold",
        {
            "currency": "EUR",
            "taxInclusive": False,
            "shipTo": {
                "address": {
                    "line1": "Deinsesteenweg 108B",
                    "city": "Drongen",
                    "postalCode": "9031",
                    "state": "Oost-Vlaanderen",
                    "country": "BE",
                }
            },
            "shipFrom": {
                "address": {
                    "line1": "5215 4th Ave S",
                    "city": "Minneapolis",
                    "postalCode": "55104",
                    "state": "MN",
                    "country": "US",
                }
            },
            "items": [
                {"skuId": "sku_7d8c3133-342a-4c8e-90b2-ac541fcccd13", "price": 75, "quantity": 1},
                {"skuId": "sku_00af8f73-4aa6-4b08-b904-78b42869da73", "price": 76, "quantity": 1},
            ],
        },
        {
            "items.0.amount": 75.0,
            "items.1.amount": 76.0,
            "items.0.tax": {"rate": 0.38, "amount": 0.0},
            "items.1.tax": {"rate": 0.38, "amount": 0.0},
            "items.0.importerTax": {"amount": 18.43},
            "items.1.importerTax": {"amount": 18.67},
            "items.0.duties": {"amount": 12.75},
            "items.1.duties": {"amount": 12.92},
            "totalImporterTax": 37.1,
            "importerOfRecordTax": True,
            "totalDuty": 25.67,
            "subtotal": 213.77,
            "totalTax": 0.0,
            "totalAmount": 213.77,
            "sellingEntity": {"id": "DR_IRELAND-ENTITY", "name": "Digital River Ireland Ltd."},
        },
    ),
    (
        "tax inclusive 2x10",
        _body([{"skuId": "sku_1", "price": 10, "quantity": 2}], taxInclusive=True),
        {
            "items.0.amount": 18.6,
            "items.0.tax.amount": 1.4,
            "subtotal": 18.6,
            "totalTax": 1.4,
            "totalAmount": 20.0,
            "taxInclusive": True,
        },
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "expected"), [pytest.param(b, e, id=i) for i, b, e in EXAMPLES])
async def test_documented_totals(
    dr: httpx.AsyncClient, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = await dr.post("/checkouts", json=body)
    assert response.status_code == 201, response.text
    checkout = response.json()
    for path, value in expected.items():
        assert dig(checkout, path) == value, path
    # The totals are the same on a fresh GET.
    again = (await dr.get(f"/checkouts/{checkout['id']}")).json()
    assert again["totalAmount"] == checkout["totalAmount"]


@pytest.mark.anyio
async def test_landed_cost_at_or_below_the_threshold_is_plain_vat(dr: httpx.AsyncClient) -> None:
    body = dict(EXAMPLES[8][1])
    body["items"] = [
        {"skuId": "a", "price": 75, "quantity": 1},
        {"skuId": "b", "price": 75, "quantity": 1},
    ]
    checkout = (await dr.post("/checkouts", json=body)).json()
    assert [item["tax"] for item in checkout["items"]] == [{"rate": 0.21, "amount": 15.75}] * 2
    assert [item["sellerTaxIdentifier"] for item in checkout["items"]] == ["IM3720000202"] * 2
    assert checkout["items"][0]["importerTax"] == {}
    assert checkout["items"][0]["duties"] == {}
    assert (checkout["subtotal"], checkout["totalTax"], checkout["totalAmount"]) == (
        150.0,
        31.5,
        181.5,
    )
    assert (checkout["totalImporterTax"], checkout["totalDuty"]) == (0.0, 0.0)
    assert "importerOfRecordTax" not in checkout


@pytest.mark.anyio
async def test_no_address_means_no_tax(dr: httpx.AsyncClient) -> None:
    checkout = (
        await dr.post(
            "/checkouts", json={"currency": "USD", "items": [{"skuId": "s", "price": 10}]}
        )
    ).json()
    assert checkout["items"][0]["tax"] == {"rate": 0.0, "amount": 0.0}
    assert checkout["totalAmount"] == 10.0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("location", "rate", "tax"),
    [
        ({"billTo": {"address": {"country": "GB"}}}, 0.2, 20.0),
        ({"purchaseLocation": {"country": "DE", "postalCode": "10115"}}, 0.19, 19.0),
        ({"shipTo": {"address": {"country": "US", "state": "CA"}}}, 0.0725, 7.25),
        ({"shipTo": {"address": {"country": "US"}}}, 0.07525, 7.53),  # 7.525 rounds half-up
        ({"shipTo": {"address": {"country": "US", "state": "OR"}}}, 0.0, 0.0),
        ({"shipTo": {"address": {"country": "ZA"}}}, 0.1, 10.0),
    ],
)
async def test_tax_rate_comes_from_the_table(
    dr: httpx.AsyncClient, location: dict[str, Any], rate: float, tax: float
) -> None:
    body = {"currency": "USD", "items": [{"skuId": "s", "price": 100}], **location}
    checkout = (await dr.post("/checkouts", json=body)).json()
    assert checkout["items"][0]["tax"]["rate"] == rate
    assert checkout["totalTax"] == tax


@pytest.mark.anyio
async def test_aggregate_price_and_product_details(dr: httpx.AsyncClient) -> None:
    details = {
        "id": "p-1",
        "skuGroupId": "wireless-keyboards",
        "name": "Keyboard",
        "weight": 1.5,
        "weightUnit": "kg",
    }
    body = _body([{"productDetails": details, "aggregatePrice": 19.98, "quantity": 2}])
    checkout = (await dr.post("/checkouts", json=body)).json()
    item = checkout["items"][0]
    assert item["productDetails"] == details
    assert "skuId" not in item
    assert item["amount"] == 19.98
    assert item["tax"]["amount"] == 1.5  # 19.98 × 0.07525 = 1.5035 -> 1.50


# -- invariants --------------------------------------------------------------

cents = st.integers(min_value=0, max_value=200_000).map(lambda c: Decimal(c) / 100)
percent = st.integers(min_value=1, max_value=10_000).map(lambda p: Decimal(p) / 100)
discounts = st.one_of(
    st.none(),
    st.builds(Discount, amount_off=cents.filter(lambda d: d > 0)),
    st.builds(Discount, percent_off=percent),
)


@st.composite
def lines(draw: st.DrawFn) -> Line:
    quantity = draw(st.integers(min_value=1, max_value=20))
    discount = draw(discounts)
    if discount is not None and draw(st.booleans()):
        discount = Discount(
            amount_off=discount.amount_off,
            percent_off=discount.percent_off,
            quantity=draw(st.integers(min_value=1, max_value=quantity)),
        )
    if draw(st.booleans()):
        return Line(quantity=quantity, price=draw(cents), discount=discount)
    return Line(quantity=quantity, aggregate_price=draw(cents), discount=discount)


places = st.sampled_from(
    [(None, None), ("US", "MN"), ("US", "CA"), ("GB", None), ("DE", None), ("JP", None)]
)


@settings(max_examples=150, deadline=None)
@given(
    items=st.lists(lines(), min_size=1, max_size=5),
    order_discount=discounts,
    shipping=st.one_of(st.none(), cents),
    shipping_discount=discounts,
    place=places,
    inclusive=st.booleans(),
)
def test_totals_invariants(
    items: list[Line],
    order_discount: Discount | None,
    shipping: Decimal | None,
    shipping_discount: Discount | None,
    place: tuple[str | None, str | None],
    inclusive: bool,
) -> None:
    totals = compute_totals(
        items,
        order_discount=order_discount,
        shipping_amount=shipping,
        shipping_discount=shipping_discount,
        context=TaxContext(rate=tax_rate_for(*place), tax_inclusive=inclusive),
    )
    money = [totals.subtotal, totals.total_tax, totals.total_amount, totals.total_discount]
    money += [line.amount for line in totals.lines] + [line.tax_amount for line in totals.lines]
    assert all(value == value.quantize(Decimal("0.01")) for value in money)
    assert all(value >= 0 for value in money)
    assert totals.total_amount == totals.subtotal + totals.total_tax
    assert totals.total_tax == sum(line.tax_amount for line in totals.lines) + totals.shipping_tax
    if inclusive:
        # Tax-inclusive prices: the customer pays exactly the discounted gross.
        gross = sum(
            (
                item.aggregate_price
                if item.aggregate_price is not None
                else item.price * item.quantity
            )
            for item in items
        )
        assert totals.total_amount == gross + (shipping or 0) - totals.total_discount


@settings(max_examples=60, deadline=None)
@given(
    prices=st.lists(cents.filter(lambda d: d > 0), min_size=1, max_size=4),
    credits=st.lists(
        st.integers(min_value=1, max_value=5000).map(lambda c: Decimal(c) / 100), max_size=4
    ),
    with_card=st.booleans(),
)
def test_payment_session_invariants(
    prices: list[Decimal], credits: list[Decimal], with_card: bool
) -> None:
    sandbox = Sandbox(seed_sources=False)
    body = _body([{"skuId": f"s{i}", "price": price} for i, price in enumerate(prices)])
    checkout = sandbox.checkouts.create(body)
    total = Decimal(str(checkout["totalAmount"]))
    attached = Decimal(0)
    for amount in credits:
        source = sandbox.create_source(type="customerCredit", amount=amount)
        if attached + amount > total:
            with pytest.raises(ApiError) as refused:  # Over-funding is refused with a 409.
                sandbox.checkouts.attach_source(checkout["id"], source["id"])
            assert refused.value.status == 409
        else:
            sandbox.checkouts.attach_source(checkout["id"], source["id"])
            attached += amount
    if with_card:
        card = sandbox.create_source(type="creditCard", reusable=True)
        sandbox.checkouts.attach_source(checkout["id"], card["id"])
    session = sandbox.checkouts.get(checkout["id"])["payment"]["session"]
    contributed = Decimal(str(session["amountContributed"]))
    remaining = Decimal(str(session["amountRemainingToBeContributed"]))
    assert contributed + remaining == total
    assert contributed == (total if with_card else attached)
    expected_state = "requires_confirmation" if remaining == 0 else "requires_source"
    assert session["state"] == expected_state
