"""What every wire model shares: the ``UNSET`` sentinel and the ``Model`` base.

A field has three states: ``UNSET`` (never set: not sent, and absent from the
server's JSON), ``None`` (sent as ``null``) and a value. Fields the server sends
that this version of tillpoint does not know land in ``extra_fields`` and are
written back out on re-serialisation, so nothing a newer API adds is lost.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final, Literal, cast

import attrs

from .._json_number import exact_json_number

__all__ = [
    "UNSET",
    "DigitalRiverModel",
    "Gr4vyModel",
    "Model",
    "Unset",
    "as_decimal",
    "brief_repr",
    "int_to_decimal",
]


class _UnsetType(enum.Enum):
    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _UnsetType.UNSET
"""The value of a field that was never set; it is left out of the JSON."""

Unset = Literal[_UnsetType.UNSET]
"""The type of ``UNSET``, for annotations: ``email: str | None | Unset = UNSET``."""


@attrs.define(kw_only=True, repr=False, eq=False)
class Model:
    """Base of every wire model: unknown fields, and a repr that shows only what is set."""

    wire_case: ClassVar[Literal["camel", "snake"]] = "camel"

    extra_fields: dict[str, Any] = attrs.field(factory=dict)
    """Fields from the wire this version does not model; sent back as they came."""

    # One generic __eq__ here instead of attrs generating (and compiling) one per model
    # class (eq=False on each): it halves what a cold start spends building the models.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, a.name) == getattr(other, a.name) for a in self.__attrs_attrs__)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable

    def __repr__(self) -> str:
        return _shown(self, repr)


def brief_repr(value: object) -> str:
    """``repr(value)`` for a model, one level deep: nested models and lists summarised.

    What a result's repr shows. On CPython 3.11 ``asyncio.run`` formats its
    coroutine's result three times on the way out (restoring the SIGINT handler
    formats the handler, which holds the main task and so its result): the full
    repr of a checkout is 11.6 KB and 240 µs, this one a few hundred bytes and about
    20 µs. The model's own repr (``result.value``) still shows everything.
    """
    if not isinstance(value, Model):
        return repr(value)
    return _shown(value, _in_brief)


def _in_brief(field: object) -> str:
    if isinstance(field, Model):
        return f"{type(field).__name__}(...)"
    if isinstance(field, list):
        return f"<{len(field)} items>"
    if isinstance(field, dict):
        return f"<{len(field)} keys>"
    return repr(field)


def _shown(model: Model, render: Callable[[Any], str]) -> str:
    """``Model(name=value, …)``: every field set, then ``extra_fields`` if any, each value
    as ``render`` shows it."""
    shown = [
        f"{a.name}={render(getattr(model, a.name))}"
        for a in model.__attrs_attrs__
        if a.name != "extra_fields" and getattr(model, a.name) is not UNSET
    ]
    if model.extra_fields:
        shown.append(f"extra_fields={render(model.extra_fields)}")
    return f"{type(model).__name__}({', '.join(shown)})"


@attrs.define(kw_only=True, repr=False, eq=False)
class DigitalRiverModel(Model):
    """A Digital River object: snake_case in Python, camelCase on the wire."""


@attrs.define(kw_only=True, repr=False, eq=False)
class Gr4vyModel(Model):
    """A Gr4vy object: snake_case in Python and on the wire."""

    wire_case: ClassVar[Literal["camel", "snake"]] = "snake"


# --- decimal fields in requests ---------------------------------------------------


def int_to_decimal(value: Decimal | int | Unset | None) -> Decimal | Unset | None:
    """Converter of a request's decimal fields: an ``int`` becomes the same ``Decimal``.

    Its signature is what mypy shows for the field, so ``price=10`` type-checks and
    ``price=0.1`` does not. Any other type is left as it came, for the request check
    (``as_decimal``), which knows the field's name, to refuse.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return cast("Decimal | Unset | None", value)


def as_decimal(value: object, where: str) -> Decimal:
    """The exact ``Decimal`` a request field holds, or a refusal naming ``where``.

    A float is refused rather than converted: ``0.1 + 0.2`` is 0.30000000000000004,
    and which nearby decimal was meant only the caller knows. A numeric string is
    refused too (one rule: a decimal field holds a ``Decimal``), with the fix spelled out.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: {value} is not a finite amount")
        try:
            exact_json_number(value)  # refused now, not when the body is encoded
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where}: {value} is not a finite amount")
        raise TypeError(
            f"{where}: {value!r} is a float, which cannot hold a decimal amount exactly; "
            f'pass a Decimal made from a string: Decimal("{_nearest_cents(value)}")'
        )
    if isinstance(value, str):
        try:
            Decimal(value)
        except InvalidOperation:
            pass
        else:
            raise TypeError(
                f'{where}: {value!r} is a string; pass a Decimal: Decimal("{value.strip()}")'
            )
    raise TypeError(f"{where}: expected a Decimal (or an int), got {type(value).__name__}")


def _nearest_cents(value: float) -> str:
    """What a float most likely meant: to the cent when that is within rounding noise."""
    cents = f"{value:.2f}"
    return cents if abs(float(cents) - value) < 1e-9 else repr(value)
