"""Query parameters, declared: each knows its wire name, what it takes and how it is written.

An ``Operation`` lists its parameters by Python name; ``encode`` turns a caller's value
into ``(wire name, text)`` pairs, or refuses it with ``InvalidRequestError`` naming the
wire name. ``None`` always means "not sent" and never reaches a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Literal

import attrs

from ..errors import InvalidRequestError

__all__ = ["Integer", "QueryParameter", "Range", "RangeOperator", "Text", "TextList"]

RangeOperator = Literal["eq", "gt", "gte", "lt", "lte"]
"""The comparisons a ``Range`` parameter takes."""

_OPERATORS: frozenset[str] = frozenset(("eq", "gt", "gte", "lt", "lte"))

Pairs = list[tuple[str, str]]


@attrs.frozen
class Text:
    """A single string, sent as ``wire=value``."""

    wire: str
    non_blank: bool = False
    """Refuse an empty or all-blank string (cursors and ids)."""

    def encode(self, value: object) -> Pairs:
        if not isinstance(value, str) or (self.non_blank and not value.strip()):
            need = "a non-empty string" if self.non_blank else "a string"
            raise InvalidRequestError(f"{self.wire} must be {need}", parameter=self.wire)
        return [(self.wire, value)]


@attrs.frozen
class Integer:
    """An integer within ``minimum``–``maximum`` (a bool is not one)."""

    wire: str
    minimum: int
    maximum: int

    def encode(self, value: object) -> Pairs:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not self.minimum <= value <= self.maximum
        ):
            raise InvalidRequestError(
                f"{self.wire} must be an integer from {self.minimum} to {self.maximum}, "
                f"got {value!r}",
                parameter=self.wire,
            )
        return [(self.wire, str(value))]


@attrs.frozen
class TextList:
    """A list of non-empty strings, OpenAPI's form style with explode: ``ids=a&ids=b``."""

    wire: str

    def encode(self, value: object) -> Pairs:
        values = _strings(value)
        if values is None:
            raise InvalidRequestError(
                f"{self.wire} must be a list of non-empty strings", parameter=self.wire
            )
        return [(self.wire, v) for v in values]


@attrs.frozen
class Range:
    """A value (equality) or a mapping of comparisons such as ``{"gte": a, "lt": b}``, of
    datetimes or of Decimals, sent in OpenAPI's deepObject style: ``wire[gte]=…``."""

    wire: str
    of: type[datetime] | type[Decimal]

    def encode(self, value: object) -> Pairs:
        conditions = value.items() if isinstance(value, Mapping) else [("eq", value)]
        pairs: Pairs = []
        for operator, bound in conditions:
            if operator not in _OPERATORS:
                raise InvalidRequestError(
                    f"{self.wire} takes eq, gt, gte, lt or lte, not {operator!r}",
                    parameter=self.wire,
                )
            pairs.append((f"{self.wire}[{operator}]", self._text(operator, bound)))
        return pairs

    def _text(self, operator: str, bound: object) -> str:
        if self.of is datetime and isinstance(bound, datetime):
            return _whole_second(bound, operator, self.wire)
        # Money is exact: a Decimal or an int, never a float (nor a bool).
        if self.of is Decimal and isinstance(bound, (Decimal, int)) and not isinstance(bound, bool):
            return str(bound)
        raise InvalidRequestError(
            f"{self.wire} values must be {self.of.__name__}s", parameter=self.wire
        )


_ONE_SECOND = timedelta(seconds=1)

# Digital River writes every time in UTC to the whole second, so a bound with a
# fraction can move to a whole second without changing which records it matches:
# "at or after 5.3" is "at or after 6", "before 5.3" is "before 6" (round up);
# "after 5.3" is "after 5", "at or before 5.3" is "at or before 5" (round down).
# No whole second equals 5.3, so an ``eq`` with a fraction would match nothing.
_ROUNDS_UP: frozenset[str] = frozenset(("gte", "lt"))


def _whole_second(moment: datetime, operator: str, wire: str) -> str:
    """``moment`` as Digital River writes time: UTC, whole seconds, ``Z``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidRequestError(
            f"{wire}: {moment!r} is naive; use a timezone-aware datetime "
            "(tillpoint will not guess its time zone)",
            parameter=wire,
        )
    try:
        utc = moment.astimezone(timezone.utc)
        if utc.microsecond:
            if operator == "eq":
                raise InvalidRequestError(
                    f"{wire}: eq {moment.isoformat()} has a fraction of a second, but Digital "
                    "River records whole seconds, so it would match nothing",
                    parameter=wire,
                )
            utc = utc.replace(microsecond=0)
            if operator in _ROUNDS_UP:
                utc += _ONE_SECOND
    except OverflowError:  # the conversion or the rounding left years 1-9999
        raise InvalidRequestError(
            f"{wire}: {moment.isoformat()} is out of range in UTC", parameter=wire
        ) from None
    return utc.replace(tzinfo=None).isoformat() + "Z"


QueryParameter = Text | Integer | TextList | Range
"""Every kind of query parameter an operation can declare."""


def _strings(value: object) -> list[str] | None:
    # A str is iterable too: refuse it rather than send one parameter per character.
    if isinstance(value, (str, bytes)):
        return None
    try:
        values = list(value)  # type: ignore[call-overload]
    except TypeError:
        return None
    return values if all(isinstance(v, str) and v for v in values) else None
