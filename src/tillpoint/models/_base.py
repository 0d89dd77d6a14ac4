"""What every wire model shares: the ``UNSET`` sentinel and the ``Model`` base.

A field has three states: ``UNSET`` (never set: not sent, and absent from the
server's JSON), ``None`` (sent as ``null``) and a value. Fields the server sends
that this version of tillpoint does not know land in ``extra_fields`` and are
written back out on re-serialisation, so nothing a newer API adds is lost.
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar, Final, Literal

import attrs

__all__ = ["UNSET", "DigitalRiverModel", "Gr4vyModel", "Model", "Unset"]


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
        shown = [
            f"{a.name}={getattr(self, a.name)!r}"
            for a in attrs.fields(type(self))
            if a.name != "extra_fields" and getattr(self, a.name) is not UNSET
        ]
        if self.extra_fields:
            shown.append(f"extra_fields={self.extra_fields!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


@attrs.define(kw_only=True, repr=False, eq=False)
class DigitalRiverModel(Model):
    """A Digital River object: snake_case in Python, camelCase on the wire."""


@attrs.define(kw_only=True, repr=False, eq=False)
class Gr4vyModel(Model):
    """A Gr4vy object: snake_case in Python and on the wire."""

    wire_case: ClassVar[Literal["camel", "snake"]] = "snake"
