"""tillpoint quickstart: a whole checkout flow, from cart to confirmed payment session.

    make demo                       # against the embedded sandbox: no account, no network
    TILLPOINT_SERVER_URL=http://127.0.0.1:8765 TILLPOINT_BEARER_AUTH=sk_test_demo \\
        python examples/quickstart.py   # against a server (e.g. python -m tillpoint.sandbox)

The flow: create a checkout with two physical items and a ship-to address, change the
shipping choice, attach a store credit and a card, watch the payment session reach
``requires_confirmation``, page through checkouts, create/read/update/delete a Gr4vy-style
checkout session, and delete the checkout.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal

import anyio
import httpx

from tillpoint import Err, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import checkouts_get

SHIP_TO = models.ShipTo(
    name="Ann Example",
    email="ann@example.com",
    address=models.Address(
        line1="10380 Bren Rd W",
        city="Minnetonka",
        postal_code="55343",
        state="MN",
        country="US",
    ),
)


def make_core() -> tuple[TillpointCore, str]:
    """The sandbox in-process, unless the environment names a server and a token."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        return TillpointCore(), os.environ["TILLPOINT_SERVER_URL"]
    from tillpoint.sandbox import Sandbox

    return Sandbox().core(), "the embedded sandbox"


def cell_text(value: object) -> str:
    """Money (a Decimal) to the cent; the wire may say 20.0 where a receipt says 20.00."""
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers], *[[cell_text(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def show_checkout(title: str, checkout: models.Checkout) -> None:
    print(f"\n== {title}")
    items = checkout.items or []
    print(
        table(
            ["item", "qty", "amount", "tax"],
            [[i.sku_id, i.quantity, i.amount, i.tax.amount if i.tax else ""] for i in items],
        )
    )
    shipping = checkout.shipping_choice
    print(
        table(
            ["subtotal", "shipping", "shipping tax", "total tax", "total"],
            [
                [
                    checkout.subtotal,
                    checkout.total_shipping,
                    shipping.tax_amount if shipping else "",
                    checkout.total_tax,
                    f"{cell_text(checkout.total_amount)} {checkout.currency}",
                ]
            ],
        )
    )


def show_session(checkout: models.Checkout) -> None:
    payment = checkout.payment or models.Payment()
    session = payment.session or models.PaymentSession()
    print(
        table(
            ["source", "type", "amount"],
            [[s.id, s.type, s.amount] for s in payment.sources or []],
        )
    )
    print(
        table(
            ["session state", "contributed", "remaining"],
            [
                [
                    session.state,
                    session.amount_contributed,
                    session.amount_remaining_to_be_contributed,
                ]
            ],
        )
    )


async def test_source(core: TillpointCore, **spec: object) -> str:
    """Create a source on the sandbox (``POST /sandbox/sources``); real payments get
    their sources from the browser (Digital River.js), never from the server."""
    response = await core.client().post(
        f"{core.server_url}/sandbox/sources",
        json=spec,
        headers={"Authorization": f"Bearer {core.bearer_auth}"},
    )
    response.raise_for_status()
    return str(response.json()["id"])


async def main() -> None:
    core, where = make_core()
    print(f"tillpoint quickstart against {where}")
    async with Tillpoint(core=core) as tp:
        # 1. A checkout with two physical items shipped to Minnesota.
        checkout = await tp.checkouts.create(
            models.CheckoutCreate(
                currency="USD",
                email="ann@example.com",
                ship_to=SHIP_TO,
                ship_from=models.ShipFrom(address=models.Address(state="MN", country="US")),
                items=[
                    models.Item(sku_id="sku_keyboard", quantity=2, price=Decimal("10.00")),
                    models.Item(sku_id="sku_mouse", quantity=1, price=Decimal("24.99")),
                ],
                shipping_choice=models.ShippingChoiceRequest(
                    amount=Decimal("5.00"), description="USPS Ground", service_level="SG"
                ),
            )
        )
        assert checkout.id
        show_checkout(f"created checkout {checkout.id}", checkout)

        # 2. The customer picks faster shipping: totals and tax are recomputed.
        checkout = await tp.checkouts.update(
            checkout.id,
            models.CheckoutUpdate(
                shipping_choice=models.ShippingChoiceRequest(
                    amount=Decimal("12.50"), description="USPS Priority", service_level="PR"
                )
            ),
        )
        assert checkout.id
        show_checkout("after choosing priority shipping", checkout)

        # 3. A $10 store credit, then a card for the rest.
        credit_id = await test_source(core, type="customerCredit", amount=10)
        card_id = await test_source(core, type="creditCard", reusable=True)
        credit = await tp.checkouts.attach_source(checkout.id, credit_id)
        card = await tp.checkouts.attach_source(checkout.id, card_id)
        print(
            f"\nattached store credit {cell_text(credit.amount)} and card {cell_text(card.amount)}"
        )

        # The functions return results instead of raising: match on them.
        match await checkouts_get(core, checkout.id):
            case Ok(value=checkout):
                print("\n== payment session")
                show_session(checkout)
                session = checkout.payment.session if checkout.payment else None
                if session is None or session.state != "requires_confirmation":
                    raise SystemExit("the payment session should await confirmation")
            case Err(error=error):
                raise error

        # 4. Page through checkouts, two at a time (newest first).
        for n in range(3):
            await tp.checkouts.create(
                models.CheckoutCreate(
                    currency="USD",
                    upstream_id=f"quickstart-{n}",
                    items=[models.Item(sku_id="sku_sticker", quantity=1, price=Decimal("2.50"))],
                )
            )
        print("\n== checkouts, page by page")
        number = 0
        async for page in tp.checkouts.list(limit=2).pages():
            number += 1
            print(
                f"page {number}: "
                + ", ".join(f"{c.id} ({cell_text(c.total_amount)})" for c in page.data)
            )

        # 5. A Gr4vy-style checkout session: create, read, update, delete.
        session = await tp.sessions.create(
            models.CheckoutSessionCreate(
                amount=1299,
                currency="USD",
                cart_items=[models.CartItem(name="Keyboard", quantity=1, unit_amount=1299)],
                metadata={"order_id": "order-12345"},
            )
        )
        read = await tp.sessions.get(session.id)
        updated = await tp.sessions.update(
            session.id, models.CheckoutSessionCreate(amount=2598, currency="USD")
        )
        await tp.sessions.delete(session.id)
        print("\n== checkout session")
        print(
            table(
                ["session", "amount", "expires at", "after update", "expiry kept"],
                [
                    [
                        session.id,
                        read.amount,
                        read.expires_at.isoformat(timespec="seconds"),
                        updated.amount,
                        updated.expires_at == read.expires_at,
                    ]
                ],
            )
        )
        try:
            await tp.sessions.get(session.id)
        except errors.Error404:
            print("deleted: a read now answers 404")

        # 6. Done with the checkout.
        await tp.checkouts.delete(checkout.id)
        print(f"\ndeleted checkout {checkout.id}")


if __name__ == "__main__":
    try:
        anyio.run(main)
    except (errors.TillpointError, httpx.HTTPError) as exc:
        raise SystemExit(f"quickstart failed: {exc}") from None
