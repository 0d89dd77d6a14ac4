"""Request models: their own types, copies from responses, and mistakes refused when built."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import models
from tillpoint._serde import dumps, unstructure
from tillpoint.models import UNSET

from .model_strategies import every_part

RESPONSE_ONLY_ITEM_KEYS = {
    "id", "amount", "tax", "fees", "duties", "importerTax", "shipping", "sellerTaxIdentifier",
}  # fmt: skip


def sent(body: models.Model) -> Any:
    import json

    return json.loads(dumps(unstructure(body)))


def fetched_item() -> models.CheckoutItem:
    return models.CheckoutItem(
        id="line_1",
        sku_id="sku_1",
        quantity=2,
        amount=Decimal("20.00"),
        tax=models.Tax(rate=Decimal("0.07"), amount=Decimal("1.40")),
        fees=models.Fees(amount=Decimal(0), tax_amount=Decimal(0)),
        duties=models.Duties(amount=Decimal(0)),
        importer_tax=models.ImporterTax(amount=Decimal(0)),
        shipping=models.ItemShipping(amount=Decimal(1)),
        seller_tax_identifier="IE6426071C",
        discount=models.ItemDiscount(percent_off=Decimal(10), quantity=1),
        ship_from=models.ShipFrom(address=models.Address(country="US", extra_fields={"new": 1})),
        metadata={"gift": True},
        extra_fields={"availableToRefundAmount": 0},
    )


# --- copies from responses -------------------------------------------------------------


def test_item_from_response_keeps_only_what_a_create_may_carry() -> None:
    item = models.Item.from_response(fetched_item(), price=Decimal("10.00"))
    assert sent(item) == {
        "skuId": "sku_1",
        "quantity": 2,
        "price": 10,
        "discount": {"percentOff": 10, "quantity": 1},
        "shipFrom": {"address": {"country": "US"}},  # unknown fields are not sent back
        "metadata": {"gift": True},
    }


def test_item_update_from_response_keeps_the_id_and_what_may_change() -> None:
    assert sent(models.ItemUpdate.from_response(fetched_item())) == {
        "id": "line_1",
        "shipFrom": {"address": {"country": "US"}},
        "metadata": {"gift": True},
    }


def test_a_copy_shares_nothing_with_the_response() -> None:
    line = fetched_item()
    item = models.Item.from_response(line)
    assert item.ship_from == models.ShipFrom(address=models.Address(country="US"))
    assert item.ship_from is not line.ship_from
    assert isinstance(line.ship_from, models.ShipFrom)
    assert line.ship_from.address.extra_fields == {"new": 1}  # type: ignore[union-attr]


def test_shipping_choice_and_tax_identifiers_from_response() -> None:
    choice = models.ShippingChoice(
        id="ship_1", amount=Decimal("5"), tax_amount=Decimal("0.35"), shipping_terms="DDP"
    )
    assert sent(models.ShippingChoiceRequest.from_response(choice)) == {
        "id": "ship_1",
        "amount": 5,
        "shippingTerms": "DDP",
    }
    identifier = models.TaxIdentifier(
        id="tax_1", type="de", value="DE123", state="verified", customer_id="c1"
    )
    assert sent(models.TaxIdentifierRequest.from_response(identifier)) == {"id": "tax_1"}


def test_parts_of_a_fetched_checkout_can_be_put_straight_into_a_body() -> None:
    checkout = models.Checkout(
        id="co_1",
        currency="USD",
        items=[fetched_item()],
        shipping_choice=models.ShippingChoice(amount=Decimal(5), tax_amount=Decimal("0.3")),
        tax_identifiers=[models.TaxIdentifier(id="tax_1", state="verified")],
        ship_to=models.ShipTo(name="Ann", address=models.Address(country="US")),
    )
    create = models.CheckoutCreate(
        currency="USD",
        items=checkout.items,  # type: ignore[arg-type]  # what mypy flags, run time copes with
        shipping_choice=checkout.shipping_choice,  # type: ignore[arg-type]
        tax_identifiers=checkout.tax_identifiers,  # type: ignore[arg-type]
        ship_to=checkout.ship_to,
    )
    body = sent(create)
    assert not RESPONSE_ONLY_ITEM_KEYS & set(body["items"][0])
    assert body["shippingChoice"] == {"amount": 5}
    assert body["taxIdentifiers"] == [{"id": "tax_1"}]
    update = models.CheckoutUpdate(items=checkout.items)  # type: ignore[arg-type]
    assert sent(update)["items"] == [
        {"id": "line_1", "shipFrom": {"address": {"country": "US"}}, "metadata": {"gift": True}}
    ]
    assert isinstance(create.items, list) and isinstance(create.items[0], models.Item)


def test_a_whole_checkout_or_session_can_be_copied() -> None:
    checkout = models.Checkout(id="co_1", currency="USD", items=[fetched_item()], live_mode=False)
    assert sent(models.CheckoutCreate.from_response(checkout, upstream_id="u2")) == {
        "currency": "USD",
        "items": [sent(models.Item.from_response(fetched_item()))],
        "upstreamId": "u2",
    }
    session = models.CheckoutSession(
        id="s1",
        expires_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        amount=1299,
        currency="USD",
        cart_items=[models.CartItem(name="Keyboard", quantity=1, unit_amount=1299)],
    )
    assert sent(models.CheckoutSessionCreate.from_response(session, amount=1399)) == {
        "amount": 1399,
        "currency": "USD",
        "cart_items": [{"name": "Keyboard", "quantity": 1, "unit_amount": 1299}],
    }


def test_from_response_takes_only_its_response_model() -> None:
    with pytest.raises(TypeError, match=r"Item\.from_response takes a CheckoutItem, got ShipTo"):
        models.Item.from_response(models.ShipTo())  # type: ignore[arg-type]


# --- money -----------------------------------------------------------------------------


def test_a_float_price_is_refused_naming_the_field_and_the_fix() -> None:
    with pytest.raises(TypeError) as caught:
        models.Item(sku_id="s", price=0.1 + 0.2)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "Item.price: 0.30000000000000004 is a float, which cannot hold a decimal amount "
        'exactly; pass a Decimal made from a string: Decimal("0.30")'
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price": "10.10"}, r"Item\.price: '10\.10' is a string; pass a Decimal: "
                             r'Decimal\("10\.10"\)'),
        ({"price": True}, r"Item\.price: expected a Decimal \(or an int\), got bool"),
        ({"price": "ten"}, r"Item\.price: expected a Decimal \(or an int\), got str"),
        ({"aggregate_price": 19.98}, r'Item\.aggregate_price: .*Decimal\("19\.98"\)'),
        ({"discount": models.ItemDiscount(amount_off=0.5)},  # type: ignore[arg-type]
         r'Item\.discount\.amount_off: 0\.5 is a float.*Decimal\("0\.50"\)'),
        ({"product_details": {"weight": 1.5}},
         r'Item\.product_details\.weight: 1\.5 is a float.*Decimal\("1\.50"\)'),
    ],
)  # fmt: skip
def test_money_is_a_decimal_or_an_int(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        models.Item(sku_id="s", **fields)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("-Infinity"), float("inf")])
def test_non_finite_amounts_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match=r"ShippingChoiceRequest\.amount: .* not a finite amount"):
        models.ShippingChoiceRequest(amount=value)


def test_an_int_is_taken_exactly() -> None:
    item = models.Item(sku_id="s", price=10, aggregate_price=2**53)
    assert item.price == Decimal(10) and isinstance(item.price, Decimal)
    assert item.aggregate_price == Decimal(2**53)
    assert models.Discount(amount_off=3).amount_off == Decimal(3)


@pytest.mark.parametrize(
    "value", [2**53 + 1, Decimal(2**53 + 1), Decimal("0.1000000000000000000001"), Decimal("1E+400")]
)
def test_an_amount_no_json_number_carries_exactly_is_refused_when_built(value: Any) -> None:
    """The server reads a double: what would arrive changed is refused at once, naming
    the field, rather than when the body is encoded (found by hypothesis: 2**53 + 1)."""
    with pytest.raises(ValueError, match=r"^Item\.price: .* cannot be sent exactly"):
        models.Item(sku_id="s", price=value)


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_no_float_ever_reaches_the_wire(value: float) -> None:
    with pytest.raises(TypeError, match=r'CheckoutCreate\.items\[0\]\.price: .*Decimal\("'):
        models.CheckoutCreate(currency="USD", items=[{"sku_id": "s", "price": value}])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": 12.99}, r"CheckoutSessionCreate\.amount: expected int, got float 12\.99; "
                            r"Gr4vy amounts are integers in minor units"),
        ({"amount": True}, r"CheckoutSessionCreate\.amount: expected int, got bool"),
        ({"cart_items": [models.CartItem(name="k", quantity=1, unit_amount=12.5)]},  # type: ignore[arg-type]
         r"CheckoutSessionCreate\.cart_items\[0\]\.unit_amount: expected int, got float"),
        ({"cart_items": [{"name": "k", "quantity": 1, "unit_amount": Decimal("1.5")}]},
         r"cart_items\[0\]\.unit_amount: expected int, got Decimal"),
    ],
)  # fmt: skip
def test_gr4vy_amounts_are_ints(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        models.CheckoutSessionCreate(**fields)


# --- a dict where a model belongs -----------------------------------------------------


def test_a_dict_is_converted_into_the_model() -> None:
    body = models.CheckoutCreate(
        currency="USD",
        items=[{"sku_id": "s", "price": Decimal("9.99"), "discount": {"percent_off": 10}}],  # type: ignore[list-item]
        ship_to={"address": {"country": "US"}},  # type: ignore[arg-type]
    )
    assert body == models.CheckoutCreate(
        currency="USD",
        items=[
            models.Item(
                sku_id="s", price=Decimal("9.99"), discount=models.ItemDiscount(percent_off=10)
            )
        ],
        ship_to=models.ShipTo(address=models.Address(country="US")),
    )


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"items": [{"sku_id": "s", "price": 0.3}]}, TypeError,
         r'^CheckoutCreate\.items\[0\]\.price: 0\.3 is a float.*Decimal\("0\.30"\)$'),
        ({"items": [{"skuId": "s"}]}, TypeError,
         r"^CheckoutCreate\.items\[0\]: Item has no field 'skuId' \(did you mean 'sku_id'\?\)$"),
        ({"items": [{"sku_id": 5}]}, TypeError,
         r"^CheckoutCreate\.items\[0\]\.sku_id: expected str, got int 5$"),
        ({"items": [{"sku_id": "s", "quantity": "2"}]}, TypeError,
         r"^CheckoutCreate\.items\[0\]\.quantity: expected int, got str '2'$"),
        ({"items": {"sku_id": "s"}}, TypeError,
         r"^CheckoutCreate\.items: expected list, got dict$"),
        ({"items": ["sku_1"]}, TypeError,
         r"^CheckoutCreate\.items\[0\]: expected Item \(or a dict of its fields\), got str"),
        ({"ship_to": {"address": {"country": "US", "zip": "1"}}}, TypeError,
         r"^CheckoutCreate\.ship_to\.address: Address has no field 'zip'$"),
        ({"metadata": {"n": 1.5}}, TypeError,
         r"^CheckoutCreate\.metadata\['n'\]: expected str \| int \| bool, got float 1\.5$"),
        ({"ship_to": {"address": None, "name": None}, "email": None}, None, None),
    ],
)  # fmt: skip
def test_a_dict_is_converted_strictly(
    body: dict[str, Any], error: type[Exception] | None, message: str | None
) -> None:
    if error is None:
        assert models.CheckoutCreate(**body).ship_to == models.ShipTo(address=None, name=None)
        return
    with pytest.raises(error, match=message):
        models.CheckoutCreate(**body)


def test_a_required_field_missing_from_a_dict_is_named() -> None:
    with pytest.raises(TypeError, match=r"^CheckoutUpdate\.items\[1\]\.id is required$"):
        models.CheckoutUpdate(items=[{"id": "a"}, {"metadata": {}}])  # type: ignore[list-item]


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["sku_id", "price", "discount", "x", "id"]), inner)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(JUNK)
def test_any_junk_is_a_typed_refusal_or_a_body(junk: Any) -> None:
    """Never an AttributeError or a converter's traceback: a TypeError or ValueError
    that names where, or a body that encodes."""
    for build in (
        lambda: models.CheckoutCreate(currency="USD", items=junk),
        lambda: models.CheckoutCreate(currency="USD", items=[junk]),
        lambda: models.CheckoutUpdate(items=[junk], shipping_choice=junk),
    ):
        refusal: Exception | None = None
        try:
            body = build()
        except (TypeError, ValueError) as exc:
            refusal = exc
        if refusal is None:
            dumps(unstructure(body))
        else:
            assert re.match(r"^Checkout(Create|Update)\.\w+", str(refusal))


@settings(max_examples=30, deadline=None)
@given(every_part(models.CheckoutCreate))
def test_a_body_round_trips_through_its_own_dict_form(body: models.CheckoutCreate) -> None:
    """Everything a request model accepts as objects, it accepts as dicts of its fields."""

    def as_dicts(value: Any) -> Any:
        if isinstance(value, list):
            return [as_dicts(v) for v in value]
        if isinstance(value, models.Model):
            return {
                name: as_dicts(getattr(value, name))
                for name in (a.name for a in attrs.fields(type(value)))
                if name != "extra_fields" and getattr(value, name) is not UNSET
            }
        return value

    again = models.CheckoutCreate(**as_dicts(body))
    assert again == body


# --- types -----------------------------------------------------------------------------


@pytest.mark.slow  # runs mypy: seconds
def test_mypy_flags_a_response_model_in_a_request(mypy_flags: Any) -> None:
    flagged, out = mypy_flags(
        """
        from decimal import Decimal
        from tillpoint import models

        def copy(checkout: models.Checkout, line: models.CheckoutItem) -> None:
            assert isinstance(checkout.items, list)
            models.CheckoutCreate(currency="USD", items=checkout.items)
            models.CheckoutUpdate(shipping_choice=models.ShippingChoice())
            models.Item(sku_id="s", price=0.1)
            models.Item(sku_id="s", price=10)  # an int is fine
            models.CheckoutCreate(currency="USD", items=[models.Item.from_response(line)])
        """
    )
    assert flagged == [7, 8, 9], out
