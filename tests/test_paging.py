"""Auto-pagination in both directions.

``Listing`` answers like Digital River's ``GET /checkouts`` (newest first; with both
cursors only ``endingBefore`` counts); the walk must meet every record on its side of
the cursor exactly once, never the cursor itself, and stop.
"""

from __future__ import annotations

from typing import Any

import attrs
import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from tillpoint import RetryConfig, Tillpoint, _paging

from .conftest import TOKEN


@attrs.frozen
class Page:
    data: list[Any]
    has_more: bool


@attrs.frozen
class Record:
    id: str


@attrs.frozen
class Listing:
    """A server's records, newest first, paged as Digital River pages them."""

    newest_first: list[str]

    def page(self, *, limit: int, starting_after: str | None, ending_before: str | None) -> Page:
        ids = self.newest_first
        if ending_before is not None:
            candidates = ids[: ids.index(ending_before)]
            chosen = candidates[-limit:]
        elif starting_after is not None:
            candidates = ids[ids.index(starting_after) + 1 :]
            chosen = candidates[:limit]
        else:
            candidates = ids
            chosen = candidates[:limit]
        return Page([Record(i) for i in chosen], has_more=len(candidates) > len(chosen))

    def respond(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        page = self.page(
            limit=int(params.get("limit", "10")),
            starting_after=params.get("startingAfter"),
            ending_before=params.get("endingBefore"),
        )
        body = {"hasMore": page.has_more, "data": [{"id": r.id} for r in page.data]}
        return httpx.Response(200, json=body)


def walk(listing: Listing, filters: dict[str, Any]) -> tuple[list[str], int]:
    """What the façade's iteration meets, and how many pages it fetched (bounded)."""
    met: list[str] = []
    current: dict[str, Any] | None = filters
    fetched = 0
    while current is not None:
        fetched += 1
        assert fetched <= len(listing.newest_first) + 2, "the walk does not end"
        page = listing.page(
            limit=current["limit"],
            starting_after=current.get("starting_after"),
            ending_before=current.get("ending_before"),
        )
        met.extend(r.id for r in _paging.in_walk_order(current, page.data))
        current = _paging.following(current, page)
    return met, fetched


listings = st.integers(min_value=1, max_value=40).map(
    lambda n: Listing([f"c{n - i:02}" for i in range(n)])
)
limits = st.integers(min_value=1, max_value=12)


@st.composite
def cursors(draw: st.DrawFn) -> tuple[Listing, int, str]:
    """A listing, a page size, and one of the listing's ids as the cursor."""
    listing = draw(listings)
    return listing, draw(limits), draw(st.sampled_from(listing.newest_first))


@given(cursors())
def test_ending_before_walks_every_newer_record_once_oldest_first(
    case: tuple[Listing, int, str],
) -> None:
    listing, limit, cursor = case
    ids = listing.newest_first
    newer = ids[: ids.index(cursor)]

    met, _ = walk(listing, {"limit": limit, "ending_before": cursor})

    assert met == newer[::-1]  # each exactly once, walking away from the cursor
    assert cursor not in met


@given(cursors())
def test_starting_after_walks_every_older_record_once_newest_first(
    case: tuple[Listing, int, str],
) -> None:
    listing, limit, cursor = case
    ids = listing.newest_first

    met, _ = walk(listing, {"limit": limit, "starting_after": cursor})

    assert met == ids[ids.index(cursor) + 1 :]


@given(cursors(), st.data())
def test_with_both_cursors_the_walk_follows_ending_before_as_the_server_does(
    case: tuple[Listing, int, str], data: st.DataObject
) -> None:
    listing, limit, before = case
    ids = listing.newest_first
    after = data.draw(st.sampled_from(ids))

    met, _ = walk(listing, {"limit": limit, "ending_before": before, "starting_after": after})

    assert met == ids[: ids.index(before)][::-1]


@given(listing=listings, limit=limits)
def test_without_a_cursor_the_walk_meets_everything_newest_first(
    listing: Listing, limit: int
) -> None:
    met, fetched = walk(listing, {"limit": limit})

    assert met == listing.newest_first
    assert fetched == max(1, -(-len(met) // limit))  # no page fetched past the last


def test_a_page_without_ids_ends_the_walk() -> None:
    page = Page([Record(None)], has_more=True)  # type: ignore[arg-type]

    assert _paging.following({"ending_before": "x"}, page) is None
    assert _paging.following({}, page) is None


# The façade, over respx.


@pytest.fixture
async def tp(mock_api: respx.MockRouter) -> Tillpoint:
    async with Tillpoint(bearer_auth=TOKEN, retry_config=RetryConfig.none()) as tp:
        yield tp  # type: ignore[misc]


TEN = Listing([f"c{n}" for n in range(9, -1, -1)])  # c9 (newest) … c0


@pytest.mark.anyio
async def test_facade_iterates_every_checkout_newer_than_the_cursor(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").mock(side_effect=TEN.respond)

    ids = [c.id async for c in tp.checkouts.list(ending_before="c3", limit=2)]

    assert ids == ["c4", "c5", "c6", "c7", "c8", "c9"]
    sent = [dict(call.request.url.params) for call in route.calls]
    assert sent == [
        {"limit": "2", "endingBefore": "c3"},
        {"limit": "2", "endingBefore": "c5"},
        {"limit": "2", "endingBefore": "c7"},
    ]


@pytest.mark.anyio
async def test_facade_pages_backwards_page_by_page(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts").mock(side_effect=TEN.respond)

    pages = [p async for p in tp.checkouts.list(ending_before="c4", limit=2).pages()]

    # Each page as the server sent it (newest first), the pages moving toward the newest.
    assert [[c.id for c in p.data] for p in pages] == [["c6", "c5"], ["c8", "c7"], ["c9"]]
    assert [p.has_more for p in pages] == [True, True, False]


@pytest.mark.anyio
async def test_facade_stops_at_once_before_the_newest(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").mock(side_effect=TEN.respond)

    assert [c async for c in tp.checkouts.list(ending_before="c9")] == []
    assert route.call_count == 1


def test_the_sync_facade_walks_backwards_too(mock_api: respx.MockRouter) -> None:
    from tillpoint import sync

    mock_api.get("/checkouts").mock(side_effect=TEN.respond)

    with sync.Tillpoint(bearer_auth=TOKEN, retry_config=RetryConfig.none()) as tp:
        ids = [c.id for c in tp.checkouts.list(ending_before="c6", limit=2)]
        pages = [[c.id for c in p.data] for p in tp.checkouts.list(ending_before="c6").pages()]

    assert ids == ["c7", "c8", "c9"]
    assert pages == [["c9", "c8", "c7"]]
