"""Wire models: attrs classes, snake_case in Python.

Digital River objects (camelCase on the wire) are in ``models.checkouts``; Gr4vy
checkout sessions (snake_case on the wire) in ``models.sessions``; error bodies in
``models.errors``. Everything is re-exported here, loaded on first use (PEP 562):
defining model classes is most of tillpoint's import cost, and a process that only
calls Digital River should not build the Gr4vy session models, nor the other way
round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exported_lazily
from ._base import UNSET, Model, Unset

if TYPE_CHECKING:
    from .checkouts import *  # noqa: F403
    from .errors import *  # noqa: F403
    from .sessions import *  # noqa: F403

# Each submodule's __all__, spelled out so that naming a model imports only its own
# module (tests/test_lazy_imports.py keeps this in step with the submodules).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "checkouts": (
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
    ),
    "sessions": (
        "AgeGroup",
        "Airline",
        "AirlineLeg",
        "AirlinePassenger",
        "BillingDetails",
        "CardScheme",
        "CardType",
        "CartItem",
        "CheckoutSession",
        "CheckoutSessionCreate",
        "CheckoutSessionPaymentMethod",
        "CheckoutSessionPaymentMethodDetails",
        "GuestBuyer",
        "ProductType",
        "RouteType",
        "SessionAddress",
        "ShippingDetails",
        "TaxId",
        "TaxIdKind",
        "TicketDeliveryMethod",
    ),
    "errors": (
        "DigitalRiverError",
        "DigitalRiverErrorBody",
        "ErrorBody",
        "Gr4vyErrorBody",
        "Gr4vyErrorDetail",
        "ValidationErrorBody",
        "ValidationErrorDetail",
    ),
}
_WHERE = {name: f".{module}" for module, names in _EXPORTS.items() for name in names}

__all__ = ["UNSET", "Model", "Unset", *_WHERE]

__getattr__ = exported_lazily(globals(), _WHERE, _EXPORTS)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
