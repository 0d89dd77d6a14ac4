"""Digital River Checkouts objects as the API returns them, and the parts requests share.

The public home of every name here is ``tillpoint.models.checkouts``. The request
bodies live apart, in ``_checkout_requests``, so that a process that only reads
checkouts never builds them (see that module).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, Union

import attrs

from ._base import UNSET, DigitalRiverModel, Unset, int_to_decimal

# No __all__ of its own: ``models.checkouts`` lists what it exports.

# Open enums: the documented values, and any other string.
ChargeType = Union[Literal["customer_initiated", "merchant_initiated", "moto"], str]
CustomerType = Union[Literal["business", "individual"], str]
Language = Union[
    Literal[
        "ar", "cs", "da", "de", "el", "en-gb", "en", "en-us", "es", "es-419", "fi", "fr-ca", "fr",
        "hu", "it", "ja", "ko", "nl", "no", "pl", "pt-br", "pt", "ru", "sk", "sv", "th", "tr",
        "zh", "zh-cn", "zh-hk", "zh-tw",
    ],
    str,
]  # fmt: skip
SourceType = Union[
    Literal[
        "creditCard", "directDebit", "googlePay", "applePay", "payPal", "payPalBilling",
        "payPalCredit", "wireTransfer", "customerCredit", "alipay", "alipayCn", "bPay",
        "onlineBanking", "codJapan", "klarnaCredit", "klarnaCreditRecurring", "konbini",
        "bankTransfer", "msts", "bancontact", "giftCard", "ideal", "amazonPay", "afterPay",
        "ccAvenue",
    ],
    str,
]  # fmt: skip
SourceFlow = Union[Literal["standard", "redirect", "receiver"], str]
SourceState = Union[
    Literal[
        "pending_funds", "pending_redirect", "requires_action", "chargeable", "consumed",
        "cancelled", "failed",
    ],
    str,
]  # fmt: skip
PaymentSessionState = Union[
    Literal[
        "requires_source", "requires_confirmation", "confirmed", "pending", "pending_funds",
        "pending_redirect", "chargeable", "complete", "cancelled", "processing", "failed",
        "requires_action",
    ],
    str,
]  # fmt: skip
ChargeState = Union[
    Literal["pending", "capturable", "processing", "complete", "cancelled", "failed"], str
]
ShippingTerms = Union[Literal["DDP", "DAP"], str]
TaxIdentifierState = Union[Literal["pending", "not_valid", "verified"], str]
WeightUnit = Union[Literal["oz", "lb", "g", "kg"], str]
FeeType = Union[Literal["battery", "weee", "copyright", "e_waste", "packaging"], str]
BillingTitle = Union[Literal["M", "Mme", "Mlle"], str]
DisclosureType = Union[
    Literal[
        "termsOfSale", "privacyPolicy", "cookiePolicy", "legalNotice", "autoRenewalPlanTerms",
        "saveCardMandate", "idealRecurringAgreement", "businessEntity", "resellerDisclosure",
        "confirmDisclosure", "californiaPrivacyRights",
    ],
    str,
]  # fmt: skip

Metadata = dict[str, str | int | bool]
"""At most 20 keys (≤ 40 characters), values ≤ 500 characters: strings, integers or booleans."""


# --- addresses, parties ---------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class Address(DigitalRiverModel):
    """A postal address; ``country`` is an ISO 3166 alpha-2 code."""

    line1: str | Unset | None = UNSET
    line2: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    postal_code: str | Unset | None = UNSET
    state: str | Unset | None = UNSET
    country: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class AdditionalAddressInfo(DigitalRiverModel):
    """Address details beyond the basic fields (neighbourhood, division, phonetic name)."""

    neighborhood: str | Unset | None = UNSET
    division: str | Unset | None = UNSET
    phonetic_name: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class AdditionalBillingAddressInfo(AdditionalAddressInfo):
    """Billing address details, with a title."""

    title: BillingTitle | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ShipFrom(DigitalRiverModel):
    """Where a physical product ships from."""

    address: Address | Unset | None = UNSET
    additional_address_info: AdditionalAddressInfo | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ShipTo(DigitalRiverModel):
    """Where the order ships to (the ``Shipping`` schema)."""

    address: Address | Unset | None = UNSET
    name: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    organization: str | Unset | None = UNSET
    additional_address_info: AdditionalAddressInfo | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class BillTo(DigitalRiverModel):
    """The customer's billing details (the ``Billing`` schema); ``address`` is required."""

    address: Address | Unset | None = UNSET
    name: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    organization: str | Unset | None = UNSET
    additional_address_info: AdditionalBillingAddressInfo | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Organization(DigitalRiverModel):
    """The organisation in a B2B transaction."""

    id: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class PurchaseLocation(DigitalRiverModel):
    """Where the purchase happens, for a tax estimate; ``postal_code`` is required in the US."""

    country: str | Unset | None = UNSET
    state: str | Unset | None = UNSET
    postal_code: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class SellingEntity(DigitalRiverModel):
    """The local selling entity, e.g. ``C5_INC-ENTITY`` (DR globalTech Inc.)."""

    id: str | Unset | None = UNSET
    name: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class TaxIdentifierStateTransitions(DigitalRiverModel):
    """When a tax identifier entered each state."""

    pending: datetime | Unset | None = UNSET
    verified: datetime | Unset | None = UNSET
    not_valid: datetime | Unset | None = attrs.field(default=UNSET, metadata={"wire": "not_valid"})


@attrs.define(kw_only=True, repr=False, eq=False)
class TaxIdentifier(DigitalRiverModel):
    """A tax identifier; in a request only ``id`` is sent."""

    id: str | Unset | None = UNSET
    created_time: datetime | Unset | None = UNSET
    updated_time: datetime | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    type: str | Unset | None = UNSET
    value: str | Unset | None = UNSET
    state: TaxIdentifierState | Unset | None = UNSET
    state_transitions: TaxIdentifierStateTransitions | Unset | None = UNSET
    verified_name: str | Unset | None = UNSET
    verified_address: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class InvoiceAttributes(DigitalRiverModel):
    """Invoice attributes (China, Taiwan e-invoicing)."""

    id: str | Unset | None = UNSET
    type: str | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    # The API spells it with three t's; Python users should not have to.
    attributes: list[dict[str, Any]] | Unset | None = attrs.field(
        default=UNSET, metadata={"wire": "atttributes"}
    )
    created_time: datetime | Unset | None = UNSET
    updated_time: datetime | Unset | None = UNSET
    live_mode: bool | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class DisclosureDetails(DigitalRiverModel):
    """One legal disclosure (terms of sale, privacy policy, …)."""

    type: DisclosureType | Unset | None = UNSET
    entity_name: str | Unset | None = UNSET
    entity_id: str | Unset | None = UNSET
    localized_text: str | Unset | None = UNSET
    url: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Disclosures(DigitalRiverModel):
    """The disclosures accepted with a checkout."""

    disclosures: list[DisclosureDetails] | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class BillingOptimization(DigitalRiverModel):
    """Subscription renewal details for billing optimisation."""

    subscription_id: str | Unset | None = UNSET
    segment_id: str | Unset | None = UNSET
    renewal_attempt_number: Decimal | Unset | None = attrs.field(
        default=UNSET, converter=int_to_decimal
    )
    tracking_id: str | Unset | None = UNSET


# --- money-bearing parts ----------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class Discount(DigitalRiverModel):
    """An order or shipping discount: ``percent_off`` (0.01–100) or ``amount_off``."""

    amount_off: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)
    percent_off: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)


@attrs.define(kw_only=True, repr=False, eq=False)
class ItemDiscount(Discount):
    """A line-item discount; ``quantity`` units are discounted (default: all)."""

    quantity: int | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ShippingChoice(DigitalRiverModel):
    """The chosen shipping, as a checkout returns it (with its ``tax_amount``)."""

    id: str | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    tax_amount: Decimal | Unset | None = UNSET
    description: str | Unset | None = UNSET
    service_level: str | Unset | None = UNSET
    shipping_terms: ShippingTerms | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ItemShipping(DigitalRiverModel):
    """A line item's share of shipping."""

    amount: Decimal | Unset | None = UNSET
    tax_amount: Decimal | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Tax(DigitalRiverModel):
    """Tax on a line item."""

    rate: Decimal | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ImporterTax(DigitalRiverModel):
    """Importer-of-record tax on a line item (landed cost)."""

    amount: Decimal | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Duties(DigitalRiverModel):
    """Duties on a line item (landed cost)."""

    amount: Decimal | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class FeeDetails(DigitalRiverModel):
    """One regulatory fee (battery, WEEE, …)."""

    id: str | Unset | None = UNSET
    type: FeeType | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    per_unit_amount: Decimal | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Fees(DigitalRiverModel):
    """A line item's regulatory fees."""

    details: list[FeeDetails] | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    tax_amount: Decimal | Unset | None = UNSET


# --- line items -------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class ProductDetails(DigitalRiverModel):
    """A product described inline (needs ``sku_group_id``) instead of by ``sku_id``."""

    id: str | Unset | None = UNSET
    sku_group_id: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    url: str | Unset | None = UNSET
    country_of_origin: str | Unset | None = UNSET
    image: str | Unset | None = UNSET
    weight: Decimal | Unset | None = attrs.field(default=UNSET, converter=int_to_decimal)
    weight_unit: WeightUnit | Unset | None = UNSET
    part_number: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class SubscriptionInfo(DigitalRiverModel):
    """Subscription details of a line item."""

    free_trial: bool | Unset | None = UNSET
    auto_renewal: bool | Unset | None = UNSET
    terms: str | Unset | None = UNSET
    plan_id: str | Unset | None = UNSET
    subscription_id: str | Unset | None = UNSET
    billing_agreement_id: str | Unset | None = UNSET
    start_time: datetime | Unset | None = UNSET
    end_time: datetime | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutItem(DigitalRiverModel):
    """A line item as a checkout returns it (the ``SkuItem`` schema): with its ``id``,
    ``amount``, ``tax`` and the rest. To send it again, see ``Item.from_response``
    and ``ItemUpdate.from_response``."""

    id: str | Unset | None = UNSET
    sku_id: str | Unset | None = UNSET
    product_details: ProductDetails | Unset | None = UNSET
    subscription_info: SubscriptionInfo | Unset | None = UNSET
    price: Decimal | Unset | None = UNSET
    aggregate_price: Decimal | Unset | None = UNSET
    quantity: int | Unset | None = UNSET
    discount: ItemDiscount | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    fees: Fees | Unset | None = UNSET
    seller_tax_identifier: str | Unset | None = UNSET
    tax: Tax | Unset | None = UNSET
    importer_tax: ImporterTax | Unset | None = UNSET
    duties: Duties | Unset | None = UNSET
    shipping: ItemShipping | Unset | None = UNSET


# --- payment ----------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class Owner(DigitalRiverModel):
    """The owner of a payment source."""

    first_name: str | Unset | None = UNSET
    last_name: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    organization: str | Unset | None = UNSET
    upstream_id: str | Unset | None = UNSET
    address: Address | Unset | None = UNSET
    additional_address_info: AdditionalAddressInfo | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CreditCard(DigitalRiverModel):
    """The card behind a ``creditCard`` source."""

    last_four_digits: str | Unset | None = UNSET
    expiration_month: int | Unset | None = UNSET
    expiration_year: int | Unset | None = UNSET
    brand: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Source(DigitalRiverModel):
    """A payment source. ``customerCredit`` sources stack; any other type is the
    single *primary* source, which funds what the others do not cover."""

    id: str | Unset | None = UNSET
    client_secret: str | Unset | None = UNSET
    created_time: datetime | Unset | None = UNSET
    type: SourceType | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    reusable: bool | Unset | None = UNSET
    owner: Owner | Unset | None = UNSET
    credit_card: CreditCard | Unset | None = UNSET
    flow: SourceFlow | Unset | None = UNSET
    state: SourceState | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    payment_session_id: str | Unset | None = UNSET
    upstream_id: str | Unset | None = UNSET
    live_mode: bool | Unset | None = UNSET
    # The other payment methods' details, as the API sends them.
    customer_credit: dict[str, Any] | Unset | None = UNSET
    google_pay: dict[str, Any] | Unset | None = UNSET
    apple_pay: dict[str, Any] | Unset | None = UNSET
    pay_pal: dict[str, Any] | Unset | None = UNSET
    pay_pal_billing: dict[str, Any] | Unset | None = UNSET
    pay_pal_credit: dict[str, Any] | Unset | None = UNSET
    direct_debit: dict[str, Any] | Unset | None = UNSET
    wire_transfer: dict[str, Any] | Unset | None = UNSET
    pay_co: dict[str, Any] | Unset | None = UNSET
    alipay: dict[str, Any] | Unset | None = UNSET
    b_pay: dict[str, Any] | Unset | None = UNSET
    online_banking: dict[str, Any] | Unset | None = UNSET
    cod_japan: dict[str, Any] | Unset | None = UNSET
    klarna_credit: dict[str, Any] | Unset | None = UNSET
    klarna_credit_recurring: dict[str, Any] | Unset | None = UNSET
    konbini: dict[str, Any] | Unset | None = UNSET
    bank_transfer: dict[str, Any] | Unset | None = UNSET
    msts: dict[str, Any] | Unset | None = UNSET
    bancontact: dict[str, Any] | Unset | None = UNSET
    ideal: dict[str, Any] | Unset | None = UNSET
    gift_card: dict[str, Any] | Unset | None = UNSET
    amazon_pay: dict[str, Any] | Unset | None = UNSET
    after_pay: dict[str, Any] | Unset | None = UNSET
    cc_avenue: dict[str, Any] | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class PaymentSession(DigitalRiverModel):
    """The checkout's payment session: how much its sources cover, and its state."""

    id: str | Unset | None = UNSET
    amount_contributed: Decimal | Unset | None = UNSET
    amount_remaining_to_be_contributed: Decimal | Unset | None = UNSET
    client_secret: str | Unset | None = UNSET
    state: PaymentSessionState | Unset | None = UNSET
    next_action: dict[str, Any] | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Charge(DigitalRiverModel):
    """A charge against a source (on orders; checkouts normally have none)."""

    id: str | Unset | None = UNSET
    created_time: datetime | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    amount: Decimal | Unset | None = UNSET
    state: ChargeState | Unset | None = UNSET
    order_id: str | Unset | None = UNSET
    source_id: str | Unset | None = UNSET
    failure_code: str | Unset | None = UNSET
    failure_message: str | Unset | None = UNSET
    payment_session_id: str | Unset | None = UNSET
    cancels: list[dict[str, Any]] | Unset | None = UNSET
    captures: list[dict[str, Any]] | Unset | None = UNSET
    captured: bool | Unset | None = UNSET
    refunds: list[dict[str, Any]] | Unset | None = UNSET
    refunded: bool | Unset | None = UNSET
    type: ChargeType | Unset | None = UNSET
    live_mode: bool | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Payment(DigitalRiverModel):
    """The checkout's sources, charges and payment session."""

    sources: list[Source] | Unset | None = UNSET
    charges: list[Charge] | Unset | None = UNSET
    session: PaymentSession | Unset | None = UNSET


# --- checkouts --------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class Checkout(DigitalRiverModel):
    """A checkout, as create, get, update and list return it."""

    id: str | Unset | None = UNSET
    created_time: datetime | Unset | None = UNSET
    updated_time: datetime | Unset | None = UNSET
    customer_id: str | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    locale: str | Unset | None = UNSET
    language: Language | Unset | None = UNSET
    browser_ip: str | Unset | None = UNSET
    application_id: str | Unset | None = UNSET
    ship_from: ShipFrom | Unset | None = UNSET
    ship_to: ShipTo | Unset | None = UNSET
    bill_to: BillTo | Unset | None = UNSET
    organization: Organization | Unset | None = UNSET
    subtotal: Decimal | Unset | None = UNSET
    total_tax: Decimal | Unset | None = UNSET
    total_importer_tax: Decimal | Unset | None = UNSET
    importer_of_record_tax: bool | Unset | None = UNSET
    total_fees: Decimal | Unset | None = UNSET
    total_duty: Decimal | Unset | None = UNSET
    total_discount: Decimal | Unset | None = UNSET
    total_shipping: Decimal | Unset | None = UNSET
    total_amount: Decimal | Unset | None = UNSET
    discount: Discount | Unset | None = UNSET
    shipping_discount: Discount | Unset | None = UNSET
    tax_inclusive: bool | Unset | None = UNSET
    tax_identifiers: list[TaxIdentifier] | Unset | None = UNSET
    invoice_attributes: InvoiceAttributes | Unset | None = UNSET
    purchase_location: PurchaseLocation | Unset | None = UNSET
    charge_type: ChargeType | Unset | None = UNSET
    customer_type: CustomerType | Unset | None = UNSET
    selling_entity: SellingEntity | Unset | None = UNSET
    items: list[CheckoutItem] | Unset | None = UNSET
    shipping_choice: ShippingChoice | Unset | None = UNSET
    payment: Payment | Unset | None = UNSET
    disclosures: Disclosures | Unset | None = UNSET
    live_mode: bool | Unset | None = UNSET
    metadata: Metadata | Unset | None = UNSET
    upstream_id: str | Unset | None = UNSET
    billing_optimization: BillingOptimization | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutList(DigitalRiverModel):
    """One page of ``checkouts_list``: newest first; ``has_more`` says another page exists."""

    data: list[Checkout] = attrs.field(factory=list)
    has_more: bool = False
