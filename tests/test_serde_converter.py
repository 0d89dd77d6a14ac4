"""Decoding goes through the one cattrs converter that encodes, and its validation
errors come back as one DecodeError naming JSON paths."""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import _serde, models
from tillpoint._serde import DecodeError, structure
from tillpoint.models import UNSET, Checkout, CheckoutList, Unset
from tillpoint.models._base import DigitalRiverModel, Model

SRC = Path(_serde.__file__).parent


def test_the_package_has_no_exec_or_eval() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(exec|eval)\(", line)
    ]
    assert offenders == []


def test_structure_is_the_converters_own() -> None:
    data = {"id": "c1", "totalAmount": Decimal("1.5"), "items": [{"quantity": 2}]}
    via_converter = _serde.converter.structure(data, Checkout)
    assert via_converter == structure(data, Checkout)
    assert via_converter.total_amount == Decimal("1.5")
    # The class's function is one cattrs generated.
    hook = _serde.converter.get_structure_hook(Checkout)
    assert hook(data, Checkout) == via_converter


def _not_negative(_: object, __: object, value: object) -> None:
    if isinstance(value, Decimal) and value < 0:
        raise ValueError("amount must not be negative")


@attrs.define(kw_only=True, repr=False, eq=False)
class Refund(DigitalRiverModel):
    """A model with a validator, as the request models have on money."""

    amount: Decimal | Unset | None = attrs.field(default=UNSET, validator=_not_negative)


def test_models_are_built_through_their_init_so_validators_run() -> None:
    assert structure({"amount": Decimal(3)}, Refund).amount == Decimal(3)
    assert structure({}, Refund).amount is UNSET
    with pytest.raises(DecodeError, match="Refund: amount must not be negative"):
        structure({"amount": Decimal(-1)}, Refund)


def test_every_problem_is_named_up_to_a_few() -> None:
    data = {"totalAmount": "1", "items": [{"price": "x"} for _ in range(6)]}
    with pytest.raises(DecodeError) as info:
        structure(data, Checkout)
    message = str(info.value)
    assert message.startswith("Checkout.totalAmount: expected a number, got str; ")
    assert "Checkout.items[0].price: expected a number, got str" in message
    assert "Checkout.items[1].price" in message
    assert "Checkout.items[2].price" not in message
    assert message.endswith("(and 4 more)")


def test_a_failure_leaves_the_hooks_working() -> None:
    bad = {"hasMore": True, "data": [{"id": "c1"}, {"id": 7}]}
    messages = []
    for _ in range(2):  # the second failure reuses the detailed function the first made
        with pytest.raises(DecodeError) as info:
            structure(bad, CheckoutList)
        messages.append(str(info.value))
    assert messages == ["CheckoutList.data[1].id: expected a string, got int"] * 2
    page = structure({"hasMore": False, "data": [{"id": "c1"}]}, CheckoutList)
    assert [c.id for c in page.data] == ["c1"]


def test_unknown_fields_survive_at_every_level() -> None:
    data = {"id": "c1", "future": 1, "items": [{"skuId": "s", "future": {"x": 2}}]}
    checkout = structure(data, Checkout)
    assert checkout.extra_fields == {"future": 1}
    assert isinstance(checkout.items, list)
    assert checkout.items[0].extra_fields == {"future": {"x": 2}}
    assert _serde.unstructure(checkout) == data


MODELS = sorted(
    {
        value
        for name in models.__all__
        if isinstance(value := getattr(models, name), type) and issubclass(value, Model)
    },
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_field_types_are_typings_own(cls: type[Model]) -> None:
    expected = typing.get_type_hints(cls)
    resolved = _serde._field_types(cls)
    assert set(resolved) == {a.name for a in attrs.fields(cls)}
    for name, t in resolved.items():
        assert t == expected[name], name
    # ...and stored as attrs.resolve_types stores them, so cattrs need not resolve again.
    _serde._resolve_types(cls)
    assert all(a.type == expected[a.name] for a in attrs.fields(cls))


def test_a_name_only_the_class_body_knows_falls_back_to_typing() -> None:
    @attrs.define(kw_only=True)
    class Local(Model):
        Alias = int
        count: Alias | None = None

    assert _serde._field_types(Local)["count"] == int | None
    assert structure({"count": 3}, Local).count == 3


@attrs.define(kw_only=True, repr=False, eq=False)
class Tagged(DigitalRiverModel):
    """Lists and free-form objects of every shape the models use."""

    tags: list[str] | Unset | None = UNSET
    counts: list[int] | Unset = UNSET
    labels: dict[str, str] | Unset | None = UNSET
    metadata: dict[str, str | int | bool] | Unset = UNSET


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=3), st.integers(), st.booleans(), st.none())))
def test_a_list_of_strings_decodes_iff_every_item_is_one(items: list[Any]) -> None:
    data = {"tags": items}
    if all(type(item) is str for item in items):
        tagged = structure(data, Tagged)
        assert tagged.tags == items
        assert tagged.tags is not items  # a list of its own, as cattrs' hook would give
    else:
        index = next(i for i, item in enumerate(items) if type(item) is not str)
        with pytest.raises(DecodeError, match=rf"^Tagged\.tags\[{index}\]: expected a string"):
            structure(data, Tagged)


def test_a_list_item_is_converted_or_refused_by_its_own_hook() -> None:
    assert structure({"counts": [1, Decimal("2.0")]}, Tagged).counts == [1, 2]
    with pytest.raises(DecodeError, match=r"^Tagged\.counts\[1\]: expected an integer"):
        structure({"counts": [1, True]}, Tagged)


def test_null_lists_and_objects_are_none_only_where_null_is_allowed() -> None:
    nulls = structure({"tags": None, "labels": None}, Tagged)
    assert (nulls.tags, nulls.labels) == (None, None)
    with pytest.raises(DecodeError, match=r"^Tagged\.counts: null is not allowed here"):
        structure({"counts": None}, Tagged)
    with pytest.raises(DecodeError, match=r"^Tagged\.metadata: null is not allowed here"):
        structure({"metadata": None}, Tagged)
    with pytest.raises(DecodeError, match=r"^Tagged\.tags: expected an array, got dict"):
        structure({"tags": {"a": "b"}}, Tagged)


def test_free_form_objects_check_their_values_kinds() -> None:
    metadata = {"s": "x", "n": 1, "b": True, "d": Decimal("1.5")}
    assert structure({"metadata": metadata, "labels": {"a": "b"}}, Tagged).metadata == metadata
    with pytest.raises(DecodeError, match=r"^Tagged\.labels: 'a': int is not allowed here"):
        structure({"labels": {"a": 1}}, Tagged)
    with pytest.raises(DecodeError, match=r"^Tagged\.metadata: 'x': list is not allowed here"):
        structure({"metadata": {"x": []}}, Tagged)


def test_a_bad_date_time_is_quoted_as_it_came() -> None:
    with pytest.raises(DecodeError, match=r"'yesterdayZ' is not an ISO 8601 date-time"):
        structure({"createdTime": "yesterdayZ"}, Checkout)
