"""Digital River checkout request bodies: what a create or an update may carry.

Choices the contract leaves open, and what the sandbox does:

* ``currency`` must be an active ISO 4217 code in upper case; ``PAB`` plays the
  documented "not activated" currency (409 ``currency_unactivated``).
* Shipping to an embargoed country -> 409 ``country_unsupported``.
* ``quantity`` must be a JSON integer ≥ 1 (``2.0`` is rejected); a line may set
  ``price`` or ``aggregatePrice`` but not both.
* ``discount``, ``taxInclusive`` and ``disclosures`` are create-only: on update
  they are unknown parameters.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ._checkout_model import address_country
from ._dr_schema import (
    ADDRESS,
    Anything,
    Array,
    Boolean,
    Choice,
    IdLike,
    Integer,
    Metadata,
    Node,
    Number,
    Object,
    Text,
    invalid,
    is_number,
    missing,
    unknown,
)
from ._errors import dr_bad_request, dr_conflict
from ._money import ISO_4217_CURRENCIES, ZERO
from ._tax import EMBARGOED_COUNTRIES

__all__ = [
    "CREATE_SPEC",
    "NOT_CLEARABLE",
    "UNACTIVATED_CURRENCIES",
    "UPDATE_SPEC",
    "check_create_items",
    "check_semantics",
    "object_body",
]

CHARGE_TYPES = ("customer_initiated", "merchant_initiated", "moto")
CUSTOMER_TYPES = ("business", "individual")
# The guide's example of a valid but not activated currency (contract §4.3).
UNACTIVATED_CURRENCIES = frozenset({"PAB"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Currency(Node):
    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, str) or value not in ISO_4217_CURRENCIES:
            raise invalid(path, value, f"'{value}' is not a valid currency.")
        if value in UNACTIVATED_CURRENCIES:
            raise dr_conflict("currency_unactivated", f"Currency '{value}' is not activated.", path)
        return value


class Email(Node):
    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, str) or not _EMAIL.match(value):
            raise dr_bad_request("email_invalid", f"'{value}' is not a valid email address.", path)
        return value


class DiscountSpec(Node):
    """``Discount``/``SkuDiscount``: exactly one of ``amountOff``/``percentOff``,
    both strictly positive (contract §3.4), plus ``quantity`` on line items."""

    def __init__(self, parameter: str, *, line_item: bool) -> None:
        self.parameter = parameter
        self.line_item = line_item

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise invalid(path, value)
        allowed = (
            {"amountOff", "percentOff", "quantity"}
            if self.line_item
            else {"amountOff", "percentOff"}
        )
        for key in value:
            if key not in allowed:
                raise unknown(key)
        amount_off = value.get("amountOff")
        percent_off = value.get("percentOff")
        if amount_off is not None and percent_off is not None:
            raise invalid(path, value, "Specify either 'amountOff' or 'percentOff', not both.")
        result: dict[str, Any] = {}
        if percent_off is not None:
            if not is_number(percent_off) or not Decimal("0.01") <= Decimal(percent_off) <= 100:
                raise dr_bad_request(
                    "invalid_discount_percent",
                    "The value must be an integer between 0.01 and 100.00 inclusive.",
                    self.parameter,
                )
            result["percentOff"] = Decimal(percent_off)
        if amount_off is not None:
            if not is_number(amount_off):
                raise invalid(f"{path}.amountOff", amount_off)
            if Decimal(amount_off) <= 0:
                raise dr_bad_request(
                    "invalid_discount_amount",
                    f"The value {float(amount_off)} is not permitted.",
                    self.parameter,
                )
            result["amountOff"] = Decimal(amount_off)
        if self.line_item and value.get("quantity") is not None:
            result["quantity"] = Integer(minimum=1).check(value["quantity"], f"{path}.quantity")
        return result


_ADDITIONAL = Object({"neighborhood": Text(), "division": Text(), "phoneticName": Text()})
_ADDITIONAL_BILLING = Object(
    {**_ADDITIONAL.fields, "title": Choice("M", "Mme", "Mlle")},
)
_SHIP_TO = Object(
    {
        "address": ADDRESS,
        "name": Text(),
        "phone": Text(),
        "email": Text(),
        "organization": Text(),
        "additionalAddressInfo": _ADDITIONAL,
    }
)
_BILL_TO = Object(
    {**_SHIP_TO.fields, "additionalAddressInfo": _ADDITIONAL_BILLING}, required=("address",)
)
_SHIP_FROM = Object({"address": ADDRESS, "additionalAddressInfo": _ADDITIONAL})
_PURCHASE_LOCATION = Object(
    {"country": Text(), "state": Text(), "postalCode": Text()}, required=("country",)
)
_SHIPPING_CHOICE = Object(
    {
        "id": Text(),
        "amount": Number(minimum=ZERO),
        "description": Text(),
        "serviceLevel": Text(),
        "shippingTerms": Choice("DDP", "DAP"),
    }
)
_PRODUCT_DETAILS = Object(
    {
        "id": Text(),
        "skuGroupId": Text(),
        "name": Text(),
        "description": Text(),
        "url": Text(),
        "countryOfOrigin": Text(),
        "image": Text(),
        "weight": Number(minimum=ZERO),
        "weightUnit": Choice("oz", "lb", "g", "kg"),
        "partNumber": Text(),
    }
)
_SUBSCRIPTION_INFO = Object(
    {
        "freeTrial": Boolean(),
        "autoRenewal": Boolean(),
        "terms": Text(),
        "planId": Text(),
        "subscriptionId": Text(),
        "billingAgreementId": Text(),
        "startTime": Text(),
        "endTime": Text(),
    }
)
_BILLING_OPTIMIZATION = Object(
    {
        "subscriptionId": Text(),
        "segmentId": Text(),
        "renewalAttemptNumber": Number(),
        "trackingId": Text(),
    }
)
_ITEM_CREATE = Object(
    {
        "skuId": Text(),
        "productDetails": _PRODUCT_DETAILS,
        "subscriptionInfo": _SUBSCRIPTION_INFO,
        "price": Number(minimum=ZERO),
        "aggregatePrice": Number(minimum=ZERO),
        "quantity": Integer(minimum=1),
        "discount": DiscountSpec("discount", line_item=True),
        "shipFrom": _SHIP_FROM,
        "metadata": Metadata(),
    }
)
# Contract §3.3: only these may change on an existing line.
_ITEM_UPDATE = Object(
    {
        "id": Text(),
        "subscriptionInfo": _SUBSCRIPTION_INFO,
        "shipFrom": _SHIP_FROM,
        "metadata": Metadata(),
    },
    required=("id",),
)

# Fields shared by create and update (contract §3.2/§3.3), in response order.
_COMMON_FIELDS: dict[str, Node] = {
    "customerId": IdLike(),
    "sourceId": Text(),
    "currency": Currency(),
    "email": Email(),
    "locale": Text(),
    "language": Text(),
    "invoiceAttributeId": Text(),
    "applicationId": Text(),
    "browserIp": Text(),
    "upstreamId": Text(),
    "taxIdentifiers": Array(Object({"id": Text()}, required=("id",))),
    "shipFrom": _SHIP_FROM,
    "shipTo": _SHIP_TO,
    "billTo": _BILL_TO,
    "organization": Object({"id": Text()}),
    "purchaseLocation": _PURCHASE_LOCATION,
    "shippingChoice": _SHIPPING_CHOICE,
    "shippingDiscount": DiscountSpec("shippingDiscount", line_item=False),
    "chargeType": Choice(*CHARGE_TYPES),
    "customerType": Choice(*CUSTOMER_TYPES),
    "metadata": Metadata(),
    "billingOptimization": _BILLING_OPTIMIZATION,
}
CREATE_SPEC = Object(
    {
        **_COMMON_FIELDS,
        "items": Array(_ITEM_CREATE),
        "discount": DiscountSpec("discount", line_item=False),
        "taxInclusive": Boolean(),
        "disclosures": Anything(),
    },
    required=("currency", "items"),
)
# ``discount``, ``taxInclusive`` and ``disclosures`` are create-only, so on
# update they fail as unknown parameters (contract §3.3).
UPDATE_SPEC = Object({**_COMMON_FIELDS, "items": Array(_ITEM_UPDATE)})
NOT_CLEARABLE = frozenset({"currency", "items", "sourceId"})


def check_semantics(fields: dict[str, Any]) -> None:
    """Rules that span fields; run on the merged state of create and update."""
    shipping = fields.get("shippingChoice")
    if shipping is not None and "amount" not in shipping:
        raise dr_bad_request("internal_error", "Client must provide shipping Cost")
    for key in ("shipTo", "billTo"):
        country, _ = address_country(fields, key)
        if country in EMBARGOED_COUNTRIES:
            raise dr_conflict(
                "country_unsupported", f"Country '{country}' is not supported.", "country"
            )


def check_create_items(items: list[dict[str, Any]]) -> None:
    if not items:
        raise invalid("items", items, "At least one item is required.")
    for index, item in enumerate(items):
        prefix = f"items[{index}]"
        if "skuId" not in item and "productDetails" not in item:
            raise missing(f"{prefix}.skuId")
        if "price" not in item and "aggregatePrice" not in item:
            raise missing(f"{prefix}.price")
        if "price" in item and "aggregatePrice" in item:
            raise invalid(
                f"{prefix}.aggregatePrice",
                item["aggregatePrice"],
                "Specify either 'price' or 'aggregatePrice', not both.",
            )
        discount_quantity = item.get("discount", {}).get("quantity")
        if discount_quantity is not None and discount_quantity > item.get("quantity", 1):
            raise invalid(
                f"{prefix}.discount.quantity",
                discount_quantity,
                f"'{prefix}.discount.quantity' cannot exceed the item quantity.",
            )


def object_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise dr_bad_request("invalid_parameter", "The request body must be a JSON object.")
    return body
