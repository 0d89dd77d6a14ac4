"""Which ``Decimal`` a JSON number can carry exactly: one rule, for the models and the encoder.

A leaf module: request models refuse an amount the wire cannot carry when they are
built, and the encoder refuses it again when it writes one (a response model sent
back, say); both must agree on what "exactly" means.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["exact_json_number"]

_MAX_EXACT_INT = 2**53


def exact_json_number(value: Decimal) -> int | float:
    """The JSON number that carries ``value`` exactly, or ``ValueError`` saying why not.

    The server reads an IEEE double: an integer beyond 2**53, or a decimal whose
    nearest double is another number, would arrive changed.
    """
    if (
        value.is_finite()
        and value.adjusted() < 16
        and value.as_tuple().exponent >= 0  # type: ignore[operator]
        and abs(value) <= _MAX_EXACT_INT
    ):
        # int() of Decimal("1E+400") would build a 401-digit number: the checks
        # above bound it first. Decimal("10") goes out as 10, not 10.0.
        return int(value)
    number = float(value)
    # repr(float) is the shortest string that reads back as the same double, so a
    # Decimal survives exactly iff reading that string gives the Decimal back.
    if not value.is_finite() or Decimal(repr(number)) != value:
        raise ValueError(
            f"{value} cannot be sent exactly as a JSON number; "
            "round it (for example to 2 decimal places) first"
        )
    return number
