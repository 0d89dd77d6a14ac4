"""Time filters as Digital River writes time: UTC, whole seconds, ``Z``.

Digital River records every time to the whole second, so a bound with a fraction is
moved to a whole second in the direction that keeps exactly the same records: the
property tests compare, for generated bounds and record times, what the caller's
bound matches with what the bound tillpoint sends matches.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from tillpoint import Err, TillpointCore, errors
from tillpoint.funcs import checkouts_list
from tillpoint.funcs._query import Range

CREATED = Range("createdTime", of=datetime)
WIRE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
UTC = timezone.utc

COMPARE: dict[str, Callable[[datetime, datetime], bool]] = {
    "eq": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}

# Any fixed offset a datetime can carry (down to the microsecond, as Python allows).
offsets = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
).map(timezone)
# Kept a day inside years 1-9999 so that any offset and any rounding stay in range.
moments = st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31))
aware = st.builds(lambda m, tz: m.replace(tzinfo=tz), moments, offsets)
# What Digital River stores: UTC, whole seconds.
records = moments.map(lambda m: m.replace(microsecond=0, tzinfo=UTC))


def sent(op: str, bound: datetime) -> str:
    [(name, text)] = CREATED.encode({op: bound})
    assert name == f"createdTime[{op}]"
    return text


def in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@given(op=st.sampled_from(["gt", "gte", "lt", "lte"]), bound=aware, record=records)
def test_a_rounded_bound_matches_exactly_the_records_the_exact_one_does(
    op: str, bound: datetime, record: datetime
) -> None:
    text = sent(op, bound)
    assert WIRE_TIME.fullmatch(text), text
    assert COMPARE[op](record, parse(text)) == COMPARE[op](record, bound)


@given(op=st.sampled_from(sorted(COMPARE)), bound=aware)
def test_a_whole_second_bound_is_the_same_instant_in_utc(op: str, bound: datetime) -> None:
    whole = in_utc(bound).replace(microsecond=0).astimezone(bound.tzinfo)
    assert parse(sent(op, whole)) == whole


@given(bound=aware.filter(lambda m: in_utc(m).microsecond != 0), op=st.sampled_from(["gte", "lt"]))
def test_gte_and_lt_round_up_to_the_next_whole_second(op: str, bound: datetime) -> None:
    assert parse(sent(op, bound)) == in_utc(bound).replace(microsecond=0) + timedelta(seconds=1)


@given(bound=aware.filter(lambda m: in_utc(m).microsecond != 0), op=st.sampled_from(["gt", "lte"]))
def test_gt_and_lte_round_down(op: str, bound: datetime) -> None:
    assert parse(sent(op, bound)) == in_utc(bound).replace(microsecond=0)


@given(bound=aware.filter(lambda m: in_utc(m).microsecond != 0))
def test_eq_with_a_fraction_is_refused(bound: datetime) -> None:
    with pytest.raises(errors.InvalidRequestError, match="fraction of a second") as raised:
        CREATED.encode(bound)
    assert raised.value.parameter == "createdTime"


@given(moment=moments, op=st.sampled_from(sorted(COMPARE)))
def test_a_naive_datetime_is_refused(moment: datetime, op: str) -> None:
    with pytest.raises(errors.InvalidRequestError, match="naive") as raised:
        CREATED.encode({op: moment})
    assert raised.value.parameter == "createdTime"


def test_the_example_from_the_issue() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert sent("eq", datetime(2026, 1, 2, 10, 4, 5, tzinfo=tokyo)) == "2026-01-02T01:04:05Z"


@pytest.mark.parametrize(
    ("op", "bound"),
    [
        ("gte", datetime.max.replace(tzinfo=UTC)),  # rounds up past year 9999
        ("eq", datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))),  # before year 1
    ],
)
def test_a_bound_outside_years_1_to_9999_in_utc_is_refused(op: str, bound: datetime) -> None:
    with pytest.raises(errors.InvalidRequestError, match="out of range"):
        CREATED.encode({op: bound})


@pytest.mark.anyio
async def test_checkouts_list_sends_both_time_filters_as_digital_river_writes_time(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").respond(200, json={"hasMore": False, "data": []})
    new_york = timezone(timedelta(hours=-5))
    start = datetime(2026, 1, 1, 20, 4, 5, 250_000, tzinfo=new_york)

    await checkouts_list(
        core,
        created_time={"gte": start, "lt": start + timedelta(hours=1)},
        updated_time={"lte": start},
    )

    assert list(route.calls.last.request.url.params.multi_items()) == [
        ("createdTime[gte]", "2026-01-02T01:04:06Z"),
        ("createdTime[lt]", "2026-01-02T02:04:06Z"),
        ("updatedTime[lte]", "2026-01-02T01:04:05Z"),
    ]


@pytest.mark.anyio
async def test_a_refused_bound_sends_nothing(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts")

    result = await checkouts_list(core, updated_time=datetime(2026, 1, 2, 1, 4, 5, 1, tzinfo=UTC))

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "updatedTime"
    assert not route.called
