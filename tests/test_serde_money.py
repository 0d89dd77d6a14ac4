"""Money is finite: a decoded Decimal is a number a double can hold, or a DecodeError
naming the field (so an operation returns ResponseValidationError naming it)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import Err, Ok, TillpointCore, errors
from tillpoint._serde import DecodeError, dumps, loads, structure, unstructure
from tillpoint.funcs import checkouts_get
from tillpoint.models import Checkout

# (JSON path as the message names it, a body with the value at that path)
MONEY_FIELDS: list[tuple[str, Any]] = [
    ("totalAmount", lambda v: {"totalAmount": v}),
    ("subtotal", lambda v: {"subtotal": v}),
    ("items[0].price", lambda v: {"items": [{"price": v}]}),
    ("items[1].tax.amount", lambda v: {"items": [{}, {"tax": {"amount": v}}]}),
    ("shippingChoice.amount", lambda v: {"shippingChoice": {"amount": v}}),
    ("payment.sources[0].amount", lambda v: {"payment": {"sources": [{"amount": v}]}}),
    (
        "payment.session.amountContributed",
        lambda v: {"payment": {"session": {"amountContributed": v}}},
    ),
]

NOT_MONEY = ["NaN", "Infinity", "-Infinity", "1e999999999", "-1e999999999", "1e309", "-2e308"]


def body_with(build: Any, literal: str) -> bytes:
    """The JSON text of a body holding ``literal`` (a JSON number or constant) at a path."""
    marker = "__VALUE__"
    return json.dumps(build(marker)).replace(f'"{marker}"', literal).encode()


@pytest.mark.parametrize("literal", NOT_MONEY)
@pytest.mark.parametrize(("path", "build"), MONEY_FIELDS, ids=[p for p, _ in MONEY_FIELDS])
def test_a_non_finite_or_oversized_amount_is_refused_naming_the_field(
    path: str, build: Any, literal: str
) -> None:
    with pytest.raises(DecodeError, match=re.escape(f"Checkout.{path}: ")):
        structure(loads(body_with(build, literal)), Checkout)


huge_exponents = st.integers(min_value=309, max_value=999_999_999)
oversized = st.builds(
    lambda sign, digits, exponent: f"{sign}{digits}e{exponent}",
    st.sampled_from(["", "-"]),
    st.integers(min_value=1, max_value=10**30),
    huge_exponents,
)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MONEY_FIELDS), oversized | st.sampled_from(NOT_MONEY[:3]))
def test_any_amount_beyond_a_double_is_refused(field: tuple[str, Any], literal: str) -> None:
    path, build = field
    with pytest.raises(DecodeError) as info:
        structure(loads(body_with(build, literal)), Checkout)
    assert f"Checkout.{path}: " in str(info.value)


finite_doubles = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MONEY_FIELDS), finite_doubles)
def test_every_finite_double_decodes_exactly_and_goes_back_out(
    field: tuple[str, Any], number: float
) -> None:
    _, build = field
    text = body_with(build, repr(number))
    checkout = structure(loads(text), Checkout)
    assert loads(dumps(unstructure(checkout))) == loads(text)


def test_json_constants_become_decimals_for_the_field_to_judge() -> None:
    # Python's parser accepts NaN/Infinity, which no JSON server should send; they
    # are parsed like any other number (a Decimal), never as a float.
    assert [type(x) for x in loads(b"[NaN, Infinity, -Infinity]")] == [Decimal] * 3


def test_the_largest_double_is_still_money() -> None:
    checkout = structure(loads(b'{"totalAmount": 1.7976931348623157e308}'), Checkout)
    assert checkout.total_amount == Decimal("1.7976931348623157e308")


@pytest.mark.anyio
@pytest.mark.parametrize("literal", ["NaN", "-Infinity", "1e999999999"])
async def test_an_operation_returns_a_response_validation_error_naming_the_field(
    core: TillpointCore, mock_api: respx.MockRouter, literal: str
) -> None:
    content = body_with(lambda v: {"id": "abc", "items": [{"tax": {"amount": v}}]}, literal)
    mock_api.get("/checkouts/abc").respond(200, content=content)

    result = await checkouts_get(core, "abc")

    assert not isinstance(result, Ok)
    assert isinstance(result, Err)
    assert isinstance(result.error, errors.ResponseValidationError)
    assert "Checkout.items[0].tax.amount" in str(result.error)
