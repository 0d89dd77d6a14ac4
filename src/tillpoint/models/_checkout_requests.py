"""Digital River request bodies and their request-only parts (api-contract §3).

Their public home is ``tillpoint.models.checkouts``, which imports this module on first
use of one of its names: building attrs classes is most of the models' import cost, and
a process that only reads checkouts (a serverless handler's cold start) needs none of
these, nor the checks ``RequestModel`` runs (measured in docs/performance.md, "The
tuning pass").
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from ._base import UNSET, DigitalRiverModel, Unset, int_to_decimal
from ._checkout_responses import (
    BillingOptimization,
    BillTo,
    ChargeType,
    Checkout,
    CheckoutItem,
    CustomerType,
    Disclosures,
    Discount,
    ItemDiscount,
    Language,
    Metadata,
    Organization,
    ProductDetails,
    PurchaseLocation,
    ShipFrom,
    ShippingChoice,
    ShippingTerms,
    ShipTo,
    SubscriptionInfo,
    TaxIdentifier,
)
from ._request import RequestModel

__all__ = [
    "CheckoutCreate",
    "CheckoutUpdate",
    "Item",
    "ItemUpdate",
    "ShippingChoiceRequest",
    "TaxIdentifierRequest",
]


@attrs.define(kw_only=True, repr=False, eq=False)
class ShippingChoiceRequest(DigitalRiverModel, RequestModel[ShippingChoice]):
    """The shipping to choose (the ``ShippingRequest`` schema): ``amount`` is required
    for physical goods. ``id`` is yours, passed through (api-contract §3.2).

    ``ShippingChoiceRequest.from_response(checkout.shipping_choice)`` drops the
    server's ``tax_amount``."""

    id: str | Unset | None = UNSET
    amount: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)
    description: str | Unset | None = UNSET
    service_level: str | Unset | None = UNSET
    shipping_terms: ShippingTerms | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Item(DigitalRiverModel, RequestModel[CheckoutItem]):
    """A line item to create (the ``SkuRequestItem`` schema): give ``sku_id`` or
    ``product_details``, and ``price`` (unit price) or ``aggregate_price`` (line total).

    ``Item.from_response(checkout_item)`` copies a returned line (a ``CheckoutItem``)
    without its ``id``, ``amount``, ``tax``, ``fees``, ``duties``, ``importer_tax``,
    ``shipping`` and ``seller_tax_identifier``. A returned line carries no price: pass
    it on top, ``Item.from_response(line, price=Decimal("9.99"))``."""

    sku_id: str | Unset | None = UNSET
    product_details: ProductDetails | Unset | None = UNSET
    subscription_info: SubscriptionInfo | Unset | None = UNSET
    price: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)
    aggregate_price: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)
    quantity: int | Unset | None = UNSET
    discount: ItemDiscount | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ItemUpdate(DigitalRiverModel, RequestModel[CheckoutItem]):
    """A change to an existing line item (the ``SkuUpdateRequestItem`` schema): only
    these fields may change. ``ItemUpdate.from_response(checkout_item)`` keeps them."""

    id: str
    subscription_info: SubscriptionInfo | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class TaxIdentifierRequest(DigitalRiverModel, RequestModel[TaxIdentifier]):
    """A tax identifier to apply, by ``id`` (the ``CheckoutTaxIdentifierRequest`` schema);
    ``TaxIdentifierRequest.from_response(identifier)`` keeps just that."""

    id: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutCreate(DigitalRiverModel, RequestModel[Checkout]):
    """The body of ``checkouts_create``: ``currency`` and ``items`` are required.

    Parts of a checkout you fetched may be put straight in (``items=checkout.items``):
    each keeps only what a request may carry, as ``Item.from_response`` does (mypy
    still asks for the request types). ``CheckoutCreate.from_response(checkout)``
    copies a whole checkout the same way."""

    currency: str | Unset = UNSET
    items: list[Item] | Unset = UNSET
    customer_id: str | Unset | None = UNSET
    source_id: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    locale: str | Unset | None = UNSET
    language: Language | Unset | None = UNSET
    invoice_attribute_id: str | Unset | None = UNSET
    application_id: str | Unset | None = UNSET
    browser_ip: str | Unset | None = UNSET
    tax_identifiers: list[TaxIdentifierRequest] | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    ship_to: ShipTo | Unset | None = UNSET
    bill_to: BillTo | Unset | None = UNSET
    organization: Organization | Unset | None = UNSET
    shipping_choice: ShippingChoiceRequest | Unset | None = UNSET
    discount: Discount | Unset | None = UNSET
    shipping_discount: Discount | Unset | None = UNSET
    tax_inclusive: bool | Unset | None = UNSET
    charge_type: ChargeType | Unset | None = UNSET
    customer_type: CustomerType | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET
    purchase_location: PurchaseLocation | Unset | None = UNSET
    upstream_id: str | Unset | None = UNSET
    disclosures: Disclosures | Unset | None = UNSET
    billing_optimization: BillingOptimization | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutUpdate(DigitalRiverModel, RequestModel[Checkout]):
    """The body of ``checkouts_update``. Items cannot be added, nor their price or
    quantity changed; ``discount`` and ``tax_inclusive`` are create-only. Parts of a
    fetched checkout may be put in as they are, as in ``CheckoutCreate``."""

    customer_id: str | Unset | None = UNSET
    source_id: str | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    locale: str | Unset | None = UNSET
    language: Language | Unset | None = UNSET
    invoice_attribute_id: str | Unset | None = UNSET
    browser_ip: str | Unset | None = UNSET
    application_id: str | Unset | None = UNSET
    tax_identifiers: list[TaxIdentifierRequest] | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    ship_to: ShipTo | Unset | None = UNSET
    bill_to: BillTo | Unset | None = UNSET
    organization: Organization | Unset | None = UNSET
    shipping_discount: Discount | Unset | None = UNSET
    charge_type: ChargeType | Unset | None = UNSET
    customer_type: CustomerType | Unset | None = UNSET
    purchase_location: PurchaseLocation | Unset | None = UNSET
    shipping_choice: ShippingChoiceRequest | Unset | None = UNSET
    # The spec says one object; the API and its guides take a list (api-contract §1.8).
    items: list[ItemUpdate] | Unset | None = UNSET
    upstream_id: str | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET
    billing_optimization: BillingOptimization | Unset | None = UNSET
