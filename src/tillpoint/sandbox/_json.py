"""JSON in and out.

Requests are parsed with ``parse_float=Decimal`` so DR money never becomes a
binary float on the way in.  On the way out, money has already been converted
to ``float`` by :func:`._money.as_json_number`; any other ``Decimal`` that is
merely echoed (``productDetails.weight``, say) is written as a JSON number too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = ["NotJson", "dumps", "loads"]


class NotJson:
    """What :func:`loads` returns for a body that is not valid JSON."""

    def __init__(self, error: json.JSONDecodeError | UnicodeDecodeError) -> None:
        self.error = error


def loads(raw: bytes) -> Any:
    """Parse a request body; returns a :class:`NotJson` instead of raising."""
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return NotJson(error)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )
