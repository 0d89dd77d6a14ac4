"""The requests tillpoint sends for list and create, checked by an outside validator.

``openapi-core`` reads Digital River's OpenAPI document (tests/fixtures/) and validates
a whole request as a server would: the path and method, every query parameter in its
declared style (``form`` lists, ``deepObject`` ranges) against its schema, the headers
and the JSON body. It is not tillpoint's code judging tillpoint's output.

The spec's ``format: date-time`` takes any RFC 3339 time (fractions, offsets); Digital
River writes UTC whole seconds with ``Z`` (api-contract §2), so time filters are held to
that stricter form too. Closed request bodies (no unknown field) are
tests/test_spec_requests.py's concern.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.exceptions import OpenAPIError
from werkzeug.test import EnvironBuilder

from tillpoint import BackoffStrategy, Ok, RetryConfig, Tillpoint, TillpointCore, errors, models
from tillpoint._request import base_headers, with_auth
from tillpoint.funcs import checkouts_create
from tillpoint.funcs.checkouts_create import _OPERATION as CREATE
from tillpoint.funcs.checkouts_list import _OPERATION as LIST

from .conftest import BASE_URL, TOKEN
from .model_strategies import every_part

SPEC = Path(__file__).parent / "fixtures" / "digital-river-checkouts-2021-12-13.openapi.json"
API = OpenAPI.from_dict(json.loads(SPEC.read_text(encoding="utf-8")))
WIRE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
TIME_PARAMETER = re.compile(r"(createdTime|updatedTime)\[\w+\]")
CORE = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL)


def validate(request: httpx.Request) -> None:
    """Raise openapi-core's error if the spec refuses ``request``."""
    url = request.url
    served = EnvironBuilder(
        method=request.method,
        base_url=BASE_URL,
        path=url.path,
        query_string=url.query.decode("ascii"),
        headers=list(request.headers.multi_items()),
        data=request.content,
    ).get_request()
    API.validate_request(WerkzeugOpenAPIRequest(served))
    for name, value in url.params.multi_items():
        if TIME_PARAMETER.fullmatch(name):
            assert WIRE_TIME.fullmatch(value), (name, value)


def on_the_wire(
    operation: Any, query: dict[str, Any] | None = None, body: object = None
) -> httpx.Request:
    """The request ``operation`` sends for these arguments (built by its pure ``prepare``)."""
    prepared = operation.prepare(CORE, (), query, body, {})
    headers = base_headers(prepared.headers, has_body=prepared.content is not None)
    return httpx.Request(
        prepared.method,
        prepared.url,
        params=prepared.query,
        content=prepared.content,
        headers=with_auth(headers, TOKEN, None),
    )


text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.builds(
    lambda m, tz: m.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)),
    offsets,
)
amounts = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=2)


def ranges(values: st.SearchStrategy[Any], *, whole: Any = None) -> st.SearchStrategy[Any]:
    # An ``eq`` takes only what the API can hold exactly (whole seconds, for times).
    exact = values.map(whole) if whole else values
    comparisons = st.fixed_dictionaries(
        {},
        optional={"eq": exact, "gt": values, "gte": values, "lt": values, "lte": values},
    )
    return st.one_of(exact, comparisons.filter(bool))


def whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


filters = st.fixed_dictionaries(
    {},
    optional={
        "limit": st.integers(min_value=1, max_value=100),
        # Cursors are refused blank before anything is sent (tests/test_mistakes.py).
        "starting_after": text.filter(str.strip),
        "ending_before": text.filter(str.strip),
        "ids": st.lists(text, min_size=1, max_size=3),
        "upstream_ids": st.lists(text, min_size=1, max_size=3),
        "customer_id": text,
        "application_id": text,
        "email": text,
        "currency": text,
        "locale": text,
        "charge_type": text,
        "customer_type": text,
        "subscription_id": text,
        "browser_ip": text,
        "created_time": ranges(moments, whole=whole_second),
        "updated_time": ranges(moments, whole=whole_second),
        "total_amount": ranges(amounts),
    },
)


@settings(max_examples=150)
@given(filters)
def test_every_list_request_is_valid_against_the_spec(query: dict[str, Any]) -> None:
    validate(on_the_wire(LIST, query))


@settings(max_examples=60)
@given(every_part(models.CheckoutCreate))
def test_every_create_request_is_valid_against_the_spec(body: models.CheckoutCreate) -> None:
    # The spec checks ``format: email``; an address is the caller's data, passed through.
    for part in (body, body.ship_to, body.bill_to):
        if part:
            part.email = "ann@example.com"
    try:
        request = on_the_wire(CREATE, body=body)
    except errors.InvalidRequestError:
        reject()  # refused before sending (say, no items): nothing reaches the wire
    validate(request)


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=ten",
        "createdTime%5Bgte%5D=yesterday",
        "totalAmount=%7B%7D&createdTime%5Bgt%5D=2026-01-02",
    ],
)
def test_the_validator_refuses_what_the_spec_refuses(query: str) -> None:
    request = on_the_wire(LIST)
    with pytest.raises(OpenAPIError, match=r"[Qq]uery parameter"):
        validate(httpx.Request("GET", f"{BASE_URL}/checkouts?{query}", headers=request.headers))


def test_the_stricter_time_form_is_checked_too() -> None:
    request = on_the_wire(LIST)
    sent = f"{BASE_URL}/checkouts?createdTime%5Bgte%5D=2026-01-02T10:04:05.25%2B09:00"
    with pytest.raises(AssertionError):
        validate(httpx.Request("GET", sent, headers=request.headers))


@pytest.mark.anyio
async def test_what_the_transport_sends_is_valid_too(mock_api: respx.MockRouter) -> None:
    """Paging backwards and an exactly-once create's look-up, as sent over respx."""
    created = {"id": "c2", "upstreamId": "order-1"}
    mock_api.get("/checkouts").mock(
        side_effect=[
            httpx.Response(200, json={"hasMore": True, "data": [{"id": "c3"}, {"id": "c2"}]}),
            httpx.Response(200, json={"hasMore": False, "data": [{"id": "c4"}]}),
            httpx.Response(200, json={"hasMore": False, "data": [created]}),
        ]
    )
    mock_api.post("/checkouts").mock(side_effect=httpx.ReadTimeout("lost"))
    fast = RetryConfig(backoff=BackoffStrategy(initial_interval=1, max_interval=2))
    body = models.CheckoutCreate(
        currency="USD", upstream_id="order-1", items=[models.Item(sku_id="s", price=Decimal(1))]
    )

    async with TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, retry_config=fast) as core:
        since = datetime(2026, 1, 2, 1, 4, 5, 500_000, tzinfo=timezone.utc)
        walked = [
            c.id
            async for c in Tillpoint(core=core).checkouts.list(
                ending_before="c1", limit=2, created_time={"gte": since}
            )
        ]
        recovered = await checkouts_create(core, body)

    assert walked == ["c2", "c3", "c4"]
    assert isinstance(recovered, Ok) and recovered.recovered
    for call in mock_api.calls:
        validate(call.request)
    assert len(mock_api.calls) == 4
