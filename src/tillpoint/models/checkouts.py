"""Digital River Checkouts objects (API version 2021-12-13), per api-contract §3.

Money is ``Decimal`` in major units (``Decimal("26.89")``). Every field is
optional, ``UNSET`` until set, so a body sends exactly what you set. Enum-typed
fields are *open*: the documented values are listed in their types, and any other
string the server sends is kept as it is.

Requests have their own models where the API has its own request schemas: a line
item to create is an ``Item`` (``SkuRequestItem``), the checkout returns
``CheckoutItem`` s (``SkuItem``); likewise ``ItemUpdate`` (``SkuUpdateRequestItem``),
``ShippingChoiceRequest`` (``ShippingRequest``) and ``TaxIdentifierRequest``
(``CheckoutTaxIdentifierRequest``). ``X.from_response(part)`` (or putting the
response's part where the request's goes) keeps only what a request may carry.
Request models check what they are given when they are built; see
``docs/concepts.md`` ("Request models").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exported_lazily
from ._checkout_responses import (
    AdditionalAddressInfo,
    AdditionalBillingAddressInfo,
    Address,
    BillingOptimization,
    BillTo,
    Charge,
    ChargeType,
    Checkout,
    CheckoutItem,
    CheckoutList,
    CreditCard,
    CustomerType,
    DisclosureDetails,
    Disclosures,
    Discount,
    Duties,
    FeeDetails,
    Fees,
    ImporterTax,
    InvoiceAttributes,
    ItemDiscount,
    ItemShipping,
    Language,
    Metadata,
    Organization,
    Owner,
    Payment,
    PaymentSession,
    PaymentSessionState,
    ProductDetails,
    PurchaseLocation,
    SellingEntity,
    ShipFrom,
    ShippingChoice,
    ShipTo,
    Source,
    SourceFlow,
    SourceState,
    SourceType,
    SubscriptionInfo,
    Tax,
    TaxIdentifier,
    TaxIdentifierStateTransitions,
)

# Open-enum aliases the response models annotate with; importable from here as they were
# before the models moved (not in ``__all__``, as before).
from ._checkout_responses import BillingTitle as BillingTitle
from ._checkout_responses import ChargeState as ChargeState
from ._checkout_responses import DisclosureType as DisclosureType
from ._checkout_responses import FeeType as FeeType
from ._checkout_responses import ShippingTerms as ShippingTerms
from ._checkout_responses import TaxIdentifierState as TaxIdentifierState
from ._checkout_responses import WeightUnit as WeightUnit

if TYPE_CHECKING:
    from ._checkout_requests import (
        CheckoutCreate,
        CheckoutUpdate,
        Item,
        ItemUpdate,
        ShippingChoiceRequest,
        TaxIdentifierRequest,
    )

__all__ = [
    "AdditionalAddressInfo",
    "AdditionalBillingAddressInfo",
    "Address",
    "BillTo",
    "BillingOptimization",
    "Charge",
    "ChargeType",
    "Checkout",
    "CheckoutCreate",
    "CheckoutItem",
    "CheckoutList",
    "CheckoutUpdate",
    "CreditCard",
    "CustomerType",
    "DisclosureDetails",
    "Disclosures",
    "Discount",
    "Duties",
    "FeeDetails",
    "Fees",
    "ImporterTax",
    "InvoiceAttributes",
    "Item",
    "ItemDiscount",
    "ItemShipping",
    "ItemUpdate",
    "Language",
    "Metadata",
    "Organization",
    "Owner",
    "Payment",
    "PaymentSession",
    "PaymentSessionState",
    "ProductDetails",
    "PurchaseLocation",
    "SellingEntity",
    "ShipFrom",
    "ShipTo",
    "ShippingChoice",
    "ShippingChoiceRequest",
    "Source",
    "SourceFlow",
    "SourceState",
    "SourceType",
    "SubscriptionInfo",
    "Tax",
    "TaxIdentifier",
    "TaxIdentifierRequest",
    "TaxIdentifierStateTransitions",
]

if not TYPE_CHECKING:  # mypy sees the imports above, and no catch-all __getattr__
    # The request bodies (``_checkout_requests``) load on first use: a read never builds them.
    __getattr__ = exported_lazily(
        globals(), {name: "._checkout_requests" for name in __all__ if name not in globals()}
    )
