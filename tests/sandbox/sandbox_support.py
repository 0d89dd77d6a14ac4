"""Helpers shared by the sandbox tests (a separate module, not conftest, so it imports cleanly)."""

from __future__ import annotations

from typing import Any

DR_AUTH = {"Authorization": "Bearer sk_test_sandbox"}
GR4VY_AUTH = {"Authorization": "Bearer eyJhbGciOiJFUzUxMiJ9.e30.sig"}


MN_ADDRESS: dict[str, Any] = {
    "line1": "10380 Bren Road W",
    "city": "Minnetonka",
    "postalCode": "55343",
    "state": "MN",
    "country": "US",
}


def seed_002_body(**overrides: Any) -> dict[str, Any]:
    """SEED-002's create request: 2 × 10.00 shipped to Minnesota for 5.00 (total 26.89)."""
    body: dict[str, Any] = {
        "currency": "USD",
        "customerId": 529861350336,
        "taxInclusive": False,
        "email": "anyemail@digitalriver.com",
        "shipTo": {"address": dict(MN_ADDRESS), "name": "John Doe"},
        "shipFrom": {"address": {"country": "US"}},
        "shippingChoice": {"amount": 5, "description": "standard", "serviceLevel": "SG"},
        "items": [{"skuId": "6b04ac06-0858-456c-90aa-235772dea9e2", "quantity": 2, "price": 10}],
    }
    body.update(overrides)
    return body


def dig(value: Any, path: str) -> Any:
    """``dig(checkout, "items.0.tax.amount")``."""
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value
