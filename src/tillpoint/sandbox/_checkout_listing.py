"""``GET /checkouts``: newest first, Digital River's cursors, every filter of contract §2.2.

* With both cursors, only ``endingBefore`` is used (contract §2).
* An unknown ``startingAfter``/``endingBefore`` id -> 400 ``invalid_parameter``
  naming the cursor; unknown query parameters -> 400 ``unknown_parameter``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ._checkout_model import DEFAULTS, Checkout
from ._clock import parse_iso_datetime
from ._dr_schema import invalid, unknown

__all__ = ["Page", "select_page"]


@dataclass(frozen=True)
class Page:
    checkouts: list[Checkout]
    has_more: bool


def select_page(checkouts: Iterable[Checkout], query: Iterable[tuple[str, str]]) -> Page:
    """The page of ``checkouts`` that a ``GET /checkouts`` with ``query`` answers."""
    predicates: list[Callable[[Checkout], bool]] = []
    limit = 10
    starting_after: str | None = None
    ending_before: str | None = None
    ids: list[str] = []
    upstream_ids: list[str] = []
    for key, value in query:
        if key == "limit":
            if not re.fullmatch(r"\d{1,3}", value) or not 1 <= int(value) <= 100:
                raise invalid("limit", value, "'limit' must be an integer between 1 and 100.")
            limit = int(value)
        elif key == "startingAfter":
            starting_after = value
        elif key == "endingBefore":
            ending_before = value
        elif key == "ids":
            ids.append(value)
        elif key == "upstreamIds":
            upstream_ids.append(value)
        elif key in _EQUALITY_FILTERS:
            predicates.append(_equality(key, value))
        elif key == "subscriptionId":
            predicates.append(_has_subscription(value))
        else:
            range_match = _RANGE_KEY.fullmatch(key)
            if range_match is None:
                raise unknown(key)
            predicates.append(_range(key, range_match["field"], range_match["op"], value))
    if ids:
        predicates.append(lambda c: c.id in ids)
    if upstream_ids:
        predicates.append(lambda c: c.fields.get("upstreamId") in upstream_ids)

    ordered = sorted(checkouts, key=lambda c: (c.created, c.seq), reverse=True)

    def matching(window: list[Checkout]) -> list[Checkout]:
        return [c for c in window if all(p(c) for p in predicates)]

    # With both cursors, only ``endingBefore`` is used.
    if ending_before is not None:
        position = _cursor_position(ordered, ending_before, "endingBefore")
        candidates = matching(ordered[:position])
        page = candidates[-limit:]
    elif starting_after is not None:
        position = _cursor_position(ordered, starting_after, "startingAfter")
        candidates = matching(ordered[position + 1 :])
        page = candidates[:limit]
    else:
        candidates = matching(ordered)
        page = candidates[:limit]
    return Page(checkouts=page, has_more=len(candidates) > len(page))


_EQUALITY_FILTERS = (
    "customerId",
    "applicationId",
    "email",
    "currency",
    "locale",
    "chargeType",
    "customerType",
    "browserIp",
)
_RANGE_KEY = re.compile(r"(?P<field>createdTime|updatedTime|totalAmount)(?:\[(?P<op>[^\]]*)\])?")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _equality(key: str, value: str) -> Callable[[Checkout], bool]:
    def predicate(checkout: Checkout) -> bool:
        return checkout.fields.get(key, DEFAULTS.get(key)) == value

    return predicate


def _has_subscription(subscription_id: str) -> Callable[[Checkout], bool]:
    def predicate(checkout: Checkout) -> bool:
        return any(
            item.fields.get("subscriptionInfo", {}).get("subscriptionId") == subscription_id
            for item in checkout.items
        )

    return predicate


def _range(key: str, field: str, op: str | None, value: str) -> Callable[[Checkout], bool]:
    """``createdTime[gt]=…`` (deepObject) or a bare ``createdTime=…`` meaning ``eq``."""
    compare = _OPERATORS.get(op or "eq")
    if compare is None:
        raise invalid(key, op, f"'{op}' is not a valid operator for '{field}'.")
    bound: Any
    if field == "totalAmount":
        try:
            bound = Decimal(value)
        except InvalidOperation:
            bound = None
        if bound is None or not bound.is_finite():
            raise invalid(key, value)
    else:
        bound = parse_iso_datetime(value)
        if bound is None:
            raise invalid(key, value, f"'{value}' is not a valid date-time for '{key}'.")

    def predicate(checkout: Checkout) -> bool:
        actual: Any
        if field == "createdTime":
            actual = checkout.created
        elif field == "updatedTime":
            actual = checkout.updated
        else:
            actual = checkout.totals.total_amount
        return compare(actual, bound)

    return predicate


def _cursor_position(ordered: list[Checkout], cursor: str, parameter: str) -> int:
    for position, checkout in enumerate(ordered):
        if checkout.id == cursor:
            return position
    raise invalid(parameter, cursor, f"Checkout '{cursor}' not found.")
