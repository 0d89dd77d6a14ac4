"""``GET /checkouts`` through the SDK over real HTTP: order, limits, cursors, every filter.

The sandbox's clock is a test double, so each checkout is created a known time
apart and the time filters can be asserted exactly.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tillpoint import Err, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import checkouts_list, checkouts_update
from tillpoint.testing import FakeClock

from .support import START, counting, create, seed_002

pytestmark = pytest.mark.anyio

MINUTE = timedelta(minutes=1)


async def make_many(core: TillpointCore, clock: FakeClock, count: int) -> list[str]:
    """``count`` checkouts, one minute apart, oldest first."""
    ids = []
    for n in range(count):
        checkout = await create(core, seed_002(upstream_id=f"up-{n}"))
        assert checkout.id and checkout.created_time == START + n * MINUTE
        ids.append(checkout.id)
        clock.advance(60)
    return ids


async def page(core: TillpointCore, **query: Any) -> models.CheckoutList:
    result = await checkouts_list(core, **query)
    assert isinstance(result, Ok), result
    return result.value


def ids_of(listing: models.CheckoutList) -> list[str]:
    return [str(c.id) for c in listing.data]


async def test_newest_first_with_a_default_limit_of_ten(
    core: TillpointCore, clock: FakeClock
) -> None:
    oldest_first = await make_many(core, clock, 12)
    newest_first = oldest_first[::-1]

    default = await page(core)
    assert ids_of(default) == newest_first[:10]
    assert default.has_more is True
    everything = await page(core, limit=100)
    assert (ids_of(everything), everything.has_more) == (newest_first, False)
    one = await page(core, limit=1)
    assert (ids_of(one), one.has_more) == (newest_first[:1], True)
    exact = await page(core, limit=12)
    assert exact.has_more is False


async def test_cursors_page_both_ways_and_ending_before_wins(
    core: TillpointCore, clock: FakeClock
) -> None:
    newest_first = (await make_many(core, clock, 8))[::-1]

    second = await page(core, limit=3, starting_after=newest_first[2])
    assert (ids_of(second), second.has_more) == (newest_first[3:6], True)
    last = await page(core, limit=3, starting_after=newest_first[5])
    assert (ids_of(last), last.has_more) == (newest_first[6:], False)

    # Backwards: the page just newer than the cursor, still newest first.
    back = await page(core, limit=3, ending_before=newest_first[6])
    assert (ids_of(back), back.has_more) == (newest_first[3:6], True)
    first = await page(core, limit=3, ending_before=newest_first[3])
    assert (ids_of(first), first.has_more) == (newest_first[:3], False)

    # Both cursors: only endingBefore is used (contract §2).
    both = await page(core, limit=3, starting_after=newest_first[0], ending_before=newest_first[6])
    assert ids_of(both) == newest_first[3:6]


async def test_the_facade_walks_backwards_from_ending_before_and_stops(
    core: TillpointCore, tp: Tillpoint, clock: FakeClock
) -> None:
    oldest_first = await make_many(core, clock, 7)
    cursor = oldest_first[2]
    newer = oldest_first[3:]
    counted, attempts = counting(core)

    walked = [
        c.id async for c in Tillpoint(core=counted).checkouts.list(ending_before=cursor, limit=2)
    ]

    assert walked == newer  # every newer checkout once, oldest first; never the cursor
    assert attempts == ["GET /checkouts"] * 2  # 4 newer at 2 a page: the second says no more
    pages = [p async for p in tp.checkouts.list(ending_before=cursor, limit=3).pages()]
    assert [ids_of(p) for p in pages] == [newer[2::-1], newer[3:]]
    assert [p.has_more for p in pages] == [True, False]


async def test_limits_outside_1_to_100_never_leave_the_client(core: TillpointCore) -> None:
    counted, attempts = counting(core)

    for limit in (0, 101, -1, True):
        result = await checkouts_list(counted, limit=limit)
        assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
        assert result.error.parameter == "limit"

    assert attempts == []  # client-side: the SDK checks before sending


async def test_an_unknown_cursor_is_a_typed_400(core: TillpointCore, tp: Tillpoint) -> None:
    result = await checkouts_list(core, starting_after="0c7d0a49-0000-4000-8000-000000000000")

    assert isinstance(result, Err) and isinstance(result.error, errors.Error400)
    data = result.error.data
    assert isinstance(data, models.DigitalRiverErrorBody) and data.errors
    assert (data.errors[0].code, data.errors[0].parameter) == (
        "invalid_parameter",
        "startingAfter",
    )
    with pytest.raises(errors.Error400):
        await tp.checkouts.list(ending_before="no-such-checkout")


@pytest.fixture
async def catalogue(core: TillpointCore, clock: FakeClock) -> dict[str, str]:
    """Five checkouts that differ in every filterable field; name -> id.

    a (26.89 USD) at START, b (EUR) +1 min, c (107.53 USD) +2, d (EUR) +3, e (USD) +4;
    a is then updated at +10 minutes.
    """
    subscription = models.SubscriptionInfo(subscription_id="sub_1", plan_id="plan_1")
    bodies = {
        "a": seed_002(
            customer_id="cus_1",
            email="a@example.com",
            browser_ip="111.111.111.111",
            application_id="app-1",
            upstream_id="up-a",
            items=[
                models.Item(
                    sku_id="sku_1",
                    quantity=2,
                    price=Decimal(10),
                    subscription_info=subscription,
                )
            ],
        ),
        "b": seed_002(
            currency="EUR",
            customer_id="cus_2",
            locale="fr_FR",
            charge_type="merchant_initiated",
            customer_type="business",
            upstream_id="up-b",
        ),
        "c": seed_002(
            customer_id="cus_1",
            email="c@example.com",
            charge_type="moto",
            application_id="app-2",
            browser_ip="222.222.222.222",
            upstream_id="up-c",
            items=[models.Item(sku_id="sku_2", price=Decimal(100))],
            shipping_choice=None,
        ),
        "d": seed_002(currency="EUR", email="a@example.com", upstream_id="up-d"),
        "e": seed_002(customer_type="business", upstream_id="up-e"),
    }
    ids = {}
    for name, body in bodies.items():
        ids[name] = str((await create(core, body)).id)
        clock.advance(60)
    clock.now = START + 10 * MINUTE
    touched = await checkouts_update(core, ids["a"], models.CheckoutUpdate(metadata={"n": 1}))
    assert isinstance(touched, Ok) and touched.value.updated_time == START + 10 * MINUTE
    return ids


# (filters, the names expected, newest first)
FILTERS: list[tuple[dict[str, Any], str]] = [
    ({"currency": "EUR"}, "db"),
    ({"customer_id": "cus_1"}, "ca"),
    ({"email": "a@example.com"}, "da"),
    ({"locale": "fr_FR"}, "b"),
    ({"locale": "en_US"}, "edca"),  # the default locale
    ({"charge_type": "moto"}, "c"),
    ({"charge_type": "customer_initiated"}, "eda"),  # the default
    ({"customer_type": "business"}, "eb"),
    ({"customer_type": "individual"}, "dca"),
    ({"application_id": "app-2"}, "c"),
    ({"browser_ip": "111.111.111.111"}, "a"),
    ({"subscription_id": "sub_1"}, "a"),
    ({"upstream_ids": ["up-b", "up-e"]}, "eb"),
    ({"currency": "USD", "customer_id": "cus_1", "email": "c@example.com"}, "c"),
    ({"created_time": START + 2 * MINUTE}, "c"),  # a bare value means eq
    ({"created_time": {"gte": START + MINUTE, "lt": START + 3 * MINUTE}}, "cb"),
    ({"created_time": {"gt": START + 3 * MINUTE}}, "e"),
    ({"created_time": {"lte": START + MINUTE}}, "ba"),
    ({"updated_time": {"gt": START + 5 * MINUTE}}, "a"),
    ({"updated_time": {"lt": START + 5 * MINUTE}}, "edcb"),
    ({"total_amount": {"gt": Decimal(100)}}, "c"),
    ({"total_amount": Decimal("26.89")}, "edba"),
    ({"total_amount": {"gte": Decimal("26.89"), "lte": Decimal("26.89")}}, "edba"),
]


@pytest.mark.parametrize(
    ("filters", "expected"), [pytest.param(f, e, id=",".join(f)) for f, e in FILTERS]
)
async def test_every_filter(
    core: TillpointCore, catalogue: dict[str, str], filters: dict[str, Any], expected: str
) -> None:
    listing = await page(core, **filters)

    assert ids_of(listing) == [catalogue[name] for name in expected]
    assert listing.has_more is False


async def test_ids_filter_and_a_filtered_facade_walk(
    core: TillpointCore, tp: Tillpoint, catalogue: dict[str, str]
) -> None:
    by_id = await page(core, ids=[catalogue["b"], catalogue["e"], "not-a-checkout"])
    assert ids_of(by_id) == [catalogue["e"], catalogue["b"]]

    # The façade follows startingAfter through every page of a filtered list.
    walked = [c.id async for c in tp.checkouts.list(currency="USD", limit=1)]
    assert walked == [catalogue[name] for name in "eca"]
    pages = [p async for p in tp.checkouts.list(currency="USD", limit=2).pages()]
    assert [(len(p.data), p.has_more) for p in pages] == [(2, True), (1, False)]
