"""Digital River checkouts: validation, the in-memory store, rendering, listing.

The store works on raw JSON values (it never imports the SDK's models) so that
it is an independent implementation of the server the SDK talks to.

Choices the contract leaves open, and what the sandbox does:

* ``customerType`` defaults to ``individual`` (SEED-002 returns it unasked),
  ``chargeType`` to ``customer_initiated`` and ``locale`` to ``en_US``.
* ``null`` in a create body means "not sent"; in an update body it clears that
  optional field (``currency``, ``items`` and ``sourceId`` cannot be cleared).
* A ``sourceId`` in a create/update body that names no source -> 400
  ``source_not_found`` (parameter ``sourceId``); the create operation declares
  no 404.
* ``currency`` must be an active ISO 4217 code in upper case; ``PAB`` plays the
  documented "not activated" currency (409 ``currency_unactivated``).
* Shipping to an embargoed country -> 409 ``country_unsupported``.
* ``quantity`` must be a JSON integer ≥ 1 (``2.0`` is rejected); a line may set
  ``price`` or ``aggregatePrice`` but not both.
* Listing with an unknown ``startingAfter``/``endingBefore`` id -> 400
  ``invalid_parameter`` naming the cursor; unknown query parameters -> 400
  ``unknown_parameter``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ._catalog import fees_for, product_details_for
from ._clock import Clock, format_dr, parse_iso_datetime, utc
from ._dr_schema import (
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
from ._errors import ApiError, dr_bad_request, dr_conflict, dr_not_found
from ._money import ISO_4217_CURRENCIES, ZERO, as_json_number
from ._payments import PaymentSession, Source, SourceStore
from ._tax import EMBARGOED_COUNTRIES, selling_entity_for, tax_rate_for
from ._totals import Discount, Line, LineTotals, TaxContext, Totals, compute_totals

__all__ = ["Checkout", "CheckoutStore", "UNACTIVATED_CURRENCIES"]

CHARGE_TYPES = ("customer_initiated", "merchant_initiated", "moto")
CUSTOMER_TYPES = ("business", "individual")
# The guide's example of a valid but not activated currency (contract §4.3).
UNACTIVATED_CURRENCIES = frozenset({"PAB"})
DEFAULTS: dict[str, str] = {
    "locale": "en_US",
    "customerType": "individual",
    "chargeType": "customer_initiated",
}
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


_ADDRESS = Object(
    {
        "line1": Text(),
        "line2": Text(),
        "city": Text(),
        "postalCode": Text(),
        "state": Text(),
        "country": Text(),
    },
    required=("country",),
)
_ADDITIONAL = Object({"neighborhood": Text(), "division": Text(), "phoneticName": Text()})
_ADDITIONAL_BILLING = Object(
    {**_ADDITIONAL.fields, "title": Choice("M", "Mme", "Mlle")},
)
_SHIP_TO = Object(
    {
        "address": _ADDRESS,
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
_SHIP_FROM = Object({"address": _ADDRESS, "additionalAddressInfo": _ADDITIONAL})
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
_NOT_CLEARABLE = frozenset({"currency", "items", "sourceId"})


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


def _address_country(fields: dict[str, Any], key: str) -> tuple[str | None, str | None]:
    address = fields.get(key, {}).get("address")
    if address:
        return address.get("country"), address.get("state")
    return None, None


def _destination(fields: dict[str, Any]) -> tuple[str | None, str | None]:
    """The tax jurisdiction: ship-to, else bill-to, else the purchase location."""
    for key in ("shipTo", "billTo"):
        country, state = _address_country(fields, key)
        if country:
            return country, state
    location = fields.get("purchaseLocation")
    if location:
        return location.get("country"), location.get("state")
    return None, None


def _ship_from_country(fields: dict[str, Any], items: list[CheckoutItem]) -> str | None:
    country, _ = _address_country(fields, "shipFrom")
    if country:
        return country
    for item in items:
        country, _ = _address_country(item.fields, "shipFrom")
        if country:
            return country
    return None


def _compute(fields: dict[str, Any], items: list[CheckoutItem]) -> Totals:
    country, state = _destination(fields)
    shipping = fields.get("shippingChoice")
    context = TaxContext(
        rate=tax_rate_for(country, state),
        tax_inclusive=fields.get("taxInclusive", False),
        ship_to_country=_address_country(fields, "shipTo")[0],
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


def _check_semantics(fields: dict[str, Any]) -> None:
    """Rules that span fields; run on the merged state of create and update."""
    shipping = fields.get("shippingChoice")
    if shipping is not None and "amount" not in shipping:
        raise dr_bad_request("internal_error", "Client must provide shipping Cost")
    for key in ("shipTo", "billTo"):
        country, _ = _address_country(fields, key)
        if country in EMBARGOED_COUNTRIES:
            raise dr_conflict(
                "country_unsupported", f"Country '{country}' is not supported.", "country"
            )


def _check_create_items(items: list[dict[str, Any]]) -> None:
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


def _object_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise dr_bad_request("invalid_parameter", "The request body must be a JSON object.")
    return body


class CheckoutStore:
    def __init__(self, clock: Clock, sources: SourceStore) -> None:
        self._clock = clock
        self._sources = sources
        self._checkouts: dict[str, Checkout] = {}
        self._seq = 0

    def clear(self) -> None:
        self._checkouts.clear()

    def _now(self) -> datetime:
        # DR timestamps have second precision; keep stored values comparable.
        return utc(self._clock()).replace(microsecond=0)

    def _get(self, checkout_id: str) -> Checkout:
        checkout = self._checkouts.get(checkout_id)
        if checkout is None:
            raise dr_not_found("Checkout", checkout_id)
        return checkout

    def _body_source(self, source_id: str) -> Source:
        try:
            return self._sources.get(source_id)
        except ApiError:
            raise dr_bad_request(
                "source_not_found", f"Source '{source_id}' not found.", "sourceId"
            ) from None

    # -- operations ---------------------------------------------------------

    def create(self, body: Any) -> dict[str, Any]:
        spec = CREATE_SPEC.check(_object_body(body), "")
        _check_create_items(spec["items"])
        fields = {key: value for key, value in spec.items() if key not in ("items", "sourceId")}
        _check_semantics(fields)
        items = [CheckoutItem(str(uuid.uuid4()), item) for item in spec["items"]]
        totals = _compute(fields, items)
        session = PaymentSession()
        if "sourceId" in spec:
            source = self._body_source(spec["sourceId"])
            session.attach(source, totals.total_amount, self._sources)
        now = self._now()
        self._seq += 1
        checkout = Checkout(
            id=str(uuid.uuid4()),
            seq=self._seq,
            created=now,
            updated=now,
            fields=fields,
            items=items,
            session=session,
            totals=totals,
        )
        self._checkouts[checkout.id] = checkout
        return self.render(checkout)

    def get(self, checkout_id: str) -> dict[str, Any]:
        return self.render(self._get(checkout_id))

    def update(self, checkout_id: str, body: Any) -> dict[str, Any]:
        checkout = self._get(checkout_id)
        raw = _object_body(body)
        spec = UPDATE_SPEC.check(raw, "")
        # Work on copies so that a rejected update leaves the checkout untouched.
        fields = dict(checkout.fields)
        for key, value in raw.items():
            if value is None and key not in _NOT_CLEARABLE:
                fields.pop(key, None)
        fields.update({k: v for k, v in spec.items() if k not in ("items", "sourceId")})
        _check_semantics(fields)
        items = [CheckoutItem(item.id, dict(item.fields)) for item in checkout.items]
        by_id = {item.id: item for item in items}
        for index, change in enumerate(spec.get("items", [])):
            target = by_id.get(change["id"])
            if target is None:
                raise invalid(
                    f"items[{index}].id", change["id"], f"Item '{change['id']}' not found."
                )
            target.fields.update({k: v for k, v in change.items() if k != "id"})
        totals = _compute(fields, items)
        session = checkout.session.copy()
        session.check_total(totals.total_amount)
        if "sourceId" in spec:
            source = self._body_source(spec["sourceId"])
            session.attach(source, totals.total_amount, self._sources)
        checkout.fields, checkout.items, checkout.totals = fields, items, totals
        checkout.session = session
        checkout.updated = self._now()
        return self.render(checkout)

    def delete(self, checkout_id: str) -> None:
        self._get(checkout_id)
        del self._checkouts[checkout_id]

    def attach_source(self, checkout_id: str, source_id: str) -> dict[str, Any]:
        checkout = self._get(checkout_id)
        source = self._sources.get(source_id)
        total = checkout.totals.total_amount
        checkout.session.attach(source, total, self._sources)
        checkout.updated = self._now()
        return source.to_json(
            amount=checkout.session.amount_for(source, total),
            payment_session_id=checkout.session.id,
        )

    def detach_source(self, checkout_id: str, source_id: str) -> None:
        checkout = self._get(checkout_id)
        source = self._sources.get(source_id)
        checkout.session.detach(source)
        checkout.updated = self._now()

    # -- rendering ----------------------------------------------------------

    def render(self, checkout: Checkout) -> dict[str, Any]:
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
            self._render_item(item, line)
            for item, line in zip(checkout.items, totals.lines, strict=True)
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
        body["sellingEntity"] = selling_entity_for(_destination(fields)[0])
        body["liveMode"] = False
        for key in ("metadata", "billingOptimization", "disclosures"):
            if key in fields:
                body[key] = fields[key]
        body["payment"] = checkout.session.to_json(totals.total_amount, self._sources)
        return body

    def _render_item(self, item: CheckoutItem, line: LineTotals) -> dict[str, Any]:
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

    # -- listing ------------------------------------------------------------

    def list(self, query: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """``GET /checkouts``: newest first, DR cursors, every §2.2 filter."""
        predicates: list[Callable[[Checkout], bool]] = []
        limit = 10
        starting_after: str | None = None
        ending_before: str | None = None
        ids: list[str] = []
        upstream_ids: list[str] = []
        for key, value in query:
            if key == "limit":
                if not re.fullmatch(r"\d{1,3}", value) or not 1 <= int(value) <= 100:
                    raise invalid("limit", value, "'limit' must be an integer between 1 and 100.")
                limit = int(value)
            elif key == "startingAfter":
                starting_after = value
            elif key == "endingBefore":
                ending_before = value
            elif key == "ids":
                ids.append(value)
            elif key == "upstreamIds":
                upstream_ids.append(value)
            elif key in _EQUALITY_FILTERS:
                predicates.append(_equality(key, value))
            elif key == "subscriptionId":
                predicates.append(_has_subscription(value))
            else:
                range_match = _RANGE_KEY.fullmatch(key)
                if range_match is None:
                    raise unknown(key)
                predicates.append(_range(key, range_match["field"], range_match["op"], value))
        if ids:
            predicates.append(lambda c: c.id in ids)
        if upstream_ids:
            predicates.append(lambda c: c.fields.get("upstreamId") in upstream_ids)

        ordered = sorted(self._checkouts.values(), key=lambda c: (c.created, c.seq), reverse=True)

        def matching(window: list[Checkout]) -> list[Checkout]:
            return [c for c in window if all(p(c) for p in predicates)]

        # Contract §2: with both cursors, only ``endingBefore`` is used.
        if ending_before is not None:
            position = _cursor_position(ordered, ending_before, "endingBefore")
            candidates = matching(ordered[:position])
            page = candidates[-limit:]
        elif starting_after is not None:
            position = _cursor_position(ordered, starting_after, "startingAfter")
            candidates = matching(ordered[position + 1 :])
            page = candidates[:limit]
        else:
            candidates = matching(ordered)
            page = candidates[:limit]
        return {
            "hasMore": len(candidates) > len(page),
            "data": [self.render(c) for c in page],
        }


def _discount_json(spec: dict[str, Any]) -> dict[str, Any]:
    return {key: float(value) for key, value in spec.items() if key != "quantity"}


_EQUALITY_FILTERS = (
    "customerId",
    "applicationId",
    "email",
    "currency",
    "locale",
    "chargeType",
    "customerType",
    "browserIp",
)
_RANGE_KEY = re.compile(r"(?P<field>createdTime|updatedTime|totalAmount)(?:\[(?P<op>[^\]]*)\])?")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _equality(key: str, value: str) -> Callable[[Checkout], bool]:
    def predicate(checkout: Checkout) -> bool:
        return checkout.fields.get(key, DEFAULTS.get(key)) == value

    return predicate


def _has_subscription(subscription_id: str) -> Callable[[Checkout], bool]:
    def predicate(checkout: Checkout) -> bool:
        return any(
            item.fields.get("subscriptionInfo", {}).get("subscriptionId") == subscription_id
            for item in checkout.items
        )

    return predicate


def _range(key: str, field: str, op: str | None, value: str) -> Callable[[Checkout], bool]:
    """``createdTime[gt]=…`` (deepObject) or a bare ``createdTime=…`` meaning ``eq``."""
    compare = _OPERATORS.get(op or "eq")
    if compare is None:
        raise invalid(key, op, f"'{op}' is not a valid operator for '{field}'.")
    bound: Any
    if field == "totalAmount":
        try:
            bound = Decimal(value)
        except InvalidOperation:
            bound = None
        if bound is None or not bound.is_finite():
            raise invalid(key, value)
    else:
        bound = parse_iso_datetime(value)
        if bound is None:
            raise invalid(key, value, f"'{value}' is not a valid date-time for '{key}'.")

    def predicate(checkout: Checkout) -> bool:
        actual: Any
        if field == "createdTime":
            actual = checkout.created
        elif field == "updatedTime":
            actual = checkout.updated
        else:
            actual = checkout.totals.total_amount
        return compare(actual, bound)

    return predicate


def _cursor_position(ordered: list[Checkout], cursor: str, parameter: str) -> int:
    for position, checkout in enumerate(ordered):
        if checkout.id == cursor:
            return position
    raise invalid(parameter, cursor, f"Checkout '{cursor}' not found.")
