"""tillpoint under trio: structured concurrency, deadlines, and the same results as asyncio.

    python examples/trio_script.py            # against the embedded sandbox
    TILLPOINT_SERVER_URL=http://127.0.0.1:8765 TILLPOINT_BEARER_AUTH=sk_test_demo \\
        python examples/trio_script.py        # against a server (python -m tillpoint.sandbox)

tillpoint is written against anyio, so nothing here is trio-specific on tillpoint's side:
the core opens its connection pool on trio's loop the first time it is used. The script
creates a few carts' checkouts concurrently in a nursery, reads them back under one
overall deadline, and reports what failed without letting one failure cancel the rest.
"""

from __future__ import annotations

import os
from decimal import Decimal

import trio

from tillpoint import Err, Ok, TillpointCore, models
from tillpoint.funcs import checkouts_create, checkouts_get

CARTS: dict[str, list[tuple[str, int, str]]] = {
    "order-1": [("sku_keyboard", 1, "49.00")],
    "order-2": [("sku_mouse", 2, "19.99"), ("sku_pad", 1, "5.00")],
    "order-3": [("sku_cable", 3, "7.50")],
}


def core_from_environment() -> TillpointCore:
    """The server the environment names, or else the sandbox, in-process."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        return TillpointCore()
    from tillpoint.sandbox import Sandbox

    return Sandbox().core()


async def create_checkout(
    core: TillpointCore, order_id: str, totals: dict[str, Decimal | str]
) -> None:
    """Create one order's checkout; record its total, or why it failed."""
    body = models.CheckoutCreate(
        currency="USD",
        upstream_id=order_id,
        items=[
            models.Item(sku_id=sku, quantity=quantity, price=Decimal(price))
            for sku, quantity, price in CARTS[order_id]
        ],
    )
    # The order id as idempotency key: rerunning the script cannot double-create.
    match await checkouts_create(core, body, idempotency_key=f"trio-{order_id}"):
        case Ok(value=checkout):
            # Read it back, as a second, dependent call.
            read = await checkouts_get(core, str(checkout.id))
            totals[order_id] = read.value.total_amount if read.ok else type(read.error).__name__
        case Err(error=error):
            totals[order_id] = type(error).__name__


async def main(
    core: TillpointCore | None = None, *, deadline_s: float = 30
) -> dict[str, Decimal | str]:
    """Create every cart's checkout concurrently; return ``{order id: total or error}``."""
    totals: dict[str, Decimal | str] = {}
    async with core or core_from_environment() as active:
        # One deadline for the whole batch; a cancelled request is never turned into an
        # error value by tillpoint, so the cancellation unwinds cleanly through it.
        with trio.move_on_after(deadline_s) as scope:
            async with trio.open_nursery() as nursery:
                for order_id in CARTS:
                    nursery.start_soon(create_checkout, active, order_id, totals)
        if scope.cancelled_caught:
            for order_id in CARTS:
                totals.setdefault(order_id, "deadline")
    for order_id, total in sorted(totals.items()):
        print(f"{order_id}: {total}")
    return dict(sorted(totals.items()))


if __name__ == "__main__":
    trio.run(main)
