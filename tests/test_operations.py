"""Every Checkouts operation puts exactly the right method, path, query, headers and
body on the wire, and maps the answer to the right value."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from tillpoint import Err, Ok, TillpointCore, _request, errors, models
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_delete,
    checkouts_detach_source,
    checkouts_get,
    checkouts_list,
    checkouts_update,
)
from tillpoint.funcs._operation import _segment

from .conftest import TOKEN

pytestmark = pytest.mark.anyio

CHECKOUT = {
    "id": "177f5b14-1e2d-4b05-8fe5-1e0f56ae6a8c",
    "currency": "USD",
    "totalAmount": 26.89,
    "items": [{"id": "i1", "skuId": "sku_1", "quantity": 2, "amount": 20.0}],
}


def sent_json(route: respx.Route) -> object:
    return json.loads(route.calls.last.request.content)


def assert_common_headers(request: httpx.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("tillpoint/")
    assert " python/" in request.headers["user-agent"]
    assert f" httpx/{httpx.__version__}" in request.headers["user-agent"]


async def test_create_posts_the_body_and_decodes_201(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post("/checkouts").respond(201, json=CHECKOUT)
    body = models.CheckoutCreate(
        currency="USD",
        items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("10.00"))],
        ship_to=models.ShipTo(
            name="Ann", address=models.Address(line1="1 Main", postal_code="55129", country="US")
        ),
        email=None,
    )

    result = await checkouts_create(core, body)

    assert isinstance(result, Ok)
    assert result.value.total_amount == Decimal("26.89")
    assert result.response is not None and result.response.status_code == 201
    request = route.calls.last.request
    assert_common_headers(request)
    assert request.headers["content-type"] == "application/json"
    assert sent_json(route) == {
        "currency": "USD",
        "items": [{"skuId": "sku_1", "quantity": 2, "price": 10.0}],
        "shipTo": {
            "name": "Ann",
            "address": {"line1": "1 Main", "postalCode": "55129", "country": "US"},
        },
        "email": None,
    }
    key = request.headers["idempotency-key"]
    assert len(key) == 36 and key.count("-") == 4


async def test_create_sends_a_fresh_key_per_call_and_the_callers_key_when_given(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post("/checkouts").respond(201, json=CHECKOUT)
    body = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="s", price=Decimal(1))])

    await checkouts_create(core, body)
    await checkouts_create(core, body)
    await checkouts_create(core, body, idempotency_key="order-42")

    keys = [call.request.headers["idempotency-key"] for call in route.calls]
    assert keys[0] != keys[1]
    assert keys[2] == "order-42"


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        (models.CheckoutCreate(items=[models.Item(sku_id="s")]), "currency"),
        (models.CheckoutCreate(currency="  ", items=[models.Item(sku_id="s")]), "currency"),
        (models.CheckoutCreate(currency="USD"), "items"),
        (models.CheckoutCreate(currency="USD", items=[]), "items"),
        (models.CheckoutUpdate(), "body"),
    ],
)
async def test_create_rejects_missing_required_fields_before_sending(
    core: TillpointCore, mock_api: respx.MockRouter, body: object, parameter: str
) -> None:
    route = mock_api.post("/checkouts")

    result = await checkouts_create(core, body)  # type: ignore[arg-type]

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == parameter
    assert result.response is None
    assert not route.called


async def test_create_refuses_a_decimal_a_json_number_cannot_carry(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post("/checkouts")
    # Building the item with this price is refused at once (test_request_models); a
    # price set on an item afterwards is caught where the body is encoded, before sending.
    item = models.Item(sku_id="s", price=Decimal("1"))
    item.price = Decimal("0.1234567890123456789")
    body = models.CheckoutCreate(currency="USD", items=[item])

    result = await checkouts_create(core, body)

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert "exactly" in str(result.error)
    assert not route.called


async def test_get(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts/abc").respond(200, json=CHECKOUT)

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Ok)
    assert result.value.id == CHECKOUT["id"]
    request = route.calls.last.request
    assert_common_headers(request)
    assert request.content == b""
    assert "content-type" not in request.headers
    assert "idempotency-key" not in request.headers


async def test_update_posts_only_what_was_set_with_items_as_a_list(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post("/checkouts/abc").respond(200, json=CHECKOUT)
    body = models.CheckoutUpdate(
        shipping_choice=models.ShippingChoice(amount=Decimal("5.00"), service_level="SG"),
        items=[models.ItemUpdate(id="i1", metadata={"gift": True})],
    )

    result = await checkouts_update(core, "abc", body)

    assert isinstance(result, Ok)
    assert sent_json(route) == {
        "shippingChoice": {"amount": 5.0, "serviceLevel": "SG"},
        "items": [{"id": "i1", "metadata": {"gift": True}}],
    }
    assert "idempotency-key" not in route.calls.last.request.headers


async def test_update_rejects_a_wrong_body_type(core: TillpointCore) -> None:
    result = await checkouts_update(core, "abc", models.CheckoutCreate(currency="USD"))  # type: ignore[arg-type]

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert "CheckoutUpdate" in str(result.error)


async def test_delete_returns_ok_none_on_204(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.delete("/checkouts/abc").respond(204)

    result = await checkouts_delete(core, "abc")

    assert result == Ok(None)
    assert route.calls.last.request.method == "DELETE"


async def test_attach_source_returns_the_source(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post("/checkouts/abc/sources/src_1").respond(
        200, json={"id": "src_1", "type": "creditCard", "amount": 16.89, "reusable": False}
    )

    result = await checkouts_attach_source(core, "abc", "src_1")

    assert isinstance(result, Ok)
    assert result.value == models.Source(
        id="src_1", type="creditCard", amount=Decimal("16.89"), reusable=False
    )
    assert route.calls.last.request.content == b""


async def test_detach_source(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    route = mock_api.delete("/checkouts/abc/sources/src_1").respond(204)

    assert await checkouts_detach_source(core, "abc", "src_1") == Ok(None)
    assert route.called


async def test_list_sends_every_filter(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts").respond(200, json={"hasMore": True, "data": [CHECKOUT]})
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)

    result = await checkouts_list(
        core,
        limit=25,
        starting_after="c9",
        ending_before="c1",
        ids=["a", "b"],
        upstream_ids=["u1", "u2"],
        customer_id="cus_1",
        application_id="app",
        email="ann@example.com",
        currency="USD",
        locale="en_US",
        charge_type="customer_initiated",
        customer_type="individual",
        subscription_id="sub_1",
        browser_ip="111.111.111.111",
        created_time={"gte": start, "lt": start + timedelta(days=1)},
        updated_time=start,
        total_amount={"gt": Decimal("20.99")},
    )

    assert isinstance(result, Ok)
    assert result.value.has_more is True
    assert [c.id for c in result.value.data] == [CHECKOUT["id"]]
    assert list(route.calls.last.request.url.params.multi_items()) == [
        ("limit", "25"),
        ("startingAfter", "c9"),
        ("endingBefore", "c1"),
        ("ids", "a"),
        ("ids", "b"),
        ("upstreamIds", "u1"),
        ("upstreamIds", "u2"),
        ("customerId", "cus_1"),
        ("applicationId", "app"),
        ("email", "ann@example.com"),
        ("currency", "USD"),
        ("locale", "en_US"),
        ("chargeType", "customer_initiated"),
        ("customerType", "individual"),
        ("subscriptionId", "sub_1"),
        ("browserIp", "111.111.111.111"),
        ("createdTime[gte]", "2024-01-01T00:00:00Z"),
        ("createdTime[lt]", "2024-01-02T00:00:00Z"),
        ("updatedTime[eq]", "2024-01-01T00:00:00Z"),
        ("totalAmount[gt]", "20.99"),
    ]


async def test_list_without_filters_sends_no_query(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").respond(200, json={"hasMore": False, "data": []})

    result = await checkouts_list(core)

    assert result == Ok(models.CheckoutList(data=[], has_more=False))
    assert route.calls.last.request.url.query == b""


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": "10"}, "limit"),
        ({"ids": "abc"}, "ids"),
        ({"ids": ["a", ""]}, "ids"),
        ({"starting_after": ""}, "startingAfter"),
        ({"created_time": {"since": datetime(2024, 1, 1, tzinfo=timezone.utc)}}, "createdTime"),
        ({"created_time": datetime(2024, 1, 1)}, "createdTime"),  # naive
        ({"total_amount": 20.5}, "totalAmount"),  # a float is not exact money
        ({"email": 5}, "email"),
    ],
)
async def test_list_rejects_bad_input_before_sending(
    core: TillpointCore, mock_api: respx.MockRouter, kwargs: dict[str, object], parameter: str
) -> None:
    route = mock_api.get("/checkouts")

    result = await checkouts_list(core, **kwargs)  # type: ignore[arg-type]

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == parameter
    assert not route.called


@pytest.mark.parametrize(
    ("checkout_id", "raw_path"),
    [
        ("../customers/1", b"/checkouts/..%2Fcustomers%2F1"),
        ("..", b"/checkouts/%2E%2E"),
        (".", b"/checkouts/%2E"),
        ("a/b", b"/checkouts/a%2Fb"),
        ("a?b=c", b"/checkouts/a%3Fb%3Dc"),
        ("a#frag", b"/checkouts/a%23frag"),
        ("a%2Fb", b"/checkouts/a%252Fb"),
        ("with space", b"/checkouts/with%20space"),
        ("caf\u00e9-\u5317", b"/checkouts/caf%C3%A9-%E5%8C%97"),
    ],
)
async def test_path_parameters_cannot_reach_another_endpoint(
    core: TillpointCore, mock_api: respx.MockRouter, checkout_id: str, raw_path: bytes
) -> None:
    route = mock_api.route().respond(200, json=CHECKOUT)

    await checkouts_get(core, checkout_id)

    assert route.calls.last.request.url.raw_path == raw_path


@pytest.mark.parametrize("bad_id", ["", "   ", None, 42])
async def test_blank_ids_are_rejected_before_sending(
    core: TillpointCore, mock_api: respx.MockRouter, bad_id: object
) -> None:
    route = mock_api.route()

    for result in (
        await checkouts_get(core, bad_id),  # type: ignore[arg-type]
        await checkouts_delete(core, bad_id),  # type: ignore[arg-type]
        await checkouts_attach_source(core, "abc", bad_id),  # type: ignore[arg-type]
        await checkouts_detach_source(core, bad_id, "src"),  # type: ignore[arg-type]
    ):
        assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert not route.called


async def test_per_call_options_win(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    other = mock_api.route(host="eu.example.test", path="/checkouts/abc").respond(
        200, json=CHECKOUT
    )

    result = await checkouts_get(
        core,
        "abc",
        server_url="https://eu.example.test",
        http_headers={"upstream-id": "u-1", "Accept": "application/json; charset=utf-8"},
    )

    assert isinstance(result, Ok)
    request = other.calls.last.request
    assert request.headers["upstream-id"] == "u-1"
    assert request.headers["accept"] == "application/json; charset=utf-8"


async def test_api_version_header(mock_api: respx.MockRouter) -> None:
    route = mock_api.get("/checkouts/abc").respond(200, json=CHECKOUT)
    async with TillpointCore(bearer_auth=TOKEN, api_version="2021-12-13") as core:
        await checkouts_get(core, "abc")
        await checkouts_get(core.with_options(api_version="2020-09-30"), "abc")

    versions = [c.request.headers["digitalriver-version"] for c in route.calls]
    assert versions == ["2021-12-13", "2020-09-30"]


async def test_per_call_insecure_server_url_is_refused(core: TillpointCore) -> None:
    result = await checkouts_get(core, "abc", server_url="http://api.example.com")

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "server_url"


async def test_list_tolerates_a_page_without_has_more_or_data(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts").respond(200, json={})

    assert await checkouts_list(core) == Ok(models.CheckoutList(data=[], has_more=False))


SERVERS = [
    "https://api.digitalriver.com",
    "https://api.sandbox.example.gr4vy.app",
    "http://127.0.0.1:8765",
    "https://proxy.example/api/v1",
    "https://proxy.example/api/v1/",
    "https://xn--caf-dma.example:8443/a%20b",
]


@settings(max_examples=300, deadline=None)
@given(
    server=st.sampled_from(SERVERS),
    ids=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=2),
)
def test_a_joined_url_is_exactly_what_httpx_parses(server: str, ids: list[str]) -> None:
    """The transport joins an operation's (percent-encoded) path to the pre-parsed server
    URL instead of having httpx parse the whole string on every call: it must be the very
    URL httpx would have made of ``server + path``."""
    path = "/checkouts/" + "/sources/".join(_segment(i) for i in ids)
    joined = _request.join_url(server, path)
    parsed = httpx.URL(server.rstrip("/") + path)
    assert str(joined) == str(parsed)
    assert isinstance(joined, httpx.URL)
    assert joined.raw_path == parsed.raw_path
    assert (joined.scheme, joined.host, joined.port) == (parsed.scheme, parsed.host, parsed.port)


@pytest.mark.parametrize(
    ("server", "path"),
    [
        ("https://api.example?x=1", "/checkouts/a"),  # a server URL with a query
        ("https://api.example", "/checkouts/a?b"),  # a path that is not one of ours
        ("https://api.example", "checkouts/a"),
        ("https://api.example", "/checkouts/caf\u00e9"),
    ],
)
def test_anything_unexpected_is_left_to_httpx_as_a_string(server: str, path: str) -> None:
    assert _request.join_url(server, path) == server + path
