"""``GET /checkouts``: newest first, limit bounds, cursors and every filter of contract §2.2."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tillpoint.testing import FakeClock

BASE_ITEM = {"skuId": "s", "price": 10}


async def make(dr: httpx.AsyncClient, clock: FakeClock, count: int, **fields: Any) -> list[str]:
    """Create ``count`` checkouts one second apart; returns their ids oldest first."""
    ids = []
    for _ in range(count):
        body = {"currency": "USD", "items": [dict(BASE_ITEM)], **fields}
        response = await dr.post("/checkouts", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        clock.advance(1)
    return ids


async def listed(dr: httpx.AsyncClient, params: Any = None) -> tuple[list[str], bool]:
    response = await dr.get("/checkouts", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"hasMore", "data"}
    return [c["id"] for c in body["data"]], body["hasMore"]


@pytest.mark.anyio
async def test_newest_first_with_default_limit(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    assert await listed(dr) == ([], False)
    ids = await make(dr, clock, 12)
    page, more = await listed(dr)
    assert page == ids[::-1][:10]
    assert more is True
    page, more = await listed(dr, {"limit": 12})
    assert (page, more) == (ids[::-1], False)


@pytest.mark.anyio
async def test_same_second_keeps_creation_order(dr: httpx.AsyncClient) -> None:
    ids = []
    for _ in range(3):
        ids.append(
            (await dr.post("/checkouts", json={"currency": "USD", "items": [BASE_ITEM]})).json()[
                "id"
            ]
        )
    assert (await listed(dr))[0] == ids[::-1]


@pytest.mark.anyio
@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "2.5", ""])
async def test_limit_out_of_bounds_is_400(dr: httpx.AsyncClient, limit: str) -> None:
    response = await dr.get("/checkouts", params={"limit": limit})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["parameter"]) == ("invalid_parameter", "limit")
    assert response.json()["type"] == "bad_request"


@pytest.mark.anyio
@pytest.mark.parametrize("limit", [1, 100])
async def test_limit_bounds_are_inclusive(
    dr: httpx.AsyncClient, clock: FakeClock, limit: int
) -> None:
    await make(dr, clock, 2)
    page, more = await listed(dr, {"limit": limit})
    assert len(page) == min(limit, 2)
    assert more is (limit == 1)


@pytest.mark.anyio
async def test_cursors(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    ids = await make(dr, clock, 7)
    newest_first = ids[::-1]

    # Walk forward with startingAfter.
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["startingAfter"] = cursor
        page, more = await listed(dr, params)
        seen += page
        if not more:
            break
        cursor = page[-1]
    assert seen == newest_first

    # endingBefore returns the page just newer than the cursor, still newest first.
    page, more = await listed(dr, {"endingBefore": newest_first[5], "limit": 2})
    assert page == newest_first[3:5]
    assert more is True
    page, more = await listed(dr, {"endingBefore": newest_first[2], "limit": 5})
    assert (page, more) == (newest_first[:2], False)

    # With both cursors only endingBefore counts (contract §2).
    both = await listed(
        dr, {"startingAfter": newest_first[0], "endingBefore": newest_first[3], "limit": 10}
    )
    assert both == (newest_first[:3], False)


@pytest.mark.anyio
@pytest.mark.parametrize("cursor", ["startingAfter", "endingBefore"])
async def test_unknown_cursor_is_400(dr: httpx.AsyncClient, cursor: str) -> None:
    response = await dr.get("/checkouts", params={cursor: "ghost"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["parameter"]) == ("invalid_parameter", cursor)


@pytest.mark.anyio
async def test_unknown_query_parameter_is_400(dr: httpx.AsyncClient) -> None:
    response = await dr.get("/checkouts", params={"colour": "red"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "unknown_parameter",
        "parameter": "colour",
        "message": "'colour' is an unknown parameter.",
    }


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("field", "value", "other"),
    [
        ("customerId", "cus_1", "cus_2"),
        ("applicationId", "app-1", "app-2"),
        ("email", "a@example.com", "b@example.com"),
        ("currency", "EUR", "USD"),
        ("locale", "fr_FR", "en_US"),
        ("chargeType", "moto", "customer_initiated"),
        ("customerType", "business", "individual"),
        ("browserIp", "1.2.3.4", "5.6.7.8"),
    ],
)
async def test_equality_filters(
    dr: httpx.AsyncClient, clock: FakeClock, field: str, value: str, other: str
) -> None:
    wanted = await make(dr, clock, 2, **{field: value})
    unwanted = await make(dr, clock, 1, **{field: other})
    assert (await listed(dr, {field: value}))[0] == wanted[::-1]
    assert (await listed(dr, {field: other}))[0] == unwanted


@pytest.mark.anyio
async def test_defaults_are_filterable(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    ids = await make(dr, clock, 1)
    for field, value in [
        ("locale", "en_US"),
        ("customerType", "individual"),
        ("chargeType", "customer_initiated"),
    ]:
        assert (await listed(dr, {field: value}))[0] == ids


@pytest.mark.anyio
async def test_ids_and_upstream_ids_repeat(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    a = await make(dr, clock, 1, upstreamId="up-a")
    b = await make(dr, clock, 1, upstreamId="up-b")
    c = await make(dr, clock, 1, upstreamId="up-c")
    assert (await listed(dr, [("ids", a[0]), ("ids", c[0])]))[0] == [c[0], a[0]]
    assert (await listed(dr, [("upstreamIds", "up-b"), ("upstreamIds", "up-c")]))[0] == [c[0], b[0]]
    assert (await listed(dr, [("ids", a[0]), ("upstreamIds", "up-b")]))[0] == []


@pytest.mark.anyio
async def test_subscription_id_matches_any_item(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    items = [dict(BASE_ITEM), {**BASE_ITEM, "subscriptionInfo": {"subscriptionId": "sub-9"}}]
    response = await dr.post("/checkouts", json={"currency": "USD", "items": items})
    wanted = response.json()["id"]
    await make(dr, clock, 1)
    assert (await listed(dr, {"subscriptionId": "sub-9"}))[0] == [wanted]
    assert (await listed(dr, {"subscriptionId": "sub-0"}))[0] == []


@pytest.mark.anyio
async def test_created_and_updated_time_ranges(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    ids = await make(dr, clock, 4)  # 12:00:00 .. 12:00:03
    assert (await listed(dr, {"createdTime[gt]": "2030-01-01T12:00:01Z"}))[0] == [ids[3], ids[2]]
    assert (await listed(dr, {"createdTime[gte]": "2030-01-01T12:00:01Z"}))[0] == ids[:0:-1]
    assert (await listed(dr, {"createdTime[lt]": "2030-01-01T12:00:01Z"}))[0] == [ids[0]]
    assert (await listed(dr, {"createdTime[lte]": "2030-01-01T12:00:01+00:00"}))[0] == [
        ids[1],
        ids[0],
    ]
    assert (await listed(dr, {"createdTime[eq]": "2030-01-01T12:00:02Z"}))[0] == [ids[2]]
    assert (await listed(dr, {"createdTime": "2030-01-01T12:00:02Z"}))[0] == [ids[2]]
    assert (
        await listed(
            dr,
            {"createdTime[gt]": "2030-01-01T12:00:00Z", "createdTime[lt]": "2030-01-01T12:00:03Z"},
        )
    )[0] == [ids[2], ids[1]]

    clock.advance(100)  # 12:01:44
    await dr.post(f"/checkouts/{ids[0]}", json={"email": "x@example.com"})
    assert (await listed(dr, {"updatedTime[gt]": "2030-01-01T12:01:00Z"}))[0] == [ids[0]]
    assert (await listed(dr, {"updatedTime[lte]": "2030-01-01T12:01:00Z"}))[0] == ids[:0:-1]


@pytest.mark.anyio
async def test_total_amount_range(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    cheap = await make(dr, clock, 1)  # 10.00
    dear = (
        await dr.post(
            "/checkouts", json={"currency": "USD", "items": [{"skuId": "s", "price": 20.99}]}
        )
    ).json()["id"]
    assert (await listed(dr, {"totalAmount[gte]": "20.99"}))[0] == [dear]
    assert (await listed(dr, {"totalAmount[gt]": "20.99"}))[0] == []
    assert (await listed(dr, {"totalAmount[lt]": "20.99"}))[0] == cheap
    assert (await listed(dr, {"totalAmount[eq]": "10"}))[0] == cheap


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("createdTime[between]", "2030-01-01T12:00:00Z"),
        ("createdTime[gt]", "yesterday"),
        ("updatedTime[lt]", "2024-13-01T00:00:00Z"),
        ("totalAmount[gte]", "lots"),
    ],
)
async def test_bad_range_filters_are_400(dr: httpx.AsyncClient, key: str, value: str) -> None:
    response = await dr.get("/checkouts", params={key: value})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["parameter"]) == ("invalid_parameter", key)


@pytest.mark.anyio
async def test_filters_combine_with_cursors(dr: httpx.AsyncClient, clock: FakeClock) -> None:
    usd = await make(dr, clock, 1, currency="USD")
    eur = await make(dr, clock, 3, currency="EUR")
    await make(dr, clock, 1, currency="USD")
    page, more = await listed(dr, {"currency": "EUR", "limit": 2})
    assert (page, more) == (eur[:0:-1], True)
    page, more = await listed(dr, {"currency": "EUR", "startingAfter": page[-1]})
    assert (page, more) == ([eur[0]], False)
    page, more = await listed(dr, {"currency": "USD", "startingAfter": eur[2]})
    assert (page, more) == (usd, False)
