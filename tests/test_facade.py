"""The Tillpoint façade: same operations, raising, with auto-pagination."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from tillpoint import Tillpoint, TillpointCore, errors, models

from .conftest import TOKEN

pytestmark = pytest.mark.anyio


def page(ids: list[str], has_more: bool) -> dict[str, object]:
    return {"hasMore": has_more, "data": [{"id": i} for i in ids]}


@pytest.fixture
async def tp(mock_api: respx.MockRouter) -> Tillpoint:
    async with Tillpoint(
        bearer_auth=TOKEN, retry_config=__import__("tillpoint").RetryConfig.none()
    ) as tp:
        yield tp  # type: ignore[misc]


async def test_every_operation_returns_the_value(tp: Tillpoint, mock_api: respx.MockRouter) -> None:
    checkout = {"id": "c1", "totalAmount": 26.89}
    mock_api.post("/checkouts").respond(201, json=checkout)
    mock_api.get("/checkouts/c1").respond(200, json=checkout)
    mock_api.post("/checkouts/c1").respond(200, json=checkout)
    mock_api.delete("/checkouts/c1").respond(204)
    mock_api.post("/checkouts/c1/sources/s1").respond(200, json={"id": "s1", "amount": 26.89})
    mock_api.delete("/checkouts/c1/sources/s1").respond(204)

    body = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="k", price=Decimal(1))])
    created = await tp.checkouts.create(body)
    assert created.total_amount == Decimal("26.89")
    assert (await tp.checkouts.get("c1")).id == "c1"
    assert (await tp.checkouts.update("c1", models.CheckoutUpdate(email="a@b.c"))).id == "c1"
    assert (await tp.checkouts.attach_source("c1", "s1")).amount == Decimal("26.89")
    assert await tp.checkouts.detach_source("c1", "s1") is None
    assert await tp.checkouts.delete("c1") is None


async def test_errors_are_raised_as_their_classes(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/gone").respond(404, json={"type": "not_found", "errors": []})
    mock_api.post("/checkouts/c1/sources/s1").respond(
        409, json={"type": "conflict", "errors": [{"code": "session_source_amount_too_large"}]}
    )

    with pytest.raises(errors.Error404) as not_found:
        await tp.checkouts.get("gone")
    assert not_found.value.status_code == 404
    with pytest.raises(errors.Error409) as conflict:
        await tp.checkouts.attach_source("c1", "s1")
    assert conflict.value.data is not None
    assert conflict.value.data.codes == ["session_source_amount_too_large"]  # type: ignore[union-attr]
    with pytest.raises(errors.InvalidRequestError):
        await tp.checkouts.get("")


async def test_list_awaits_to_the_first_page(tp: Tillpoint, mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts").respond(200, json=page(["a", "b"], has_more=True))

    first = await tp.checkouts.list(limit=2, currency="USD")

    assert [c.id for c in first.data] == ["a", "b"] and first.has_more
    assert route.call_count == 1
    assert dict(route.calls.last.request.url.params) == {"limit": "2", "currency": "USD"}


async def test_list_iterates_every_checkout_across_pages(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("startingAfter")
        pages = {None: page(["a", "b"], True), "b": page(["c", "d"], True), "d": page(["e"], False)}
        return httpx.Response(200, json=pages[after])

    route = mock_api.get("/checkouts").mock(side_effect=respond)

    ids = [c.id async for c in tp.checkouts.list(limit=2, currency="USD")]

    assert ids == ["a", "b", "c", "d", "e"]
    assert [c.request.url.params.get("startingAfter") for c in route.calls] == [None, "b", "d"]
    assert all(c.request.url.params["currency"] == "USD" for c in route.calls)

    pages = [p async for p in tp.checkouts.list(limit=2).pages()]
    assert [len(p.data) for p in pages] == [2, 2, 1]


async def test_list_iteration_stops_on_an_empty_page_even_if_has_more(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").respond(200, json=page([], has_more=True))

    assert [c async for c in tp.checkouts.list()] == []
    assert route.call_count == 1


async def test_list_iteration_raises_a_failed_page(
    tp: Tillpoint, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts").mock(
        side_effect=[httpx.Response(200, json=page(["a"], True)), httpx.Response(401, json={})]
    )
    seen = []
    with pytest.raises(errors.Error401):
        async for checkout in tp.checkouts.list():
            seen.append(checkout.id)
    assert seen == ["a"]


def test_facade_takes_core_options_or_a_core() -> None:
    core = TillpointCore(bearer_auth=TOKEN)
    assert Tillpoint(core=core).core is core
    assert Tillpoint(bearer_auth=TOKEN, timeout_ms=5).core.timeout_ms == 5
    with pytest.raises(TypeError):
        Tillpoint(core=core, timeout_ms=5)
    assert TOKEN not in repr(Tillpoint(core=core))
