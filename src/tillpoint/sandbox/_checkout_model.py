"""A stored Digital River checkout, and the facts derived from its fields.

Fields are kept as validated raw JSON values (the sandbox never imports the SDK's
models, so it checks the SDK from the outside); totals are recomputed from them on
every change.

* ``customerType`` defaults to ``individual`` (SEED-002 returns it unasked),
  ``chargeType`` to ``customer_initiated`` and ``locale`` to ``en_US``.
* The tax jurisdiction is the ship-to address, else the bill-to, else the
  purchase location.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._catalog import fees_for
from ._payments import PaymentSession
from ._tax import tax_rate_for
from ._totals import Discount, Line, TaxContext, Totals, compute_totals

__all__ = [
    "DEFAULTS",
    "Checkout",
    "CheckoutItem",
    "address_country",
    "destination",
    "totals_for",
]

DEFAULTS: dict[str, str] = {
    "locale": "en_US",
    "customerType": "individual",
    "chargeType": "customer_initiated",
}


@dataclass
class CheckoutItem:
    id: str
    fields: dict[str, Any]


@dataclass
class Checkout:
    id: str
    seq: int
    created: datetime
    updated: datetime
    fields: dict[str, Any]
    items: list[CheckoutItem]
    session: PaymentSession
    totals: Totals


def _discount(spec: dict[str, Any] | None) -> Discount | None:
    if not spec:
        return None
    return Discount(
        amount_off=spec.get("amountOff"),
        percent_off=spec.get("percentOff"),
        quantity=spec.get("quantity"),
    )


def address_country(fields: dict[str, Any], key: str) -> tuple[str | None, str | None]:
    address = fields.get(key, {}).get("address")
    if address:
        return address.get("country"), address.get("state")
    return None, None


def destination(fields: dict[str, Any]) -> tuple[str | None, str | None]:
    """The tax jurisdiction: ship-to, else bill-to, else the purchase location."""
    for key in ("shipTo", "billTo"):
        country, state = address_country(fields, key)
        if country:
            return country, state
    location = fields.get("purchaseLocation")
    if location:
        return location.get("country"), location.get("state")
    return None, None


def _ship_from_country(fields: dict[str, Any], items: list[CheckoutItem]) -> str | None:
    country, _ = address_country(fields, "shipFrom")
    if country:
        return country
    for item in items:
        country, _ = address_country(item.fields, "shipFrom")
        if country:
            return country
    return None


def totals_for(fields: dict[str, Any], items: list[CheckoutItem]) -> Totals:
    country, state = destination(fields)
    shipping = fields.get("shippingChoice")
    context = TaxContext(
        rate=tax_rate_for(country, state),
        tax_inclusive=fields.get("taxInclusive", False),
        ship_to_country=address_country(fields, "shipTo")[0],
        ship_from_country=_ship_from_country(fields, items),
        shipping_terms=(shipping or {}).get("shippingTerms", "DDP"),
    )
    lines = [
        Line(
            quantity=item.fields.get("quantity", 1),
            price=item.fields.get("price"),
            aggregate_price=item.fields.get("aggregatePrice"),
            discount=_discount(item.fields.get("discount")),
            fees=fees_for(item.fields.get("skuId")),
        )
        for item in items
    ]
    return compute_totals(
        lines,
        order_discount=_discount(fields.get("discount")),
        shipping_amount=shipping["amount"] if shipping else None,
        shipping_discount=_discount(fields.get("shippingDiscount")),
        context=context,
    )
