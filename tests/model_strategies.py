"""Hypothesis strategies that build any model with every field set (never UNSET, never None)."""

from __future__ import annotations

import types
import typing
from datetime import timezone
from decimal import Decimal
from typing import Any, Union

import attrs
from hypothesis import strategies as st

from tillpoint.models import Model, Unset

__all__ = ["every_part"]

_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=6)
_SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: _TEXT,
    bool: st.booleans(),
    int: st.integers(1, 99),
    # Within every bound the spec puts on a number (percentOff: 0.01 to 100).
    Decimal: st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2),
    typing.Any: st.integers(0, 9),
}


def every_part(cls: type[Model]) -> st.SearchStrategy[Any]:
    """``cls`` with each field set, recursively (``extra_fields`` left empty)."""
    hints = typing.get_type_hints(cls)
    fields = {
        a.name: st.deferred(lambda t=hints[a.name]: _value(t))
        for a in attrs.fields(cls)
        if a.name != "extra_fields"
    }
    return st.builds(cls, **fields)


def _value(t: Any) -> st.SearchStrategy[Any]:
    if typing.get_origin(t) in (Union, types.UnionType):
        rest = [a for a in typing.get_args(t) if a is not type(None) and a != Unset]
        literals = [v for a in rest if typing.get_origin(a) is typing.Literal for v in a.__args__]
        if literals:  # an open enum: the documented values, which the spec's enums allow
            return st.sampled_from(literals)
        if len(rest) > 1:  # metadata values: str | int | bool
            return st.one_of([_value(a) for a in rest])
        (t,) = rest
    if t in _SCALARS:
        return _SCALARS[t]
    if typing.get_origin(t) is list:
        (item,) = typing.get_args(t)
        return st.lists(_value(item), min_size=1, max_size=2)
    if typing.get_origin(t) is dict:
        _, value = typing.get_args(t)
        return st.dictionaries(_TEXT, _value(value), min_size=1, max_size=2)
    if isinstance(t, type) and issubclass(t, Model):
        return every_part(t)
    if t.__name__ in ("datetime",):
        return st.datetimes(timezones=st.just(timezone.utc))
    if t.__name__ == "date":
        return st.dates()
    raise NotImplementedError(t)
