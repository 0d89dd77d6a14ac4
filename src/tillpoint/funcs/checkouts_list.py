"""``GET /checkouts``: one page of checkouts, newest first, optionally filtered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ..models.checkouts import CheckoutList
from ._profiles import DIGITAL_RIVER, DigitalRiverError
from ._query import Integer, Range, RangeOperator, Text, TextList

if TYPE_CHECKING:
    from ._options import RequestOptions, Result, TillpointCore, Unpack

__all__ = ["CheckoutsListError", "RangeOperator", "checkouts_list"]

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


async def checkouts_list(
    core: TillpointCore,
    *,
    limit: int | None = None,
    starting_after: str | None = None,
    ending_before: str | None = None,
    ids: Sequence[str] | None = None,
    upstream_ids: Sequence[str] | None = None,
    customer_id: str | None = None,
    application_id: str | None = None,
    email: str | None = None,
    currency: str | None = None,
    locale: str | None = None,
    charge_type: str | None = None,
    customer_type: str | None = None,
    subscription_id: str | None = None,
    browser_ip: str | None = None,
    created_time: datetime | Mapping[RangeOperator, datetime] | None = None,
    updated_time: datetime | Mapping[RangeOperator, datetime] | None = None,
    total_amount: Decimal | Mapping[RangeOperator, Decimal] | None = None,
    **options: Unpack[RequestOptions],
) -> Result[CheckoutList, CheckoutsListError]:
    """List checkouts, newest first: ``limit`` (1–100, server default 10) per page.

    Page on with ``starting_after=<last id>`` while ``has_more`` (the façade's
    ``tp.checkouts.list()`` does this for you). If both cursors are given the server
    uses only ``ending_before``. Time and amount filters take a value (equality) or
    a mapping such as ``{"gte": start, "lt": end}``.
    """
    filters = {
        "limit": limit,
        "starting_after": starting_after,
        "ending_before": ending_before,
        "ids": ids,
        "upstream_ids": upstream_ids,
        "customer_id": customer_id,
        "application_id": application_id,
        "email": email,
        "currency": currency,
        "locale": locale,
        "charge_type": charge_type,
        "customer_type": customer_type,
        "subscription_id": subscription_id,
        "browser_ip": browser_ip,
        "created_time": created_time,
        "updated_time": updated_time,
        "total_amount": total_amount,
    }
    return await _OPERATION.call(core, query=filters, options=options)
