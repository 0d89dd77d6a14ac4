"""Gr4vy checkout sessions (api-contract §5.3 and §5.4).

snake_case in Python and on the wire. Amounts are integers in minor units
(``1299`` is $12.99): a float or a bool is refused when a ``CheckoutSessionCreate``
is built, as is a ``dict`` that is not exactly one of these models (see
``docs/concepts.md``, "Request models"). Every optional field is ``UNSET`` until
set, so a body sends exactly what you set — in particular ``expires_in`` is never
sent unless you set it. Enum-typed fields are *open*: the documented values are
listed in their types, and any other string the server sends is kept, and sent
back, as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import exported_lazily
from ._session_responses import (
    AgeGroup,
    Airline,
    AirlineLeg,
    AirlinePassenger,
    BillingDetails,
    CardScheme,
    CardType,
    CartItem,
    CheckoutSession,
    CheckoutSessionPaymentMethod,
    CheckoutSessionPaymentMethodDetails,
    GuestBuyer,
    ProductType,
    RouteType,
    SessionAddress,
    ShippingDetails,
    TaxId,
    TaxIdKind,
    TicketDeliveryMethod,
)

if TYPE_CHECKING:
    from ._session_requests import CheckoutSessionCreate

__all__ = [
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
]

if not TYPE_CHECKING:  # mypy sees the import above, and no catch-all __getattr__
    # The request body (``_session_requests``) loads on first use: a read never builds it.
    __getattr__ = exported_lazily(
        globals(), {name: "._session_requests" for name in __all__ if name not in globals()}
    )
