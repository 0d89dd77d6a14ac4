"""The Gr4vy checkout session request body (api-contract §5.3).

Its public home is ``tillpoint.models.sessions``, which imports this module on first use
of its name, so that a read never builds it nor loads ``RequestModel``'s checks (as
``_checkout_requests`` for Digital River).
"""

from __future__ import annotations

import attrs

from ._base import UNSET, Gr4vyModel, Unset
from ._request import RequestModel
from ._session_responses import Airline, CartItem, CheckoutSession, GuestBuyer

__all__ = ["CheckoutSessionCreate"]


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutSessionCreate(Gr4vyModel, RequestModel[CheckoutSession]):
    """The body of ``sessions_create`` and ``sessions_update``; nothing is required.

    An update is a full replacement (PUT): what you leave unset is cleared. But
    ``expires_in`` is only sent when you set it, so an update never asks for a new
    expiry by accident (Gr4vy's own SDK sends 3600 with every update).

    ``CheckoutSessionCreate.from_response(session)`` copies a fetched session's cart,
    buyer, airline addendum and the rest: the body of an update that changes one thing.
    """

    cart_items: list[CartItem] | Unset | None = UNSET
    metadata: dict[str, str] | Unset | None = UNSET
    buyer: GuestBuyer | Unset | None = UNSET
    airline: Airline | Unset | None = UNSET
    amount: int | Unset | None = UNSET
    """0 to 99,999,999, in minor units."""
    currency: str | Unset | None = UNSET
    """ISO 4217, e.g. ``USD``."""
    payment_service_id: str | Unset | None = UNSET
    """A payment service's uuid."""
    expires_in: int | Unset = UNSET
    """Seconds until the session expires: 3600 (the server's default) to 86400."""
