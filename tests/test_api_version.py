"""A checkout in a Digital River version older than the one tillpoint speaks is refused.

Before 2021-03-23 a checkout carried its payment at the top level (``sourceId``,
``sources``, ``creditAmount``, ``paymentSessionId``) instead of under ``payment``. The
models would decode such a body with ``payment`` unset and the old fields in
``extra_fields``: an ``Ok`` that silently lost the payment. It is a
``ResponseValidationError`` naming the version mismatch instead.
"""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from tillpoint import Err, Ok, TillpointCore, _serde, errors, models
from tillpoint.funcs import checkouts_create, checkouts_get, checkouts_list
from tillpoint.funcs._profiles import DIGITAL_RIVER, GR4VY

from .conftest import BASE_URL, FAST_RETRIES, TOKEN

pytestmark = pytest.mark.anyio

CHECKOUT = {"id": "c1", "currency": "USD", "createdTime": "2021-03-23T17:34:17Z"}
OLD_FIELDS = {
    "sourceId": "src_a78cfeae-f7ae-4719-8e1c-d05ec04e4d37",
    "sources": [{"id": "a6809a63", "type": "creditCard", "amount": 26.89}],
    "creditAmount": 0.0,
    "paymentSessionId": "ps_1",
}
PRE_2021_03_23 = {**CHECKOUT, **OLD_FIELDS}
RESPONSE = httpx.Response(
    200,
    request=httpx.Request(
        "GET", f"{BASE_URL}/checkouts/c1", headers={"DigitalRiver-Version": "2021-12-13"}
    ),
)
PAYMENT = {"payment": {"session": {"id": "ps_1", "state": "requires_source"}}}


def assert_version_mismatch(result: object, sent: str = "2021-12-13") -> None:
    assert isinstance(result, Err), result
    error = result.error
    assert isinstance(error, errors.ResponseValidationError)
    message = str(error)
    assert "DigitalRiver-Version" in message and "before 2021-03-23" in message
    assert f"DigitalRiver-Version: {sent}" in message
    assert "api_version" in message
    assert error.status_code in (200, 201)


async def test_get_refuses_a_pre_2021_03_23_checkout(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=PRE_2021_03_23)

    assert_version_mismatch(await checkouts_get(core, "c1"))


async def test_list_refuses_a_page_holding_one(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    data = [{**CHECKOUT, **PAYMENT, "id": "c2"}, PRE_2021_03_23]
    mock_api.get("/checkouts").respond(200, json={"hasMore": False, "data": data})

    assert_version_mismatch(await checkouts_list(core))


async def test_create_refuses_one_and_names_the_version_the_core_sent(
    mock_api: respx.MockRouter,
) -> None:
    mock_api.post("/checkouts").respond(201, json={**CHECKOUT, "creditAmount": 5.0})
    body = models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="k", price=Decimal(1))])

    async with TillpointCore(
        bearer_auth=TOKEN, server_url=BASE_URL, retry_config=FAST_RETRIES, api_version="2021-02-23"
    ) as old:
        assert_version_mismatch(await checkouts_create(old, body), sent="2021-02-23")


@given(
    old=st.dictionaries(st.sampled_from(sorted(OLD_FIELDS)), st.just(None), min_size=1),
    with_payment=st.booleans(),
)
def test_refused_exactly_when_an_old_field_comes_without_payment(
    old: dict[str, None], with_payment: bool
) -> None:
    body = {**CHECKOUT, **{name: OLD_FIELDS[name] for name in old}}
    if with_payment:
        body.update(PAYMENT)  # a newer body that happens to carry a field of that name
    check = DIGITAL_RIVER.check_value
    assert check is not None

    refusal = check(_serde.structure(body, models.Checkout), RESPONSE)

    assert (refusal is not None) is (not with_payment)


async def test_a_current_checkout_is_ok(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json={**CHECKOUT, **PAYMENT})

    result = await checkouts_get(core, "c1")

    assert isinstance(result, Ok) and result.value.payment


def test_only_digital_river_checks_the_version() -> None:
    assert GR4VY.check_value is None
