"""``GET /checkouts``: one page of checkouts, newest first, optionally filtered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..models.checkouts import CheckoutList
from ._options import RequestOptions
from ._profiles import DIGITAL_RIVER, DigitalRiverError
from ._query import Integer, Range, RangeOperator, Text, TextList

if TYPE_CHECKING:
    from ._options import Result, TillpointCore, Unpack

__all__ = ["CheckoutsListError", "CheckoutsListParameters", "RangeOperator", "checkouts_list"]

CheckoutsListError = DigitalRiverError

_OPERATION = DIGITAL_RIVER.get(
    "checkouts_list", "/checkouts",
    returns=CheckoutList, errors=CheckoutsListError,
    query={
        "limit": Integer("limit", minimum=1, maximum=100),
        "starting_after": Text("startingAfter", non_blank=True),
        "ending_before": Text("endingBefore", non_blank=True),
        "ids": TextList("ids"),
        "upstream_ids": TextList("upstreamIds"),
        "customer_id": Text("customerId"),
        "application_id": Text("applicationId"),
        "email": Text("email"),
        "currency": Text("currency"),
        "locale": Text("locale"),
        "charge_type": Text("chargeType"),
        "customer_type": Text("customerType"),
        "subscription_id": Text("subscriptionId"),
        "browser_ip": Text("browserIp"),
        "created_time": Range("createdTime", of=datetime),
        "updated_time": Range("updatedTime", of=datetime),
        "total_amount": Range("totalAmount", of=Decimal),
    },
)  # fmt: skip


class CheckoutsListParameters(RequestOptions, total=False):
    """What ``checkouts_list`` (and the façade's ``tp.checkouts.list``) take as keywords:
    the filters below, and the per-call options. ``None`` means "not sent"."""

    limit: int | None
    """Checkouts per page, 1–100 (the server's default is 10)."""
    starting_after: str | None
    """The page after this checkout id."""
    ending_before: str | None
    """The page before this checkout id (wins over ``starting_after``)."""
    ids: Sequence[str] | None
    upstream_ids: Sequence[str] | None
    customer_id: str | None
    application_id: str | None
    email: str | None
    currency: str | None
    locale: str | None
    charge_type: str | None
    customer_type: str | None
    subscription_id: str | None
    browser_ip: str | None
    created_time: datetime | Mapping[RangeOperator, datetime] | None
    updated_time: datetime | Mapping[RangeOperator, datetime] | None
    total_amount: Decimal | Mapping[RangeOperator, Decimal] | None


async def checkouts_list(
    core: TillpointCore, **parameters: Unpack[CheckoutsListParameters]
) -> Result[CheckoutList, CheckoutsListError]:
    """List checkouts, newest first: ``limit`` (1–100, server default 10) per page.

    Takes the filters of :class:`CheckoutsListParameters` and the per-call options as
    keywords. Page on with ``starting_after=<last id>`` while ``has_more`` (the
    façade's ``tp.checkouts.list()`` does this for you). If both cursors are given the
    server uses only ``ending_before``. Time and amount filters take a value (equality)
    or a mapping such as ``{"gte": start, "lt": end}``.
    """
    return await _OPERATION.call(core, options=parameters)
