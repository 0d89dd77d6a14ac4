"""Wire models against Digital River's own examples: decoding, round trips, unknown
fields, the three field states, exact money, strict decoding and datetimes.

Fixtures (tests/fixtures/, read here and nowhere else; nothing is read from ../shared):

* ``seed002_checkout.json`` — the full ``2021-12-13`` checkout response in seed 002
  ("Payment session information"), copied byte for byte; it is valid JSON as published.
* ``seed002_checkout_excerpts.json`` — seed 002's three shorter checkout excerpts. The
  seed elides fields with ``...`` lines, which is not JSON: those lines were removed,
  with the comma before each one, and the ``]`` that the first excerpt's ``...`` swallowed
  was restored. Nothing else was changed.
* ``seed002_checkout_create_request.json`` — the seed's ``POST /checkouts`` body (the
  ``--data-raw '...'`` of its curl example), copied as is.
* ``openapi_examples.json`` — what the OpenAPI document offers. It has no whole-object
  example of ``Checkout``, ``ListCheckoutsResponse``, ``Source`` or ``Errors`` and no
  response ``examples``; only property-level ``example``s. So the objects are assembled
  from those by ``build_openapi_examples.py`` (beside the fixtures; run by hand). The two
  schema-level examples, ``CheckoutRequest.items`` and ``Metadata``, are copied verbatim.
* ``dr_error_examples.json`` — Digital River's documented error bodies (api-contract §4).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import _serde, models
from tillpoint._serde import DecodeError, dumps, loads, structure, unstructure
from tillpoint.models import (
    UNSET,
    Address,
    Checkout,
    CheckoutCreate,
    CheckoutItem,
    CheckoutList,
    CheckoutUpdate,
    CreditCard,
    DigitalRiverErrorBody,
    Duties,
    Fees,
    ImporterTax,
    InvoiceAttributes,
    Item,
    ItemUpdate,
    Model,
    Owner,
    Payment,
    PaymentSession,
    SellingEntity,
    ShipFrom,
    ShippingChoice,
    ShipTo,
    Source,
    SubscriptionInfo,
    Tax,
    TaxIdentifierStateTransitions,
)
from tillpoint.models import checkouts as checkout_models
from tillpoint.models import errors as error_models

FIXTURES = Path(__file__).parent / "fixtures"
UTC = timezone.utc


def fixture(name: str) -> Any:
    """A fixture parsed the way the SDK parses a response: non-integers as Decimal."""
    return loads((FIXTURES / name).read_bytes())


def openapi_example(name: str) -> Any:
    return fixture("openapi_examples.json")[name]


def wire_round_trip(obj: Any) -> Any:
    """Model → JSON bytes → parsed JSON."""
    return loads(dumps(unstructure(obj)))


def exact(data: Any) -> Any:
    """``data`` with each number tagged by type and text, so ``20.0`` != ``20`` != ``2E+1``."""
    if isinstance(data, dict):
        return {k: exact(v) for k, v in data.items()}
    if isinstance(data, list):
        return [exact(v) for v in data]
    if isinstance(data, (Decimal, int)) and not isinstance(data, bool):
        return (type(data).__name__, str(data))
    return data


def extra_fields_by_path(obj: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every non-empty ``extra_fields`` in a decoded tree, by wire path."""
    if isinstance(obj, Model):
        if obj.extra_fields:
            yield path or "$", obj.extra_fields
        for name, wire in _serde.wire_names(type(obj)).items():
            yield from extra_fields_by_path(getattr(obj, name), f"{path}.{wire}".lstrip("."))
    elif isinstance(obj, list):
        for index, item in enumerate(obj):
            yield from extra_fields_by_path(item, f"{path}[{index}]")


# --- 1. Digital River's examples decode, field by field ------------------------------


@pytest.fixture
def seed_checkout() -> Checkout:
    return structure(fixture("seed002_checkout.json"), Checkout)


def test_seed002_checkout_top_level(seed_checkout: Checkout) -> None:
    c = seed_checkout
    assert c.id == "f2cd50e5-355d-42d3-8bb7-0c14d8b777e4"
    assert c.created_time == datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)
    assert c.updated_time == datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)
    for moment in (c.created_time, c.updated_time):
        assert isinstance(moment, datetime)
        assert moment.utcoffset() == timedelta(0)
    assert c.customer_id == "530359580336"
    assert c.currency == "USD"
    assert c.email == "anyemail@digitalriver.com"
    assert c.locale == "en_US"
    assert c.customer_type == "individual"
    assert c.live_mode is False
    # Fields the example does not carry stay UNSET, not None.
    assert c.bill_to is UNSET
    assert c.metadata is UNSET
    assert c.charge_type is UNSET


def test_seed002_checkout_money_is_exact(seed_checkout: Checkout) -> None:
    c = seed_checkout
    amounts = {
        "total_amount": Decimal("26.89"),
        "subtotal": Decimal("25.0"),
        "total_fees": Decimal("0.0"),
        "total_tax": Decimal("1.89"),
        "total_importer_tax": Decimal("0.0"),
        "total_duty": Decimal("0.0"),
        "total_discount": Decimal("0.0"),
        "total_shipping": Decimal("5.0"),
    }
    for name, expected in amounts.items():
        value = getattr(c, name)
        assert type(value) is Decimal, name
        assert value == expected, name
        assert str(value) == str(expected), name  # the JSON text, digit for digit
    # api-contract §6.1: the example reconciles exactly in Decimal arithmetic.
    assert isinstance(c.items, list)
    assert isinstance(c.shipping_choice, ShippingChoice)
    item_tax = c.items[0].tax
    assert isinstance(item_tax, Tax)
    assert item_tax.amount + c.shipping_choice.tax_amount == c.total_tax
    assert c.subtotal + c.total_tax == c.total_amount


def test_seed002_checkout_addresses_and_entity(seed_checkout: Checkout) -> None:
    c = seed_checkout
    assert isinstance(c.ship_to, ShipTo)
    assert c.ship_to.name == "John Doe"
    assert isinstance(c.ship_to.address, Address)
    assert c.ship_to.address.line1 == "10380 Bren Road W"
    assert c.ship_to.address.city == "Minnetonka"
    assert c.ship_to.address.postal_code == "55343"
    assert c.ship_to.address.state == "MN"
    assert c.ship_to.address.country == "US"
    assert c.ship_to.address.line2 is UNSET
    assert isinstance(c.ship_from, ShipFrom)
    assert isinstance(c.ship_from.address, Address)
    assert c.ship_from.address.country == "US"
    assert isinstance(c.selling_entity, SellingEntity)
    assert c.selling_entity.id == "C5_INC-ENTITY"
    assert c.selling_entity.name == "DR globalTech Inc."
    assert isinstance(c.shipping_choice, ShippingChoice)
    assert c.shipping_choice.amount == Decimal("5.0")
    assert c.shipping_choice.tax_amount == Decimal("0.38")
    assert c.shipping_choice.description == "standard"
    assert c.shipping_choice.service_level == "SG"


def test_seed002_checkout_items(seed_checkout: Checkout) -> None:
    assert isinstance(seed_checkout.items, list)
    (item,) = seed_checkout.items
    assert isinstance(item, CheckoutItem)
    assert item.id == "c9f8d629-e01d-4c89-8c0a-0a0715a07d52"
    assert item.sku_id == "6b04ac06-0858-456c-90aa-235772dea9e2"
    assert item.amount == Decimal("20.0")
    assert item.quantity == 2
    assert type(item.quantity) is int
    assert isinstance(item.tax, Tax)
    assert item.tax.rate == Decimal("0.07525")
    assert str(item.tax.rate) == "0.07525"
    assert item.tax.amount == Decimal("1.51")
    assert isinstance(item.importer_tax, ImporterTax)
    assert item.importer_tax.amount == Decimal("0.0")
    assert isinstance(item.duties, Duties)
    assert item.duties.amount == Decimal("0.0")
    assert isinstance(item.fees, Fees)
    assert item.fees.amount == Decimal("0.0")
    assert item.fees.tax_amount == Decimal("0.0")
    assert item.fees.details is UNSET
    assert isinstance(item.subscription_info, SubscriptionInfo)
    assert item.subscription_info.terms == "These are the terms"
    assert item.subscription_info.auto_renewal is False
    assert item.subscription_info.free_trial is False
    # api-contract §6.1: 20 × 0.07525 = 1.505 → 1.51 (half-up).
    assert (item.amount * item.tax.rate).quantize(Decimal("0.01"), "ROUND_HALF_UP") == Decimal(
        "1.51"
    )


def test_result_repr_is_one_level_deep(seed_checkout: Checkout) -> None:
    # asyncio.run formats the result it returns: Ok's repr must not walk the whole checkout.
    from tillpoint.result import Ok

    brief = repr(Ok(seed_checkout, recovered=True))
    assert brief.startswith(f"Ok(value=Checkout(id={seed_checkout.id!r}, ")
    assert brief.endswith(", recovered=True)")
    assert f"items=<{len(seed_checkout.items)} items>" in brief  # type: ignore[arg-type]
    assert "ship_to=ShipTo(...)" in brief
    assert repr(seed_checkout.ship_to) not in brief
    # The model's own repr still shows everything that is set.
    assert repr(seed_checkout.items[0]) in repr(seed_checkout)  # type: ignore[index]
    assert repr(Ok(None)) == "Ok(value=None)"


def test_seed002_checkout_payment(seed_checkout: Checkout) -> None:
    payment = seed_checkout.payment
    assert isinstance(payment, Payment)
    assert payment.charges is UNSET
    assert isinstance(payment.sources, list)
    card, credit = payment.sources
    assert isinstance(card, Source)
    assert isinstance(credit, Source)

    assert card.id == "bea8171b-d2bc-44e4-8d7f-1700e65b09ab"
    assert card.type == "creditCard"
    assert card.amount == Decimal("16.89")
    assert isinstance(card.owner, Owner)
    assert card.owner.first_name == "William"
    assert card.owner.last_name == "Brown"
    assert card.owner.email == "null@digitalriver.com"
    assert isinstance(card.owner.address, Address)
    assert card.owner.address.line1 == "10380 Bren Rd W"
    assert card.owner.address.postal_code == "55343"
    assert isinstance(card.credit_card, CreditCard)
    assert card.credit_card.brand == "Visa"
    assert card.credit_card.expiration_month == 7
    assert card.credit_card.expiration_year == 2027
    assert card.credit_card.last_four_digits == "1111"
    assert card.extra_fields == {}

    assert credit.id == "38818373-7db9-41d9-8895-5667fea13a0b"
    assert credit.type == "customerCredit"
    assert credit.amount == Decimal("10.0")

    session = payment.session
    assert isinstance(session, PaymentSession)
    assert session.id == "89bd1d59-1ba0-439f-af96-29230421725c"
    assert session.state == "requires_confirmation"
    assert session.amount_contributed == Decimal("26.89")
    assert session.amount_remaining_to_be_contributed == Decimal("0.0")
    assert session.client_secret == (
        "89bd1d59-1ba0-439f-af96-29230421725c_5ca86d31-3b21-4d50-b730-9f992b260226"
    )
    assert session.client_secret.startswith(f"{session.id}_")
    # The sources fund the session exactly: 16.89 + 10.0 == 26.89, no float drift.
    assert card.amount + credit.amount == session.amount_contributed
    assert session.amount_contributed == seed_checkout.total_amount


# Documented fields the models do not cover would land in extra_fields; none do.
KNOWN_MODEL_GAPS: dict[str, dict[str, Any]] = {}

COMPLETE_FIXTURES: list[tuple[str, Any, Any]] = [
    ("seed002_checkout.json", lambda: fixture("seed002_checkout.json"), Checkout),
    *[
        (
            f"seed002_checkout_excerpts.json[{i}]",
            lambda i=i: fixture("seed002_checkout_excerpts.json")[i],
            Checkout,
        )
        for i in range(3)
    ],
    ("openapi Checkout", lambda: openapi_example("Checkout"), Checkout),
    (
        "openapi ListCheckoutsResponse",
        lambda: openapi_example("ListCheckoutsResponse"),
        CheckoutList,
    ),
    ("openapi Source", lambda: openapi_example("Source"), Source),
    ("openapi Errors", lambda: openapi_example("Errors"), DigitalRiverErrorBody),
    *[
        (
            f"dr_error_examples.json[{i}]",
            lambda i=i: fixture("dr_error_examples.json")[i],
            DigitalRiverErrorBody,
        )
        for i in range(5)
    ],
]


@pytest.mark.parametrize(
    ("name", "load", "cls"), COMPLETE_FIXTURES, ids=[c[0] for c in COMPLETE_FIXTURES]
)
def test_models_cover_documented_fields(name: str, load: Any, cls: type[Model]) -> None:
    obj = structure(load(), cls)
    assert isinstance(obj, cls)
    assert dict(extra_fields_by_path(obj)) == KNOWN_MODEL_GAPS.get(name, {})


def test_customer_credit_source_is_modelled(seed_checkout: Checkout) -> None:
    assert isinstance(seed_checkout.payment, Payment)
    assert isinstance(seed_checkout.payment.sources, list)
    credit = seed_checkout.payment.sources[1]
    assert credit.extra_fields == {}


def test_openapi_checkout_example_field_by_field() -> None:
    c = structure(openapi_example("Checkout"), Checkout)
    assert c.id == "5823594809"
    assert c.created_time == datetime(2018, 4, 25, 20, 36, tzinfo=UTC)
    assert c.total_amount == Decimal("1180.26")
    assert c.subtotal == Decimal("1094.5")
    assert c.total_tax == Decimal("82.76")
    assert c.total_shipping == Decimal("5.76")
    assert c.total_fees == Decimal("0")
    assert c.importer_of_record_tax is True
    assert isinstance(c.bill_to, checkout_models.BillTo)
    assert isinstance(
        c.bill_to.additional_address_info, checkout_models.AdditionalBillingAddressInfo
    )
    assert c.bill_to.additional_address_info.division == "営業部"
    assert c.bill_to.additional_address_info.title == "M"
    assert isinstance(c.discount, checkout_models.Discount)
    assert c.discount.percent_off == Decimal("100.0")
    assert isinstance(c.tax_identifiers, list)
    (tax_id,) = c.tax_identifiers
    assert isinstance(tax_id, checkout_models.TaxIdentifier)
    assert tax_id.state == "pending"
    assert isinstance(tax_id.state_transitions, TaxIdentifierStateTransitions)
    assert tax_id.state_transitions.not_valid == datetime(2018, 4, 25, 20, 36, tzinfo=UTC)
    assert isinstance(c.invoice_attributes, InvoiceAttributes)
    assert c.invoice_attributes.attributes == [
        {
            "invoiceTitle": "Invoice title",
            "regAccount": "87654",
            "regAddress": "123 Example st.",
            "regBank": "Bank",
            "regPhone": "8005551234",
        }
    ]
    assert isinstance(c.items, list)
    (item,) = c.items
    assert isinstance(item.product_details, checkout_models.ProductDetails)
    assert item.product_details.weight == Decimal("20.5")
    assert item.product_details.weight_unit == "oz"
    assert isinstance(item.discount, checkout_models.ItemDiscount)
    assert isinstance(item.fees, Fees)
    assert isinstance(item.fees.details, list)
    assert item.fees.details[0].per_unit_amount == Decimal("1.5")
    assert isinstance(c.disclosures, checkout_models.Disclosures)
    assert isinstance(c.disclosures.disclosures, list)
    assert c.disclosures.disclosures[0].type == "termsOfSale"
    assert c.metadata == {"coupon": "iOS"}
    assert isinstance(c.payment, Payment)
    assert isinstance(c.payment.charges, list)
    (charge,) = c.payment.charges
    assert isinstance(charge, checkout_models.Charge)
    assert charge.amount == Decimal("1180.26")
    assert charge.type == "customer_initiated"
    assert isinstance(charge.captures, list)
    assert charge.captures[0]["amount"] == Decimal("1180.26")
    assert isinstance(c.payment.session, PaymentSession)
    assert c.payment.session.amount_contributed == Decimal("10.5")
    assert c.payment.session.amount_remaining_to_be_contributed == Decimal("5.5")


def test_openapi_list_and_source_examples() -> None:
    page = structure(openapi_example("ListCheckoutsResponse"), CheckoutList)
    assert page.has_more is True
    assert len(page.data) == 1
    assert isinstance(page.data[0], Checkout)
    assert page.data[0].total_amount == Decimal("1180.26")

    source = structure(openapi_example("Source"), Source)
    assert source.type == "creditCard"
    assert source.amount == Decimal("1180.26")
    assert source.reusable is True
    assert source.flow == "standard"
    assert source.state == "chargeable"
    assert source.created_time == datetime(2018, 4, 25, 20, 36, tzinfo=UTC)
    assert isinstance(source.credit_card, CreditCard)
    assert source.credit_card.expiration_month == 3
    assert isinstance(source.pay_pal, dict)
    assert source.pay_pal["directDebit"] == {"token": "EC-53H39048EL439164J"}
    assert isinstance(source.gift_card, dict)
    assert source.gift_card["conversionRate"] == Decimal("1.0")
    assert isinstance(source.b_pay, dict)
    assert source.b_pay["swiftCode"] == "CTBAAU2S"


def test_error_examples() -> None:
    body = structure(openapi_example("Errors"), DigitalRiverErrorBody)
    assert body.type == "bad_request"
    assert isinstance(body.errors, list)
    assert body.errors[0].code is UNSET

    bad_request, unauthorized, *_ = (
        structure(e, DigitalRiverErrorBody) for e in fixture("dr_error_examples.json")
    )
    assert bad_request.type == "bad_request"
    assert bad_request.codes == ["invalid_parameter"]
    assert isinstance(bad_request.errors, list)
    assert isinstance(bad_request.errors[0], error_models.DigitalRiverError)
    assert bad_request.errors[0].parameter == "currency"
    assert bad_request.errors[0].message == "'YEM' is not a valid currency."
    assert unauthorized.type == "unauthorized"
    assert unauthorized.codes == []
    assert isinstance(unauthorized.errors, list)
    assert unauthorized.errors[0].parameter is UNSET


def test_openapi_checkout_request_items_example() -> None:
    # The schema-level example of CheckoutRequest.items, verbatim. Its discounts carry
    # "quantity 1": null (a documentation artefact for "quantity": 1): an unknown key,
    # which must be kept, not rejected.
    data = openapi_example("CheckoutRequest.items")
    items = structure(data, list[Item])
    assert [i.sku_id for i in items] == ["5823594809", "5823594809", "9234276173"]
    assert [i.price for i in items] == [Decimal("9.99")] * 3
    assert [i.quantity for i in items] == [UNSET, 2, 2]
    assert isinstance(items[0].discount, checkout_models.ItemDiscount)
    assert items[0].discount.amount_off == 10
    assert items[0].discount.quantity is UNSET
    assert items[0].discount.extra_fields == {"quantity 1": None}
    assert wire_round_trip(items) == data
    body = CheckoutCreate(currency="USD", items=items)
    assert wire_round_trip(body) == {"currency": "USD", "items": data}


def test_seed002_create_request() -> None:
    data = fixture("seed002_checkout_create_request.json")
    # The guide's curl sends "customerId": 529861350336, a number; the spec says string.
    # Decoding is strict, so the documented body as written is refused...
    with pytest.raises(DecodeError, match=re.escape("CheckoutCreate.customerId")):
        structure(data, CheckoutCreate)
    # ...and with the id as the string the spec requires, every field is modelled.
    data["customerId"] = "529861350336"
    body = structure(data, CheckoutCreate)
    assert dict(extra_fields_by_path(body)) == {}
    assert body.tax_inclusive is False
    assert isinstance(body.shipping_choice, checkout_models.ShippingChoiceRequest)
    assert body.shipping_choice.amount == Decimal(5)
    assert isinstance(body.items, list)
    assert body.items[0].price == Decimal(10)
    assert exact(wire_round_trip(body)) == exact(data)


def test_contract_response_additions_are_modelled() -> None:
    # api-contract §3.1 "Additional response fields not in DR-SPEC Checkout" and §3.6.
    data = loads(
        json.dumps(
            {
                "language": "en",
                "chargeType": "merchant_initiated",
                "shippingDiscount": {"amountOff": 3.0},
                "billingOptimization": {
                    "subscriptionId": "sub_1",
                    "segmentId": "seg_1",
                    "renewalAttemptNumber": 2,
                    "trackingId": "trk_1",
                },
                "taxInclusive": False,
                "payment": {
                    "sources": [
                        {"type": "customerCredit", "amount": 5.0, "upstreamId": "credit-7"},
                        {"type": "amazonPay", "amazonPay": {}},
                    ]
                },
            }
        )
    )
    c = structure(data, Checkout)
    assert dict(extra_fields_by_path(c)) == {}
    assert c.language == "en"
    assert c.charge_type == "merchant_initiated"
    assert isinstance(c.shipping_discount, checkout_models.Discount)
    assert c.shipping_discount.amount_off == Decimal("3.0")
    assert isinstance(c.billing_optimization, checkout_models.BillingOptimization)
    assert c.billing_optimization.renewal_attempt_number == 2
    assert c.tax_inclusive is False
    assert wire_round_trip(c) == data


# --- 2. Round trips --------------------------------------------------------------------

ROUND_TRIP_FIXTURES: list[tuple[str, Any, Any]] = [
    *COMPLETE_FIXTURES,
    (
        "openapi CheckoutRequest.items",
        lambda: openapi_example("CheckoutRequest.items"),
        list[Item],
    ),
    ("openapi Metadata", lambda: {"metadata": openapi_example("Metadata")}, Checkout),
]


@pytest.mark.parametrize(
    ("name", "load", "cls"), ROUND_TRIP_FIXTURES, ids=[c[0] for c in ROUND_TRIP_FIXTURES]
)
def test_round_trip(name: str, load: Any, cls: Any) -> None:
    data = load()
    obj = structure(data, cls)
    assert loads(dumps(unstructure(obj))) == data
    # Stronger: every number keeps its JSON text (20.0 stays 20.0, 0 stays 0).
    assert exact(loads(dumps(unstructure(obj)))) == exact(data)
    # And a second pass is a fixed point.
    assert unstructure(structure(loads(dumps(unstructure(obj))), cls)) == unstructure(obj)


def test_round_trip_keeps_null_and_absent_apart() -> None:
    data = loads(
        b'{"id": "c1", "email": null, "shipTo": {"name": null, "address": {"country": "US"}}}'
    )
    c = structure(data, Checkout)
    assert c.email is None
    assert c.locale is UNSET
    assert isinstance(c.ship_to, ShipTo)
    assert c.ship_to.name is None
    assert c.ship_to.phone is UNSET
    assert wire_round_trip(c) == data


@pytest.mark.parametrize(
    "body",
    [
        b'{"hasMore": false, "data": []}',
        b'{"hasMore": false, "data": [{"id": "c1"}]}',
    ],
    ids=["empty page", "last page"],
)
def test_checkout_list_round_trip_keeps_has_more_false(body: bytes) -> None:
    data = loads(body)
    assert wire_round_trip(structure(data, CheckoutList)) == data


# --- 3. Unknown fields and enum values survive -----------------------------------------


def test_unknown_fields_and_enum_values_survive() -> None:
    data = fixture("seed002_checkout.json")
    data["futureTopLevel"] = {"nested": [1, Decimal("2.5"), None, {"deep": True}]}
    data["chargeType"] = "brand_new_type"
    data["language"] = "tlh"
    data["items"][0]["futureField"] = {"a": [1, 2]}
    data["items"][0]["tax"]["jurisdiction"] = "MN"
    data["shipTo"]["address"]["plusCode"] = "86HJ+QX"
    data["payment"]["session"]["state"] = "awaiting_quantum_approval"
    data["payment"]["sources"].append(
        {
            "id": "src_3",
            "type": "cryptoWallet",
            "amount": Decimal("0.01"),
            "cryptoWallet": {"chain": "x"},
        }
    )
    expected = copy.deepcopy(data)

    c = structure(data, Checkout)
    assert c.extra_fields == {
        "futureTopLevel": {"nested": [1, Decimal("2.5"), None, {"deep": True}]}
    }
    assert c.charge_type == "brand_new_type"
    assert c.language == "tlh"
    assert isinstance(c.items, list)
    assert c.items[0].extra_fields == {"futureField": {"a": [1, 2]}}
    assert isinstance(c.items[0].tax, Tax)
    assert c.items[0].tax.extra_fields == {"jurisdiction": "MN"}
    assert c.items[0].tax.rate == Decimal("0.07525")
    assert isinstance(c.ship_to, ShipTo)
    assert isinstance(c.ship_to.address, Address)
    assert c.ship_to.address.extra_fields == {"plusCode": "86HJ+QX"}
    assert isinstance(c.payment, Payment)
    assert isinstance(c.payment.session, PaymentSession)
    assert c.payment.session.state == "awaiting_quantum_approval"
    assert isinstance(c.payment.sources, list)
    crypto = c.payment.sources[2]
    assert crypto.type == "cryptoWallet"
    assert crypto.amount == Decimal("0.01")
    assert crypto.extra_fields == {"cryptoWallet": {"chain": "x"}}

    assert wire_round_trip(c) == expected
    assert data == expected  # decoding did not mutate the input


def test_set_field_wins_over_stale_extra_field() -> None:
    c = structure(loads(b'{"email": "old@example.com", "futureField": 1}'), Checkout)
    c.email = "new@example.com"
    c.extra_fields["email"] = "stale@example.com"
    assert unstructure(c) == {"futureField": 1, "email": "new@example.com"}


def test_unknown_enum_values_on_requests() -> None:
    body = CheckoutCreate(
        currency="USD",
        items=[Item(sku_id="sku_1", price=Decimal("1.00"))],
        charge_type="subscription_renewal_v2",
        customer_type="government",
    )
    out = unstructure(body)
    assert out["chargeType"] == "subscription_renewal_v2"
    assert out["customerType"] == "government"


# --- 4. Three states and wire names ----------------------------------------------------


def test_create_with_only_required_fields_sends_only_them() -> None:
    body = CheckoutCreate(
        currency="USD", items=[Item(sku_id="sku_1", quantity=2, price=Decimal("10"))]
    )
    out = unstructure(body)
    assert set(out) == {"currency", "items"}
    assert out["items"] == [{"skuId": "sku_1", "price": Decimal("10"), "quantity": 2}]
    assert dumps(out) == b'{"currency":"USD","items":[{"skuId":"sku_1","price":10,"quantity":2}]}'


def test_none_is_sent_as_null() -> None:
    body = CheckoutCreate(currency="USD", items=[], email=None, ship_to=None)
    assert unstructure(body) == {"currency": "USD", "items": [], "email": None, "shipTo": None}
    assert dumps(unstructure(body)) == b'{"currency":"USD","items":[],"email":null,"shipTo":null}'
    update = CheckoutUpdate(email=None)
    assert dumps(unstructure(update)) == b'{"email":null}'


DR_MODELS = sorted(
    {
        cls
        for module in (checkout_models, error_models)
        for cls in (getattr(module, name) for name in module.__all__)
        if isinstance(cls, type) and issubclass(cls, Model) and cls.wire_case == "camel"
    },
    key=lambda cls: cls.__name__,
)
ALL_UNSET_MODELS = [cls for cls in DR_MODELS if cls not in (CheckoutList, ItemUpdate)]


@pytest.mark.parametrize("cls", ALL_UNSET_MODELS, ids=lambda cls: cls.__name__)
def test_unset_fields_never_appear(cls: type[Model]) -> None:
    assert unstructure(cls()) == {}
    assert dumps(unstructure(cls())) == b"{}"


def test_unset_fields_never_appear_nested() -> None:
    out = unstructure(
        Checkout(
            ship_to=ShipTo(address=Address(country="US")),
            items=[CheckoutItem(tax=Tax()), CheckoutItem(id="x")],
            payment=Payment(session=PaymentSession(state="requires_source")),
        )
    )
    assert out == {
        "shipTo": {"address": {"country": "US"}},
        "items": [{"tax": {}}, {"id": "x"}],
        "payment": {"session": {"state": "requires_source"}},
    }
    assert "UNSET" not in dumps(out).decode()


def test_item_update_always_sends_its_id() -> None:
    assert unstructure(ItemUpdate(id="line_1")) == {"id": "line_1"}
    update = CheckoutUpdate(items=[ItemUpdate(id="line_1", metadata={"gift": True})])
    assert unstructure(update) == {"items": [{"id": "line_1", "metadata": {"gift": True}}]}


def test_camel_case_wire_names() -> None:
    body = CheckoutCreate(
        currency="USD",
        items=[Item(sku_id="s", aggregate_price=Decimal("19.98"))],
        ship_to=ShipTo(
            address=Address(postal_code="55343", country="US"),
            additional_address_info=checkout_models.AdditionalAddressInfo(phonetic_name="ヤマダ"),
        ),
        bill_to=checkout_models.BillTo(address=Address(line1="x", country="US")),
        tax_inclusive=True,
        browser_ip="111.111.111.111",
        invoice_attribute_id="inv_1",
        shipping_discount=checkout_models.Discount(percent_off=Decimal("25")),
        purchase_location=checkout_models.PurchaseLocation(country="US", postal_code="55343"),
        upstream_id="u1",
    )
    assert unstructure(body) == {
        "currency": "USD",
        "items": [{"skuId": "s", "aggregatePrice": Decimal("19.98")}],
        "browserIp": "111.111.111.111",
        "invoiceAttributeId": "inv_1",
        "shipTo": {
            "address": {"postalCode": "55343", "country": "US"},
            "additionalAddressInfo": {"phoneticName": "ヤマダ"},
        },
        "billTo": {"address": {"line1": "x", "country": "US"}},
        "shippingDiscount": {"percentOff": Decimal("25")},
        "taxInclusive": True,
        "purchaseLocation": {"country": "US", "postalCode": "55343"},
        "upstreamId": "u1",
    }
    assert "ヤマダ".encode() in dumps(unstructure(body))  # UTF-8, not \u escapes


def test_wire_name_exceptions() -> None:
    moment = datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)
    attributes = InvoiceAttributes(attributes=[{"invoiceTitle": "T"}], customer_id="c")
    assert unstructure(attributes) == {"customerId": "c", "atttributes": [{"invoiceTitle": "T"}]}
    transitions = TaxIdentifierStateTransitions(not_valid=moment, pending=moment)
    assert unstructure(transitions) == {
        "pending": "2021-03-23T17:34:17Z",
        "not_valid": "2021-03-23T17:34:17Z",
    }
    # Decoding reads the same names; the "regular" spellings are unknown fields.
    decoded = structure({"atttributes": [{"regBank": "B"}], "attributes": ["?"]}, InvoiceAttributes)
    assert decoded.attributes == [{"regBank": "B"}]
    assert decoded.extra_fields == {"attributes": ["?"]}
    decoded_transitions = structure(
        {"not_valid": "2021-03-23T17:34:17Z", "notValid": "x"}, TaxIdentifierStateTransitions
    )
    assert decoded_transitions.not_valid == moment
    assert decoded_transitions.extra_fields == {"notValid": "x"}


# --- 5. Money is exact both ways -------------------------------------------------------


def test_decimal_sum_is_written_exactly() -> None:
    price = Decimal("0.1") + Decimal("0.2")
    assert price == Decimal("0.3")
    body = CheckoutCreate(currency="USD", items=[Item(sku_id="s", price=price)])
    raw = dumps(unstructure(body))
    assert b'"price":0.3}' in raw
    assert b"0.30000000000000004" not in raw
    assert loads(raw)["items"][0]["price"] == Decimal("0.3")


def test_float_noise_is_read_exactly() -> None:
    raw = b'{"totalAmount": 0.30000000000000004}'
    data = loads(raw)
    assert data["totalAmount"] == Decimal("0.30000000000000004")
    assert type(data["totalAmount"]) is Decimal
    c = structure(data, Checkout)
    assert c.total_amount == Decimal("0.30000000000000004")
    assert c.total_amount != Decimal("0.3")
    assert dumps(unstructure(c)) == b'{"totalAmount":0.30000000000000004}'


@pytest.mark.parametrize(
    "text",
    [
        "26.89",
        "1180.26",
        "0.07525",
        "99999999.99",
        "9999999999999.99",
        "0.30000000000000004",
        "-5.95",
        "0.01",
        "10",
        "10.0",
        "0.0",
        "0",
        "1e-07",
    ],
)
def test_amounts_survive_bytes_model_bytes(text: str) -> None:
    for raw, cls in [
        (f'{{"totalAmount":{text}}}', Checkout),
        (f'{{"rate":{text}}}', Tax),
        (f'{{"amount":{text}}}', Source),
        (f'{{"items":[{{"price":{text}}}]}}', CheckoutCreate),
    ]:
        obj = structure(loads(raw), cls)
        assert dumps(unstructure(obj)) == raw.encode()


@pytest.mark.parametrize(
    "value",
    [Decimal("0.12345678901234567890"), Decimal("26.891234567890123456789"), Decimal("1.1E-400")],
)
def test_more_precision_than_a_double_is_refused(value: Decimal) -> None:
    with pytest.raises(ValueError, match="round"):
        dumps(unstructure(Checkout(total_amount=value)))
    with pytest.raises(ValueError, match="round"):
        dumps([value])


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("-NaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_non_finite_decimals_are_refused(value: Decimal) -> None:
    # A request refuses them when it is built; any other model, when it is encoded.
    with pytest.raises(ValueError, match=r"Item\.price: .* is not a finite amount"):
        Item(price=value)
    with pytest.raises(ValueError, match="cannot be sent exactly"):
        dumps(unstructure(CheckoutItem(amount=value)))


def test_non_finite_floats_are_refused() -> None:
    with pytest.raises(ValueError):
        dumps({"x": float("nan")})


@pytest.mark.parametrize("value", [Decimal("9007199254740993"), Decimal("1E+400")])
def test_integral_decimals_beyond_a_double_are_refused(value: Decimal) -> None:
    with pytest.raises(ValueError, match="round"):
        dumps([value])


money = st.one_of(
    st.decimals(
        min_value=Decimal("-9999999999999.99"),
        max_value=Decimal("9999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.decimals(
        min_value=Decimal("-9999999999999.9"),
        max_value=Decimal("9999999999999.9"),
        places=1,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.integers(min_value=-(10**13) + 1, max_value=10**13 - 1).map(Decimal),
)


@settings(max_examples=200, deadline=None)
@given(money)
def test_two_decimal_places_round_trip_exactly(value: Decimal) -> None:
    assert loads(dumps({"v": value}))["v"] == value
    c = structure(loads(dumps(unstructure(Checkout(total_amount=value)))), Checkout)
    assert c.total_amount == value


# --- 6. Strict decoding: DecodeError with the path -------------------------------------


@pytest.mark.parametrize(
    ("data", "cls", "path"),
    [
        # a string where a number is expected
        ({"totalAmount": "26.89"}, Checkout, "Checkout.totalAmount"),
        ({"items": [{"price": "9.99"}]}, Checkout, "Checkout.items[0].price"),
        (
            {"payment": {"sources": [{"amount": "1"}]}},
            Checkout,
            "Checkout.payment.sources[0].amount",
        ),
        ({"amount": "10.0"}, Source, "Source.amount"),
        # a dict where a string is expected
        ({"shipTo": {"name": {"first": "J"}}}, Checkout, "Checkout.shipTo.name"),
        ({"currency": {"code": "USD"}}, Checkout, "Checkout.currency"),
        (
            {"errors": [{"code": {"x": 1}}]},
            DigitalRiverErrorBody,
            "DigitalRiverErrorBody.errors[0].code",
        ),
        # a list where an object is expected, and the other way round
        ({"shipTo": [{"name": "J"}]}, Checkout, "Checkout.shipTo"),
        ({"payment": {"session": []}}, Checkout, "Checkout.payment.session"),
        ({"items": {"skuId": "x"}}, Checkout, "Checkout.items"),
        ({"data": {"id": "c1"}}, CheckoutList, "CheckoutList.data"),
        ({"data": [[]]}, CheckoutList, "CheckoutList.data[0]"),
        # true where an int is expected
        ({"items": [{"quantity": True}]}, Checkout, "Checkout.items[0].quantity"),
        ({"creditCard": {"expirationMonth": True}}, Source, "Source.creditCard.expirationMonth"),
        # and its kin
        ({"items": [{"quantity": 1.5}]}, Checkout, "Checkout.items[0].quantity"),
        ({"items": [{"quantity": "2"}]}, Checkout, "Checkout.items[0].quantity"),
        ({"totalAmount": True}, Checkout, "Checkout.totalAmount"),
        ({"liveMode": "false"}, Checkout, "Checkout.liveMode"),
        ({"liveMode": 0}, Checkout, "Checkout.liveMode"),
        ({"hasMore": "yes"}, CheckoutList, "CheckoutList.hasMore"),
        ({"data": None}, CheckoutList, "CheckoutList.data"),
        ({"createdTime": 1616520857}, Checkout, "Checkout.createdTime"),
        ({"createdTime": "yesterday"}, Checkout, "Checkout.createdTime"),
        ({"chargeType": 1}, Checkout, "Checkout.chargeType"),
        ({"metadata": {"k": {"nested": 1}}}, Checkout, "Checkout.metadata"),
        ({"metadata": ["k"]}, Checkout, "Checkout.metadata"),
        ({"type": ["bad_request"]}, DigitalRiverErrorBody, "DigitalRiverErrorBody.type"),
        ({"errors": "bad"}, DigitalRiverErrorBody, "DigitalRiverErrorBody.errors"),
        # not an object at all
        ([], Checkout, "Checkout"),
        ("checkout", Source, "Source"),
        (None, DigitalRiverErrorBody, "DigitalRiverErrorBody"),
    ],
)
def test_wrong_types_raise_decode_error_naming_the_path(data: Any, cls: Any, path: str) -> None:
    with pytest.raises(DecodeError) as info:
        structure(data, cls)
    assert isinstance(info.value, ValueError)
    assert re.search(rf"{re.escape(path)}(?![\w.\[])", str(info.value)), str(info.value)


def test_integral_numbers_are_accepted_for_ints() -> None:
    # DR writes doubles; 2.0 for a quantity is still 2.
    c = structure(loads(b'{"items": [{"quantity": 2.0}]}'), Checkout)
    assert isinstance(c.items, list)
    assert c.items[0].quantity == 2
    assert type(c.items[0].quantity) is int


# Every wire name of every Digital River model, so that random objects hit real fields.
WIRE_NAMES = sorted(
    {wire for cls in DR_MODELS for wire in _serde.wire_names(cls).values()} | {"futureField"}
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: Decimal(repr(f))),
    st.sampled_from(
        [
            "2021-03-23T17:34:17Z",
            "2021-03-23T17:34:17+02:00",
            "2021-03-23T17:34:17",
            "2021-02-30T00:00:00Z",
            "requires_confirmation",
            "creditCard",
            "",
        ]
    ),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(WIRE_NAMES) | st.text(max_size=4), children, max_size=5),
    ),
    max_leaves=25,
)
json_objects = st.dictionaries(st.sampled_from(WIRE_NAMES), json_values, max_size=8)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data = copy.deepcopy(data)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def mutations(base: Any) -> st.SearchStrategy[Any]:
    """A documented example with one value, anywhere in it, replaced by random JSON."""
    return st.builds(_replace, st.just(base), st.sampled_from(list(_paths(base))), json_values)


def _decodes_or_decode_error(data: Any, cls: type[Model]) -> None:
    try:
        obj = structure(data, cls)
    except DecodeError:
        return
    assert isinstance(obj, cls)
    # Whatever decodes can be written back — except a number the server would misread:
    # JSON may carry 9007199254740993 exactly, but a double cannot, so sending it back is
    # refused with a clear error rather than silently rounded.
    try:
        dumps(unstructure(obj))
    except ValueError as exc:
        refused = str(exc)
    else:
        return
    assert "cannot be sent exactly as a JSON number" in refused


SEED = fixture("seed002_checkout.json")
OPENAPI = fixture("openapi_examples.json")


@settings(max_examples=200, deadline=None)
@given(json_values | json_objects | mutations(SEED) | mutations(OPENAPI["Checkout"]))
def test_checkout_decodes_or_raises_decode_error(data: Any) -> None:
    _decodes_or_decode_error(data, Checkout)


@settings(max_examples=200, deadline=None)
@given(
    json_values
    | st.fixed_dictionaries({"hasMore": json_values, "data": st.lists(json_objects, max_size=2)})
    | mutations({"hasMore": False, "data": [SEED]})
    | mutations(OPENAPI["ListCheckoutsResponse"])
)
def test_checkout_list_decodes_or_raises_decode_error(data: Any) -> None:
    _decodes_or_decode_error(data, CheckoutList)


@settings(max_examples=200, deadline=None)
@given(
    json_values
    | json_objects
    | mutations(OPENAPI["Source"])
    | mutations(SEED["payment"]["sources"][0])
)
def test_source_decodes_or_raises_decode_error(data: Any) -> None:
    _decodes_or_decode_error(data, Source)


@settings(max_examples=200, deadline=None)
@given(json_values | json_objects | mutations(fixture("dr_error_examples.json")[0]))
def test_error_body_decodes_or_raises_decode_error(data: Any) -> None:
    _decodes_or_decode_error(data, DigitalRiverErrorBody)


# --- 7. Datetimes ----------------------------------------------------------------------


def _created(text: str) -> datetime:
    created = structure({"createdTime": text}, Checkout).created_time
    assert isinstance(created, datetime)
    return created


def test_z_is_utc() -> None:
    created = _created("2021-03-23T17:34:17Z")
    assert created == datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)
    assert created.tzinfo is not None
    assert created.utcoffset() == timedelta(0)
    assert _created("2021-03-23T17:34:17z") == created
    assert _created("2021-03-23T17:34:17.250Z") == created + timedelta(milliseconds=250)


def test_explicit_offset_is_kept() -> None:
    created = _created("2021-03-23T17:34:17+02:00")
    assert created.utcoffset() == timedelta(hours=2)
    assert created == datetime(2021, 3, 23, 15, 34, 17, tzinfo=UTC)
    assert unstructure(Checkout(created_time=created)) == {
        "createdTime": "2021-03-23T17:34:17+02:00"
    }


def test_naive_string_is_taken_as_utc() -> None:
    created = _created("2021-03-23T17:34:17")
    assert created.tzinfo is not None
    assert created == datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)


def test_aware_utc_is_written_with_z() -> None:
    moment = datetime(2021, 3, 23, 17, 34, 17, tzinfo=UTC)
    assert unstructure(moment) == "2021-03-23T17:34:17Z"
    assert unstructure(Checkout(created_time=moment)) == {"createdTime": "2021-03-23T17:34:17Z"}
    assert unstructure(moment + timedelta(microseconds=5)) == "2021-03-23T17:34:17.000005Z"
    assert unstructure(datetime(2021, 3, 23, tzinfo=timezone(timedelta(0)))) == (
        "2021-03-23T00:00:00Z"
    )
    subscription = SubscriptionInfo(start_time=moment, end_time=None)
    assert unstructure(subscription) == {"startTime": "2021-03-23T17:34:17Z", "endTime": None}


def test_naive_datetime_is_refused_on_the_way_out() -> None:
    naive = datetime(2021, 3, 23, 17, 34, 17)
    with pytest.raises(ValueError, match="naive"):
        unstructure(naive)
    with pytest.raises(ValueError, match="naive"):
        unstructure(Checkout(created_time=naive))
    with pytest.raises(ValueError, match="naive"):
        unstructure(
            CheckoutUpdate(
                items=[ItemUpdate(id="l1", subscription_info=SubscriptionInfo(end_time=naive))]
            )
        )


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(timezones=st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m))))
)
def test_aware_datetimes_round_trip(moment: datetime) -> None:
    # Fixed offsets, as on the wire (a zone's DST gaps make "==" across zones unreliable).
    text = unstructure(moment)
    back = _created(text)
    assert back == moment
    assert back.utcoffset() == moment.utcoffset()


@pytest.mark.parametrize("text", [b'{"quantity": 1e999999999}', b'{"quantity": 1e40}'])
def test_an_absurd_integer_is_refused_quickly(text: bytes) -> None:
    # int(Decimal("1e999999999")) would run for hours: a hostile body must not hang decoding.
    with pytest.raises(DecodeError, match="quantity"):
        structure(loads(text), Item)


def test_models_compare_by_value_and_are_unhashable() -> None:
    def item(**changes: object) -> models.Item:
        fields: dict[str, Any] = {"sku_id": "sku_1", "quantity": 2, "price": Decimal("1.10")}
        return models.Item(**{**fields, **changes})

    assert item() == item()
    assert item() != item(quantity=3)
    assert item() != item(extra_fields={"new": 1})
    assert item(price=Decimal("1.1")) == item()  # Decimal equality: 1.1 == 1.10
    assert models.Item() == models.Item()
    # Same fields, another class: never equal (as attrs' own __eq__ behaves).
    assert models.AdditionalAddressInfo() != models.AdditionalBillingAddressInfo()
    assert item() != ("sku_1", 2)
    with pytest.raises(TypeError):
        hash(item())
