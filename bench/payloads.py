"""The wire documents every benchmark uses, built once, deterministically.

A "full" checkout is what a real integration sees after the payment step: ten line
items (each with product details, tax, fees, duties, importer tax, shipping and
metadata), ship-to, bill-to and ship-from addresses, two payment sources, a charge
and the payment session. Every field is one ``Checkout`` declares, so decoding it
exercises the typed paths rather than the ``extra_fields`` catch-all.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

__all__ = [
    "CHECKOUT_ID",
    "SESSION_ID",
    "checkout_create",
    "checkout_create_wire",
    "checkout_page_bytes",
    "full_checkout",
    "full_checkout_bytes",
    "session",
    "session_bytes",
]

CHECKOUT_ID = "f2cd50e5-355d-42d3-8bb7-0c14d8b777e4"
SESSION_ID = "4137b1cf-39ac-42a8-bad6-1c680d5dab6b"


def _address(n: int) -> dict[str, Any]:
    return {
        "line1": f"{10380 + n} Bren Road W",
        "line2": "Suite 200",
        "city": "Minnetonka",
        "postalCode": "55343",
        "state": "MN",
        "country": "US",
    }


def _item(n: int) -> dict[str, Any]:
    return {
        "id": f"c9f8d629-e01d-4c89-8c0a-0a0715a07d{n:02d}",
        "skuId": f"6b04ac06-0858-456c-90aa-235772dea9{n:02d}",
        "productDetails": {
            "id": f"prod_{n}",
            "name": f"Widget {n}",
            "description": "A widget, for benchmarking",
            "url": f"https://shop.example/widgets/{n}",
            "countryOfOrigin": "US",
            "image": f"https://shop.example/widgets/{n}.png",
            "weight": 1.25,
            "weightUnit": "kg",
            "partNumber": f"W-{n:04d}",
        },
        "subscriptionInfo": {
            "terms": "These are the terms",
            "autoRenewal": False,
            "freeTrial": False,
        },
        "amount": 20.0 + n,
        "quantity": 2,
        "price": 10.0 + n / 2,
        "aggregatePrice": 20.0 + n,
        "metadata": {"line": n, "campaign": "spring"},
        "tax": {"rate": 0.07525, "amount": 1.51},
        "importerTax": {"amount": 0.0},
        "duties": {"amount": 0.0},
        "fees": {"amount": 0.0, "taxAmount": 0.0},
        "shipping": {"amount": 0.5, "taxAmount": 0.04},
    }


def full_checkout(index: int = 0) -> dict[str, Any]:
    """One full checkout, as ``GET /checkouts/{id}`` returns it (a fresh dict each call)."""
    checkout_id = CHECKOUT_ID if index == 0 else f"{index:08d}-355d-42d3-8bb7-0c14d8b777e4"
    return {
        "id": checkout_id,
        "createdTime": "2021-03-23T17:34:17Z",
        "updatedTime": "2021-03-23T17:36:02Z",
        "customerId": "530359580336",
        "currency": "USD",
        "email": "anyemail@digitalriver.com",
        "locale": "en_US",
        "browserIp": "203.0.113.7",
        "shipFrom": {"address": {"country": "US"}},
        "shipTo": {"address": _address(0), "name": "John Doe", "phone": "952-111-1111"},
        "billTo": {
            "address": _address(1),
            "name": "John Doe",
            "email": "anyemail@digitalriver.com",
            "organization": "Acme",
        },
        "subtotal": 255.0,
        "totalTax": 15.1,
        "totalImporterTax": 0.0,
        "totalFees": 0.0,
        "totalDuty": 0.0,
        "totalDiscount": 0.0,
        "totalShipping": 5.0,
        "totalAmount": 275.1,
        "taxInclusive": False,
        "chargeType": "customer_initiated",
        "customerType": "individual",
        "sellingEntity": {"id": "C5_INC-ENTITY", "name": "DR globalTech Inc."},
        "items": [_item(n) for n in range(10)],
        "shippingChoice": {
            "amount": 5.0,
            "description": "standard",
            "serviceLevel": "SG",
            "taxAmount": 0.38,
        },
        "payment": {
            "sources": [
                {
                    "id": "bea8171b-d2bc-44e4-8d7f-1700e65b09ab",
                    "createdTime": "2021-03-23T17:35:40Z",
                    "type": "creditCard",
                    "currency": "USD",
                    "amount": 265.1,
                    "reusable": False,
                    "state": "chargeable",
                    "flow": "standard",
                    "owner": {
                        "firstName": "William",
                        "lastName": "Brown",
                        "email": "null@digitalriver.com",
                        "address": _address(2),
                    },
                    "creditCard": {
                        "brand": "Visa",
                        "expirationMonth": 7,
                        "expirationYear": 2027,
                        "lastFourDigits": "1111",
                    },
                    "liveMode": False,
                },
                {
                    "id": "38818373-7db9-41d9-8895-5667fea13a0b",
                    "type": "customerCredit",
                    "amount": 10.0,
                    "currency": "USD",
                    "state": "chargeable",
                    "customerCredit": {},
                    "liveMode": False,
                },
            ],
            "charges": [
                {
                    "id": "2a2b3e61-4f3b-4b9f-8d35-0c0f7b6a1e11",
                    "createdTime": "2021-03-23T17:36:02Z",
                    "currency": "USD",
                    "amount": 265.1,
                    "state": "capturable",
                    "captured": False,
                    "refunded": False,
                    "sourceId": "bea8171b-d2bc-44e4-8d7f-1700e65b09ab",
                    "type": "customer_initiated",
                    "liveMode": False,
                }
            ],
            "session": {
                "id": "89bd1d59-1ba0-439f-af96-29230421725c",
                "amountContributed": 275.1,
                "amountRemainingToBeContributed": 0.0,
                "state": "requires_confirmation",
                "clientSecret": "89bd1d59-1ba0-439f-af96-29230421725c_secret_0123456789",
            },
        },
        "liveMode": False,
        "metadata": {"orderRef": f"order-{index}"},
    }


@cache
def full_checkout_bytes() -> bytes:
    return json.dumps(full_checkout()).encode()


@cache
def checkout_page_bytes(size: int = 100) -> bytes:
    """One ``checkouts_list`` page of ``size`` full checkouts."""
    return json.dumps({"data": [full_checkout(i) for i in range(size)], "hasMore": True}).encode()


def checkout_create_wire(items: int = 100) -> dict[str, Any]:
    """A ``CheckoutCreate`` body with ``items`` line items, as JSON-ready data (floats)."""
    return {
        "currency": "USD",
        "customerId": "530359580336",
        "email": "anyemail@digitalriver.com",
        "locale": "en_US",
        "shipTo": {"address": _address(0), "name": "John Doe"},
        "billTo": {"address": _address(1), "name": "John Doe"},
        "items": [
            {
                "skuId": f"6b04ac06-0858-456c-90aa-235772de{n:04d}",
                "quantity": 1 + n % 3,
                "price": 10.5 + n,
                "metadata": {"line": n},
                "subscriptionInfo": {"autoRenewal": False, "freeTrial": False},
            }
            for n in range(items)
        ],
        "metadata": {"cartRef": "cart-1"},
    }


def checkout_create(items: int = 100) -> Any:
    """The same body as a ``models.CheckoutCreate`` (money as ``Decimal``)."""
    from decimal import Decimal

    from tillpoint import _serde
    from tillpoint.models import CheckoutCreate

    data = json.loads(json.dumps(checkout_create_wire(items)), parse_float=Decimal)
    return _serde.structure(data, CheckoutCreate)


def session() -> dict[str, Any]:
    """A Gr4vy checkout session with five cart items, a guest buyer and a payment method."""
    address = {
        "city": "San Jose",
        "country": "US",
        "postal_code": "94560",
        "state": "California",
        "state_code": "US-CA",
        "house_number_or_name": "10",
        "line1": "Stafford Appartments",
        "line2": "29th Street",
        "organization": "Gr4vy",
    }
    contact = {
        "first_name": "John",
        "last_name": "Doe",
        "email_address": "john@example.com",
        "phone_number": "+14155552671",
        "address": address,
    }
    return {
        "type": "checkout-session",
        "id": SESSION_ID,
        "expires_at": "2030-07-16T19:23:00.000+00:00",
        "cart_items": [
            {
                "name": f"Joust Duffle Bag {n}",
                "quantity": 1 + n,
                "unit_amount": 1299 + n,
                "discount_amount": 0,
                "tax_amount": 104,
                "external_identifier": f"goodbye-bag-{n}",
                "sku": f"sku-{n}",
                "product_url": f"https://shop.example/bags/{n}",
                "image_url": f"https://shop.example/bags/{n}.png",
                "categories": ["bags", "travel"],
                "product_type": "physical",
                "seller_country": "US",
            }
            for n in range(5)
        ],
        "metadata": {"cohort": "cohort-a", "order_id": "order-12345"},
        "buyer": {
            "display_name": "John Doe",
            "external_identifier": "buyer-12345",
            "billing_details": {**contact, "tax_id": {"value": "12345678931", "kind": "us.ein"}},
            "shipping_details": contact,
        },
        "amount": 7000,
        "currency": "USD",
        "payment_service_id": None,
        "payment_method": {
            "type": "payment-method",
            "id": "77a76f7e-d2de-4bbc-ada9-d6a0015e6bd5",
            "method": "card",
            "scheme": "visa",
            "label": "1111",
            "fingerprint": "20eb353620155d2b5fc864cc46a73ea77cb92c725238650839da1813fa987a17",
            "details": {
                "bin": "411111",
                "card_country": "US",
                "card_type": "credit",
                "card_issuer_name": "Test Bank",
            },
        },
    }


@cache
def session_bytes() -> bytes:
    return json.dumps(session()).encode()
