"""Well-known test SKUs.

Real Digital River looks ``skuId`` up in the merchant's catalogue to find the
product details and any regulatory fees attached to the SKU.  The sandbox has
no catalogue API, so any ``skuId`` is accepted and gets synthesised
``productDetails``; the SKUs below additionally carry fixed fees so that the
fee arithmetic of contract §6.1 can be exercised.

``sku_test_battery_weee`` reproduces DR's "accessing regulatory fee
information" example: a WEEE fee of 3.00 and a battery fee of 5.00 per unit, so
two units carry ``fees.amount`` 16.00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._totals import Fee

__all__ = ["TEST_SKUS", "SandboxSku", "fees_for", "product_details_for"]


@dataclass(frozen=True)
class SandboxSku:
    name: str
    description: str
    fees: tuple[Fee, ...] = ()


TEST_SKUS: dict[str, SandboxSku] = {
    "sku_test_battery_weee": SandboxSku(
        name="Rechargeable speaker",
        description="Physical product with WEEE and battery regulatory fees",
        fees=(
            Fee("fee_test_weee", "weee", Decimal("3.0")),
            Fee("fee_test_battery", "battery", Decimal("5.0")),
        ),
    ),
    "sku_test_plain": SandboxSku(name="Widget", description="A small gadget"),
}


def product_details_for(sku_id: str) -> dict[str, Any]:
    """``productDetails`` DR would populate from the SKU (always present in responses)."""
    sku = TEST_SKUS.get(sku_id)
    if sku is None:
        return {"id": sku_id, "name": f"Sandbox product {sku_id}"}
    return {"id": sku_id, "name": sku.name, "description": sku.description}


def fees_for(sku_id: str | None) -> tuple[Fee, ...]:
    if sku_id is None or sku_id not in TEST_SKUS:
        return ()
    return TEST_SKUS[sku_id].fees
