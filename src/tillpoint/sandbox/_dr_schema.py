"""A small validator for Digital River request bodies.

Digital River reports the *first* problem it finds as a 400 with a single
entry in ``errors[]`` (contract §4.3), so these nodes raise :class:`ApiError`
instead of collecting a list:

* a key the schema does not know -> ``unknown_parameter`` with the bare key as
  ``parameter`` and ``'<key>' is an unknown parameter.`` (the documented
  ``price``-on-update example names the key alone, not its path);
* a required key that is absent or ``null`` -> ``missing_parameter`` with the
  dotted path (``shipTo.address.country``, ``items[0].price``);
* a value of the wrong JSON type or outside an enum -> ``invalid_parameter``.

Values come from ``json.loads(..., parse_float=Decimal)`` so JSON fractions
arrive as :class:`~decimal.Decimal`.  Validation returns a normalised copy in
which ``null`` members are dropped (DR treats ``null`` like "not sent").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ._errors import ApiError, dr_bad_request

__all__ = [
    "ADDRESS",
    "Anything",
    "Array",
    "Boolean",
    "Choice",
    "IdLike",
    "Integer",
    "Metadata",
    "Node",
    "Number",
    "Object",
    "Text",
    "describe",
    "invalid",
    "is_number",
    "missing",
    "unknown",
]


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is True:
        return "'true'"
    if value is False:
        return "'false'"
    return f"'{value}'"


def invalid(path: str, value: Any, message: str | None = None) -> ApiError:
    return dr_bad_request(
        "invalid_parameter",
        message or f"{describe(value)} is not a valid value for '{path}'.",
        path,
    )


def missing(path: str) -> ApiError:
    return dr_bad_request("missing_parameter", "A parameter is missing.", path)


def unknown(key: str) -> ApiError:
    return dr_bad_request("unknown_parameter", f"'{key}' is an unknown parameter.", key)


def is_number(value: Any) -> bool:
    """JSON numbers only: ``bool`` is an ``int`` subclass but not a number here."""
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Node:
    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError


class Anything(Node):
    def check(self, value: Any, path: str) -> Any:
        return value


class Text(Node):
    def __init__(self, max_length: int | None = None) -> None:
        self.max_length = max_length

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise invalid(path, value)
        if self.max_length is not None and len(value) > self.max_length:
            raise invalid(path, value, f"'{path}' must be at most {self.max_length} characters.")
        return value


class IdLike(Node):
    """An identifier DR accepts as a string or a bare number (SEED-002 sends
    ``"customerId": 529861350336`` and gets ``"530359580336"`` back)."""

    def check(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise invalid(path, value)


class Number(Node):
    def __init__(self, minimum: Decimal | None = None) -> None:
        self.minimum = minimum

    def check(self, value: Any, path: str) -> Any:
        if not is_number(value):
            raise invalid(path, value)
        number = Decimal(value)
        if not number.is_finite():
            raise invalid(path, value)
        if self.minimum is not None and number < self.minimum:
            raise invalid(path, value, f"'{path}' must be greater than or equal to {self.minimum}.")
        return number


class Integer(Node):
    """A JSON integer.  ``2.0`` is rejected on purpose: the SDK should send ``2``."""

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid(path, value)
        if self.minimum is not None and value < self.minimum:
            raise invalid(path, value, f"'{path}' must be an integer of at least {self.minimum}.")
        return value


class Boolean(Node):
    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            raise invalid(path, value)
        return value


class Choice(Node):
    def __init__(self, *values: str) -> None:
        self.values = values

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, str) or value not in self.values:
            raise invalid(path, value)
        return value


class Array(Node):
    def __init__(self, item: Node) -> None:
        self.item = item

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise invalid(path, value)
        return [self.item.check(element, f"{path}[{index}]") for index, element in enumerate(value)]


class Object(Node):
    def __init__(self, fields: Mapping[str, Node], required: Iterable[str] = ()) -> None:
        self.fields = dict(fields)
        self.required = tuple(required)

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise invalid(path, value)
        for key in value:
            if key not in self.fields:
                raise unknown(key)
        for key in self.required:
            if value.get(key) is None:
                raise missing(join(path, key))
        result: dict[str, Any] = {}
        for key, node in self.fields.items():
            if value.get(key) is not None:
                result[key] = node.check(value[key], join(path, key))
        return result


class Metadata(Node):
    """DR metadata rules (contract §2): at most 20 keys of at most 40
    characters; values are strings (at most 500 characters), booleans or integers."""

    def check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise invalid(path, value)
        if len(value) > 20:
            raise dr_bad_request(
                "too_many_metadata_pairs", "Metadata can have at most 20 key-value pairs.", path
            )
        for key, item in value.items():
            if not key or len(key) > 40:
                raise dr_bad_request(
                    "invalid_metadata_key",
                    f"Metadata key '{key}' must be between 1 and 40 characters.",
                    join(path, key),
                )
            valid = (
                (isinstance(item, str) and len(item) <= 500)
                or isinstance(item, bool)
                or isinstance(item, int)
            )
            if not valid:
                raise dr_bad_request(
                    "invalid_metadata_value",
                    f"Metadata value for '{key}' must be a string of at most 500 characters, "
                    "a boolean or an integer.",
                    join(path, key),
                )
        return dict(value)


ADDRESS = Object(
    {
        "line1": Text(),
        "line2": Text(),
        "city": Text(),
        "postalCode": Text(),
        "state": Text(),
        "country": Text(),
    },
    required=("country",),
)
"""Digital River's ``Address``, shared by checkouts and sources."""
