"""Contract §6.1 through the SDK over real HTTP: every documented totals example, to the cent.

Each row is built from SDK models, sent with ``checkouts_create`` and read back with the
façade's ``get``; every amount is compared as an exact ``Decimal`` (a float that crept in
anywhere on the way would show as ``Decimal('26.890000000000001')`` and fail).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tillpoint import Tillpoint, TillpointCore, models

from .support import MN, create, seed_002, session_of

pytestmark = pytest.mark.anyio

D = Decimal


def mn(items: list[models.Item], **fields: Any) -> models.CheckoutCreate:
    return models.CheckoutCreate(
        currency="USD", ship_to=models.ShipTo(address=MN), items=items, **fields
    )


def item(price: str, quantity: int, **fields: Any) -> models.Item:
    return models.Item(sku_id="09062016", price=D(price), quantity=quantity, **fields)


EIGHT_DOLLAR_SHIPPING = models.ShippingChoice(
    amount=D("8.00"), description="USPS: Priority (1 day delivery)", service_level="SG"
)
LANDED_COST = models.CheckoutCreate(
    currency="EUR",
    tax_inclusive=False,
    ship_to=models.ShipTo(
        address=models.Address(
            line1="Deinsesteenweg 108B", city="Drongen", postal_code="9031", country="BE"
        )
    ),
    ship_from=models.ShipFrom(address=models.Address(state="MN", country="US")),
    items=[
        models.Item(sku_id="sku_landed_a", price=D(75), quantity=1),
        models.Item(sku_id="sku_landed_b", price=D(76), quantity=1),
    ],
)

# (id, body, {dotted attribute path: exact expected value}) -- contract §6.1's table.
EXAMPLES: list[tuple[str, models.CheckoutCreate, dict[str, object]]] = [
    (
        "seed-002 2x10 ship 5 (tax 1.505 rounds half-up)",
        seed_002(),
        {
            "items.0.amount": D("20.00"),
            "items.0.tax.rate": D("0.07525"),
            "items.0.tax.amount": D("1.51"),
            "shipping_choice.amount": D("5.00"),
            "shipping_choice.tax_amount": D("0.38"),
            "subtotal": D("25.00"),
            "total_tax": D("1.89"),
            "total_shipping": D("5.00"),
            "total_discount": D(0),
            "total_fees": D(0),
            "total_amount": D("26.89"),
        },
    ),
    (
        "line 10% off one unit",
        mn([item("10.00", 3, discount=models.ItemDiscount(percent_off=D(10), quantity=1))]),
        {
            "items.0.amount": D("29.00"),
            "items.0.discount.percent_off": D(10),
            "items.0.discount.quantity": 1,
            "items.0.tax.amount": D("2.18"),
            "subtotal": D("29.00"),
            "total_tax": D("2.18"),
            "total_discount": D("1.00"),
            "total_amount": D("31.18"),
        },
    ),
    (
        "line amountOff 2 on every unit",
        mn([item("10.00", 3, discount=models.ItemDiscount(amount_off=D(2)))]),
        {
            "items.0.amount": D("24.00"),
            "items.0.discount.amount_off": D(2),
            "items.0.discount.quantity": 3,  # defaults to the line's quantity, echoed
            "items.0.tax.amount": D("1.81"),
            "subtotal": D("24.00"),
            "total_discount": D("6.00"),
            "total_amount": D("25.81"),
        },
    ),
    (
        "order 20% off",
        mn(
            [item("10.00", 4), item("20.00", 2)],
            discount=models.Discount(percent_off=D(20)),
        ),
        {
            "discount.percent_off": D(20),
            "items.0.amount": D(40),  # the order discount does not reduce item amounts
            "items.1.amount": D(40),
            "items.0.tax.amount": D("2.41"),
            "items.1.tax.amount": D("2.41"),
            "subtotal": D(64),
            "total_tax": D("4.82"),
            "total_discount": D(16),
            "total_amount": D("68.82"),
        },
    ),
    (
        "order amountOff 10",
        mn(
            [item("10.00", 4), item("20.00", 2)],
            discount=models.Discount(amount_off=D(10)),
        ),
        {
            "discount.amount_off": D(10),
            "items.0.amount": D(40),
            "items.1.amount": D(40),
            "items.0.tax.amount": D("2.63"),
            "items.1.tax.amount": D("2.63"),
            "subtotal": D(70),
            "total_tax": D("5.26"),
            "total_discount": D(10),
            "total_amount": D("75.26"),
        },
    ),
    (
        "shipping 25% off",
        mn(
            [item("10.00", 3)],
            shipping_choice=EIGHT_DOLLAR_SHIPPING,
            shipping_discount=models.Discount(percent_off=D(25)),
        ),
        {
            "items.0.tax.amount": D("2.26"),
            "shipping_choice.amount": D(8),  # unchanged in the response
            "shipping_choice.tax_amount": D("0.45"),
            "shipping_discount.percent_off": D(25),
            "subtotal": D(36),
            "total_tax": D("2.71"),
            "total_shipping": D(8),  # pre-discount
            "total_discount": D(2),
            "total_amount": D("38.71"),
        },
    ),
    (
        "shipping amountOff 3",
        mn(
            [item("10.00", 3)],
            shipping_choice=EIGHT_DOLLAR_SHIPPING,
            shipping_discount=models.Discount(amount_off=D(3)),
        ),
        {
            "shipping_choice.tax_amount": D("0.38"),
            "subtotal": D(35),
            "total_tax": D("2.64"),
            "total_shipping": D(8),
            "total_discount": D(3),
            "total_amount": D("37.64"),
        },
    ),
    (
        "regulatory fees (sku_test_battery_weee)",
        mn(
            [models.Item(sku_id="sku_test_battery_weee", price=D(10), quantity=2)],
            shipping_choice=models.ShippingChoice(amount=D(5)),
        ),
        {
            "items.0.amount": D(20),
            "items.0.tax.amount": D("1.51"),
            "items.0.fees.amount": D(16),
            "items.0.fees.tax_amount": D("1.20"),
            "items.0.fees.details.0.type": "weee",
            "items.0.fees.details.0.amount": D(6),
            "items.0.fees.details.1.type": "battery",
            "items.0.fees.details.1.per_unit_amount": D(5),
            "total_fees": D(16),
            "subtotal": D(41),
            "total_tax": D("3.09"),
            "total_amount": D("44.09"),
        },
    ),
    (
        "landed cost: US to BE over the de minimis, DDP",
        LANDED_COST,
        {
            "items.0.duties.amount": D("12.75"),
            "items.1.duties.amount": D("12.92"),
            "items.0.importer_tax.amount": D("18.43"),
            "items.1.importer_tax.amount": D("18.67"),
            "items.0.tax.amount": D(0),
            "importer_of_record_tax": True,
            "total_duty": D("25.67"),
            "total_importer_tax": D("37.10"),
            "subtotal": D("213.77"),  # includes importer tax and duty
            "total_tax": D(0),  # excludes importer tax
            "total_amount": D("213.77"),
        },
    ),
    (
        "tax-inclusive 2x10",
        mn([models.Item(sku_id="sku_1", price=D(10), quantity=2)], tax_inclusive=True),
        {
            "tax_inclusive": True,
            "items.0.amount": D("18.60"),  # net: round(20 / 1.07525)
            "items.0.tax.amount": D("1.40"),
            "subtotal": D("18.60"),
            "total_tax": D("1.40"),
            "total_amount": D(20),
        },
    ),
]


def dig(value: object, path: str) -> object:
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else getattr(value, part)
    return value


@pytest.mark.parametrize(
    ("body", "expected"), [pytest.param(b, e, id=name) for name, b, e in EXAMPLES]
)
async def test_documented_totals_arrive_as_exact_decimals(
    core: TillpointCore, tp: Tillpoint, body: models.CheckoutCreate, expected: dict[str, object]
) -> None:
    created = await create(core, body)
    assert created.id
    fetched = await tp.checkouts.get(created.id)

    for checkout in (created, fetched):
        actual = {path: dig(checkout, path) for path in expected}
        assert actual == expected
        amounts = [v for p, v in actual.items() if isinstance(v, Decimal) and "rate" not in p]
        # Money is exact to the cent: a float on the way (26.890000000000001) would not be.
        assert all(value == value.quantize(D("0.01")) for value in amounts)
        assert checkout.total_amount == checkout.subtotal + checkout.total_tax  # type: ignore[operator]
        session = session_of(checkout)
        assert session.state == "requires_source"
        assert session.amount_contributed == 0
        assert session.amount_remaining_to_be_contributed == checkout.total_amount


async def test_no_address_means_no_tax_and_a_us_state_uses_its_rate(tp: Tillpoint) -> None:
    untaxed = await tp.checkouts.create(
        models.CheckoutCreate(currency="USD", items=[item("10.00", 1)])
    )
    assert untaxed.total_tax == 0 and untaxed.total_amount == D(10)
    assert untaxed.items and untaxed.items[0].tax and untaxed.items[0].tax.rate == 0

    # 100 x 0.0725 (CA) = 7.25; the same 100 to Minnesota: 7.525 -> 7.53 half-up.
    for state, tax in (("CA", D("7.25")), ("MN", D("7.53"))):
        checkout = await tp.checkouts.create(
            models.CheckoutCreate(
                currency="USD",
                ship_to=models.ShipTo(address=models.Address(state=state, country="US")),
                items=[item("100", 1)],
            )
        )
        assert (checkout.total_tax, checkout.total_amount) == (tax, D(100) + tax)


async def test_an_update_recomputes_the_totals(tp: Tillpoint) -> None:
    checkout = await tp.checkouts.create(seed_002())
    assert checkout.id

    # Oregon has no sales tax: item and shipping tax both drop to 0.
    oregon = models.ShipTo(address=models.Address(state="OR", postal_code="97201", country="US"))
    moved = await tp.checkouts.update(checkout.id, models.CheckoutUpdate(ship_to=oregon))
    assert (moved.subtotal, moved.total_tax, moved.total_amount) == (D(25), D(0), D(25))

    discounted = await tp.checkouts.update(
        checkout.id,
        models.CheckoutUpdate(
            ship_to=models.ShipTo(address=MN),
            shipping_discount=models.Discount(amount_off=D(5)),
        ),
    )
    # Free shipping to MN: 20 + 1.51 tax, and no shipping tax.
    assert discounted.shipping_choice and discounted.shipping_choice.tax_amount == 0
    assert (discounted.total_discount, discounted.total_amount) == (D(5), D("21.51"))
    assert session_of(discounted).amount_remaining_to_be_contributed == D("21.51")
