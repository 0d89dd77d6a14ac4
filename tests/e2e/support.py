"""Helpers shared by the end-to-end tests (a module, not conftest, so it imports plainly)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx

from tillpoint import Hooks, Ok, TillpointCore, models
from tillpoint.testing import FakeClock

MN = models.Address(
    line1="10380 Bren Rd W", city="Minnetonka", postal_code="55343", state="MN", country="US"
)
START = FakeClock().now
"""Where every fake clock starts (the ``clock`` fixture's time until a test moves it)."""


def seed_002(**changes: object) -> models.CheckoutCreate:
    """Seed 002's checkout: 2 x 10.00 shipped to Minnesota for 5.00 (total 26.89)."""
    body = models.CheckoutCreate(
        currency="USD",
        ship_to=models.ShipTo(name="Ann", address=MN),
        items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("10.00"))],
        shipping_choice=models.ShippingChoice(amount=Decimal("5.00")),
    )
    for name, value in changes.items():
        setattr(body, name, value)
    return body


async def create(core: TillpointCore, body: models.CheckoutCreate) -> models.Checkout:
    from tillpoint.funcs import checkouts_create

    result = await checkouts_create(core, body)
    assert isinstance(result, Ok), result
    return result.value


def is_uuid4(value: object) -> bool:
    try:
        return isinstance(value, str) and uuid.UUID(value).version == 4
    except ValueError:
        return False


def counting(core: TillpointCore) -> tuple[TillpointCore, list[str]]:
    """A core that records ``METHOD path`` for every attempt it sends."""
    attempts: list[str] = []

    async def record(request: httpx.Request) -> None:
        attempts.append(f"{request.method} {request.url.path}")

    return core.with_options(hooks=Hooks(before_request=record)), attempts


def session_of(checkout: models.Checkout) -> models.PaymentSession:
    assert checkout.payment and checkout.payment.session
    return checkout.payment.session


def amounts_by_source(checkout: models.Checkout) -> dict[str, Decimal]:
    assert checkout.payment
    return {
        str(source.id): source.amount  # type: ignore[misc]
        for source in checkout.payment.sources or []
    }
