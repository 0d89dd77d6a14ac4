"""The decoder's fast annotation resolution agrees with ``typing.get_type_hints``."""

from __future__ import annotations

import typing

import attrs
import pytest

from tillpoint import _serde, models
from tillpoint.models._base import Model

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


def test_a_name_only_the_class_body_knows_falls_back_to_typing() -> None:
    @attrs.define(kw_only=True)
    class Local(Model):
        Alias = int
        count: Alias | None = None

    assert _serde._field_types(Local)["count"] == int | None
