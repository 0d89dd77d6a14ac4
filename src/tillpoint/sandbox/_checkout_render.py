"""A stored checkout as Digital River returns it: field order, defaults, totals as JSON numbers."""

from __future__ import annotations

from typing import Any

from ._catalog import product_details_for
from ._checkout_model import DEFAULTS, Checkout, CheckoutItem, destination
from ._clock import format_dr
from ._money import ZERO, as_json_number
from ._payments import SourceStore
from ._tax import selling_entity_for
from ._totals import LineTotals

__all__ = ["render_checkout"]


def render_checkout(checkout: Checkout, sources: SourceStore) -> dict[str, Any]:
    fields = checkout.fields
    totals = checkout.totals
    body: dict[str, Any] = {"id": checkout.id, "createdTime": format_dr(checkout.created)}
    for key in (
        "customerId",
        "currency",
        "email",
        "applicationId",
        "browserIp",
        "upstreamId",
        "shipTo",
        "shipFrom",
        "billTo",
        "organization",
        "purchaseLocation",
        "taxIdentifiers",
    ):
        if key in fields:
            body[key] = fields[key]
    if "invoiceAttributeId" in fields:
        body["invoiceAttributes"] = {"id": fields["invoiceAttributeId"]}
    body.update(
        {
            "totalAmount": as_json_number(totals.total_amount),
            "subtotal": as_json_number(totals.subtotal),
            "totalFees": as_json_number(totals.total_fees),
            "totalTax": as_json_number(totals.total_tax),
            "totalImporterTax": as_json_number(totals.total_importer_tax),
            "totalDuty": as_json_number(totals.total_duty),
            "totalDiscount": as_json_number(totals.total_discount),
            "totalShipping": as_json_number(totals.total_shipping),
        }
    )
    if totals.importer_of_record:
        body["importerOfRecordTax"] = True
    if fields.get("discount"):
        body["discount"] = _discount_json(fields["discount"])
    body["items"] = [
        _render_item(item, line) for item, line in zip(checkout.items, totals.lines, strict=True)
    ]
    shipping = fields.get("shippingChoice")
    if shipping is not None:
        shipping_json = dict(shipping)
        shipping_json["amount"] = as_json_number(totals.shipping_amount or ZERO)
        shipping_json["taxAmount"] = as_json_number(totals.shipping_tax)
        body["shippingChoice"] = shipping_json
    if fields.get("shippingDiscount"):
        body["shippingDiscount"] = _discount_json(fields["shippingDiscount"])
    body["updatedTime"] = format_dr(checkout.updated)
    for key in ("locale", "language", "customerType", "chargeType", "taxInclusive"):
        if key in fields:
            body[key] = fields[key]
        elif key in DEFAULTS:
            body[key] = DEFAULTS[key]
    body["sellingEntity"] = selling_entity_for(destination(fields)[0])
    body["liveMode"] = False
    for key in ("metadata", "billingOptimization", "disclosures"):
        if key in fields:
            body[key] = fields[key]
    body["payment"] = checkout.session.to_json(totals.total_amount, sources)
    return body


def _render_item(item: CheckoutItem, line: LineTotals) -> dict[str, Any]:
    spec = item.fields
    body: dict[str, Any] = {"id": item.id}
    if "skuId" in spec:
        body["skuId"] = spec["skuId"]
    body["productDetails"] = spec.get("productDetails") or product_details_for(spec["skuId"])
    if "subscriptionInfo" in spec:
        body["subscriptionInfo"] = spec["subscriptionInfo"]
    body["amount"] = as_json_number(line.amount)
    body["quantity"] = spec.get("quantity", 1)
    body["tax"] = {"rate": float(line.tax_rate), "amount": as_json_number(line.tax_amount)}
    body["importerTax"] = (
        {} if line.importer_tax is None else {"amount": as_json_number(line.importer_tax)}
    )
    body["duties"] = {} if line.duty is None else {"amount": as_json_number(line.duty)}
    if line.fee_amounts:
        body["fees"] = {
            "details": [
                {
                    "type": fee.type,
                    "perUnitAmount": as_json_number(fee.per_unit_amount),
                    "amount": as_json_number(amount),
                    "id": fee.id,
                }
                for fee, amount in line.fee_amounts
            ],
            "amount": as_json_number(line.fees_amount),
            "taxAmount": as_json_number(line.fees_tax),
        }
    if spec.get("discount"):
        discount = _discount_json(spec["discount"])
        discount["quantity"] = line.discount_quantity
        body["discount"] = discount
    if line.seller_tax_identifier is not None:
        body["sellerTaxIdentifier"] = line.seller_tax_identifier
    for key in ("shipFrom", "metadata"):
        if key in spec:
            body[key] = spec[key]
    return body


def _discount_json(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: float(value) for key, value in spec.items() if key != "quantity"}
