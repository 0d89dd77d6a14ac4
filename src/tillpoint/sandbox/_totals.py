"""Checkout totals, exactly as contract §6.1 derives them from DR's examples.

Pure functions over :class:`~decimal.Decimal`; no JSON, no state.  The rules:

* ``item.amount = price × quantity`` (or ``aggregatePrice``) minus the item's
  own discount.  ``percentOff`` applies to ``unit price × discount.quantity``,
  ``amountOff`` is per unit × ``discount.quantity``; ``discount.quantity``
  defaults to the line quantity.
* The order ``discount`` is taken from ``Σ item.amount`` and allocated pro rata
  to the lines *for tax only*: ``item.amount`` in the response is not reduced.
* Shipping is ``shippingChoice.amount`` (echoed unchanged), less
  ``shippingDiscount``.  Order and line discounts never reduce shipping.
* Tax is rounded half-up to cents *per line* (items, shipping, each line's
  fees).
* ``subtotal = Σ item.amount − D + ship − shipDisc + fees (+ duty + importer
  tax)``, ``totalTax`` excludes importer tax, ``totalAmount = subtotal + totalTax``.
* Tax-inclusive: every taxable gross ``g`` splits into ``net = round(g / (1 +
  rate))`` and ``tax = g − net``; amounts are returned net.
* Landed cost (see :mod:`._tax`): importer-of-record lines pay no DR tax but
  carry ``duties`` and ``importerTax``; shipping is not taxed in that mode (DR
  documents no example with shipping, so the sandbox keeps it simple).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ._money import ZERO, money
from ._tax import EU_COUNTRIES, EU_DE_MINIMIS, EU_DUTY_RATE, IOSS_SELLER_TAX_ID

__all__ = [
    "Discount",
    "Fee",
    "Line",
    "LineTotals",
    "TaxContext",
    "Totals",
    "compute_totals",
]

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Fee:
    id: str
    type: str
    per_unit_amount: Decimal


@dataclass(frozen=True)
class Discount:
    amount_off: Decimal | None = None
    percent_off: Decimal | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class Line:
    quantity: int
    price: Decimal | None = None
    aggregate_price: Decimal | None = None
    discount: Discount | None = None
    fees: tuple[Fee, ...] = ()


@dataclass(frozen=True)
class TaxContext:
    rate: Decimal = ZERO
    tax_inclusive: bool = False
    ship_to_country: str | None = None
    ship_from_country: str | None = None
    shipping_terms: str = "DDP"


@dataclass
class LineTotals:
    amount: Decimal
    discount_amount: Decimal
    discount_quantity: int | None
    tax_rate: Decimal
    tax_amount: Decimal
    fee_amounts: list[tuple[Fee, Decimal]] = field(default_factory=list)
    fees_amount: Decimal = ZERO
    fees_tax: Decimal = ZERO
    duty: Decimal | None = None
    importer_tax: Decimal | None = None
    seller_tax_identifier: str | None = None


@dataclass
class Totals:
    lines: list[LineTotals]
    shipping_amount: Decimal | None
    shipping_tax: Decimal
    subtotal: Decimal
    total_tax: Decimal
    total_fees: Decimal
    total_duty: Decimal
    total_importer_tax: Decimal
    total_discount: Decimal
    total_shipping: Decimal
    total_amount: Decimal
    importer_of_record: bool


def _percent(value: Decimal, percent: Decimal) -> Decimal:
    return money(value * percent / HUNDRED)


def _line_discount(line: Line, gross: Decimal) -> tuple[Decimal, int | None]:
    discount = line.discount
    if discount is None or (discount.amount_off is None and discount.percent_off is None):
        return ZERO, None
    quantity = discount.quantity if discount.quantity is not None else line.quantity
    if discount.percent_off is not None:
        unit = line.price if line.price is not None else gross / line.quantity
        amount = _percent(unit * quantity, discount.percent_off)
    else:
        assert discount.amount_off is not None
        amount = money(discount.amount_off * quantity)
    return min(amount, gross), quantity


def _order_discount(discount: Discount | None, base: Decimal) -> Decimal:
    if discount is None:
        return ZERO
    if discount.percent_off is not None:
        return min(_percent(base, discount.percent_off), base)
    if discount.amount_off is not None:
        return min(money(discount.amount_off), base)
    return ZERO


def _split_inclusive(gross: Decimal, rate: Decimal) -> Decimal:
    """The tax contained in a tax-inclusive gross amount (both in whole cents)."""
    gross = money(gross)
    return gross - money(gross / (1 + rate))


def compute_totals(
    lines: list[Line],
    *,
    order_discount: Discount | None = None,
    shipping_amount: Decimal | None = None,
    shipping_discount: Discount | None = None,
    context: TaxContext | None = None,
) -> Totals:
    ctx = context or TaxContext()
    rate = ctx.rate

    grosses = [
        money(line.aggregate_price)
        if line.aggregate_price is not None
        else money((line.price or ZERO) * line.quantity)
        for line in lines
    ]
    line_discounts = [
        _line_discount(line, gross) for line, gross in zip(lines, grosses, strict=True)
    ]
    amounts = [gross - disc for gross, (disc, _) in zip(grosses, line_discounts, strict=True)]
    items_total = sum(amounts, ZERO)

    order_disc = _order_discount(order_discount, items_total)
    # Pro-rata share of the order discount, unrounded: it only feeds the tax base.
    shares = [order_disc * amount / items_total if items_total else ZERO for amount in amounts]
    taxable = [amount - share for amount, share in zip(amounts, shares, strict=True)]

    ship = money(shipping_amount) if shipping_amount is not None else ZERO
    ship_disc = _order_discount(shipping_discount, ship)
    ship_taxable = ship - ship_disc

    # Landed cost applies to EU imports from outside the EU (contract §6.1, DR-GB landed-costs).
    cross_border_eu = (
        not ctx.tax_inclusive
        and ctx.ship_to_country in EU_COUNTRIES
        and ctx.ship_from_country is not None
        and ctx.ship_from_country not in EU_COUNTRIES
        and ctx.ship_from_country != ctx.ship_to_country
    )
    goods_value = items_total - order_disc
    over_threshold = cross_border_eu and goods_value > EU_DE_MINIMIS
    importer_of_record = over_threshold and ctx.shipping_terms != "DAP"
    # Above the threshold with DAP the buyer pays tax and duty on delivery, not at checkout.
    buyer_pays_on_delivery = over_threshold and ctx.shipping_terms == "DAP"

    results: list[LineTotals] = []
    for line, amount, base, (disc, disc_qty) in zip(
        lines, amounts, taxable, line_discounts, strict=True
    ):
        fee_amounts = [(fee, money(fee.per_unit_amount * line.quantity)) for fee in line.fees]
        fees_gross = sum((amount_ for _, amount_ in fee_amounts), ZERO)
        result = LineTotals(
            amount=amount,
            discount_amount=disc,
            discount_quantity=disc_qty,
            tax_rate=rate,
            tax_amount=ZERO,
            fee_amounts=fee_amounts,
            fees_amount=fees_gross,
        )
        if importer_of_record:
            duty = money(base * EU_DUTY_RATE)
            result.duty = duty
            result.importer_tax = money((base + duty) * rate)
            result.tax_rate = rate + EU_DUTY_RATE
            result.fees_tax = money(fees_gross * rate)
        elif buyer_pays_on_delivery:
            result.tax_rate = ZERO
        elif ctx.tax_inclusive:
            result.tax_amount = _split_inclusive(base, rate)
            result.amount = amount - result.tax_amount
            result.fees_tax = _split_inclusive(fees_gross, rate)
            result.fees_amount = fees_gross - result.fees_tax
        else:
            result.tax_amount = money(base * rate)
            result.fees_tax = money(fees_gross * rate)
        if cross_border_eu and not over_threshold:
            result.seller_tax_identifier = IOSS_SELLER_TAX_ID
        results.append(result)

    if importer_of_record or buyer_pays_on_delivery:
        ship_tax = ZERO
        ship_out = ship
    elif ctx.tax_inclusive:
        ship_tax = _split_inclusive(ship_taxable, rate)
        ship_out = ship - ship_tax
    else:
        ship_tax = money(ship_taxable * rate)
        ship_out = ship

    total_fees = sum((r.fees_amount for r in results), ZERO)
    total_duty = sum((r.duty or ZERO for r in results), ZERO)
    total_importer_tax = sum((r.importer_tax or ZERO for r in results), ZERO)
    subtotal = (
        sum((r.amount for r in results), ZERO)
        - order_disc
        + ship_out
        - ship_disc
        + total_fees
        + total_duty
        + total_importer_tax
    )
    total_tax = sum((r.tax_amount + r.fees_tax for r in results), ZERO) + ship_tax
    return Totals(
        lines=results,
        shipping_amount=ship_out if shipping_amount is not None else None,
        shipping_tax=ship_tax,
        subtotal=subtotal,
        total_tax=total_tax,
        total_fees=total_fees,
        total_duty=total_duty,
        total_importer_tax=total_importer_tax,
        total_discount=sum((r.discount_amount for r in results), ZERO) + order_disc + ship_disc,
        total_shipping=ship_out,
        total_amount=subtotal + total_tax,
        importer_of_record=importer_of_record,
    )
