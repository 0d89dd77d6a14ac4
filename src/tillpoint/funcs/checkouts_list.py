"""``GET /checkouts``: one page of checkouts, newest first, optionally filtered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, Union

from .. import _serde
from .._transport import IDEMPOTENT
from ..errors import (
    Error400,
    Error401,
    Error403,
    Error405,
    Error429,
    Error500,
    Error502,
    Error503,
    Error504,
    InvalidRequestError,
)
from ..models.checkouts import CheckoutList
from ..result import Err
from ._operation import AnyCallError, Operation

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..core import TillpointCore
    from ..result import Result
    from ._operation import RequestOptions

__all__ = ["CheckoutsListError", "RangeOperator", "checkouts_list"]

CheckoutsListError = Union[
    Error400, Error401, Error403, Error405,
    Error429, Error500, Error502, Error503, Error504, AnyCallError,
]  # fmt: skip

RangeOperator = Literal["eq", "gt", "gte", "lt", "lte"]
"""The comparisons of ``created_time``, ``updated_time`` and ``total_amount`` filters."""

_OPERATION = Operation[CheckoutList](
    name="checkouts_list",
    method="GET",
    path="/checkouts",
    returns=CheckoutList,
    errors=CheckoutsListError,
    retry=IDEMPOTENT,
)


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
    try:
        query = _query(
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
            ids=ids,
            upstream_ids=upstream_ids,
            scalars={
                "customerId": customer_id,
                "applicationId": application_id,
                "email": email,
                "currency": currency,
                "locale": locale,
                "chargeType": charge_type,
                "customerType": customer_type,
                "subscriptionId": subscription_id,
                "browserIp": browser_ip,
            },
            ranges={
                "createdTime": created_time,
                "updatedTime": updated_time,
                "totalAmount": total_amount,
            },
        )
    except InvalidRequestError as error:
        return Err(error)
    return await _OPERATION.call(core, query=query, options=options)


def _query(
    *,
    limit: int | None,
    starting_after: str | None,
    ending_before: str | None,
    ids: Sequence[str] | None,
    upstream_ids: Sequence[str] | None,
    scalars: dict[str, object],
    ranges: dict[str, object],
) -> list[tuple[str, str]]:
    query: list[tuple[str, str]] = []
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            raise InvalidRequestError(
                f"limit must be an integer from 1 to 100, got {limit!r}", parameter="limit"
            )
        query.append(("limit", str(limit)))
    for name, cursor in (("startingAfter", starting_after), ("endingBefore", ending_before)):
        if cursor is not None:
            if not isinstance(cursor, str) or not cursor.strip():
                raise InvalidRequestError(f"{name} must be a checkout id", parameter=name)
            query.append((name, cursor))
    for name, values in (("ids", ids), ("upstreamIds", upstream_ids)):
        if values is None:
            continue
        if isinstance(values, str) or not all(isinstance(v, str) and v for v in values):
            raise InvalidRequestError(f"{name} must be a list of non-empty strings", parameter=name)
        query.extend((name, value) for value in values)  # form, explode: ids=a&ids=b
    for name, value in scalars.items():
        if value is not None:
            if not isinstance(value, str):
                raise InvalidRequestError(f"{name} must be a string", parameter=name)
            query.append((name, value))
    for name, condition in ranges.items():
        if condition is None:
            continue
        pairs = condition.items() if isinstance(condition, Mapping) else [("eq", condition)]
        for operator, value in pairs:
            if operator not in ("eq", "gt", "gte", "lt", "lte"):
                raise InvalidRequestError(
                    f"{name} takes eq, gt, gte, lt or lte, not {operator!r}", parameter=name
                )
            query.append((f"{name}[{operator}]", _filter_value(name, value)))  # deepObject
    return query


def _filter_value(name: str, value: object) -> str:
    if isinstance(value, datetime):
        try:
            return _serde.converter.unstructure(value, datetime)  # type: ignore[no-any-return]
        except ValueError as exc:
            raise InvalidRequestError(f"{name}: {exc}", parameter=name) from None
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return str(value)
    raise InvalidRequestError(
        f"{name} values must be {'datetimes' if name.endswith('Time') else 'Decimals'}",
        parameter=name,
    )
