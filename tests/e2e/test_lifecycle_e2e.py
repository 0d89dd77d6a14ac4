"""A checkout's life through the SDK over real HTTP: ids, timestamps, and every error the
issue names -- create validation, ``unknown_parameter`` on update, 404 ``not_found`` for
unknown ids, 401 ``unauthorized`` unless the token starts with ``sk_test_``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from tillpoint import Err, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_delete,
    checkouts_detach_source,
    checkouts_get,
    checkouts_list,
    checkouts_update,
)
from tillpoint.testing import FakeClock

from .support import START, counting, create, is_uuid4, seed_002, session_of

pytestmark = pytest.mark.anyio

UNKNOWN = "0c7d0a49-0000-4000-8000-000000000000"


def dr_error(result: object, cls: type[errors.APIError]) -> models.DigitalRiverError:
    """The first error of a typed Digital River error result, or fail."""
    assert isinstance(result, Err), result
    assert isinstance(result.error, cls), result.error
    data = result.error.data
    assert isinstance(data, models.DigitalRiverErrorBody) and data.errors
    return data.errors[0]


# -- ids and timestamps -------------------------------------------------------------


async def test_ids_are_uuids_and_times_follow_the_sandbox_clock(
    core: TillpointCore, tp: Tillpoint, clock: FakeClock
) -> None:
    clock.advance(0.75)  # DR times have second precision: this is still START
    checkout = await create(core, seed_002())
    assert checkout.id and checkout.items

    assert is_uuid4(checkout.id)
    assert all(is_uuid4(item.id) for item in checkout.items)
    session = session_of(checkout)
    assert is_uuid4(session.id)
    assert isinstance(session.client_secret, str)
    assert session.client_secret.startswith(f"{session.id}_")
    assert checkout.created_time == checkout.updated_time == START
    assert checkout.created_time.tzinfo is not None  # type: ignore[union-attr]
    assert checkout.created_time.utcoffset() == timedelta(0)  # type: ignore[union-attr]
    assert checkout.live_mode is False

    clock.advance(90)
    updated = await tp.checkouts.update(checkout.id, models.CheckoutUpdate(email="a@example.com"))
    assert (updated.created_time, updated.updated_time) == (START, START + timedelta(seconds=90))

    clock.advance(30)
    assert (await tp.checkouts.get(checkout.id)).updated_time == START + timedelta(seconds=90)
    await tp.checkouts.attach_source(checkout.id, "src_test_visa")
    attached = await tp.checkouts.get(checkout.id)
    assert attached.updated_time == START + timedelta(seconds=120)

    clock.advance(30)
    await tp.checkouts.detach_source(checkout.id, "src_test_visa")
    detached = await tp.checkouts.get(checkout.id)
    assert (detached.created_time, detached.updated_time) == (
        START,
        START + timedelta(seconds=150),
    )
    assert detached.id == checkout.id and session_of(detached).id == session.id


async def test_every_checkout_gets_its_own_ids(core: TillpointCore) -> None:
    first, second = await create(core, seed_002()), await create(core, seed_002())
    assert first.items and second.items

    assert first.id != second.id
    assert first.items[0].id != second.items[0].id
    assert session_of(first).id != session_of(second).id


# -- create validation --------------------------------------------------------------


def line(**fields: Any) -> models.Item:
    return models.Item(**{"sku_id": "sku_1", "price": Decimal(1), **fields})


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        (models.CheckoutCreate(currency="usd", items=[line()]), "invalid_parameter", "currency"),
        (models.CheckoutCreate(currency="XYZ", items=[line()]), "invalid_parameter", "currency"),
        (models.CheckoutCreate(currency="USD", items=[line(quantity=0)]),
         "invalid_parameter", "items[0].quantity"),
        (models.CheckoutCreate(currency="USD", items=[line(quantity=-3)]),
         "invalid_parameter", "items[0].quantity"),
        (models.CheckoutCreate(currency="USD", items=[line(), line(quantity=0)]),
         "invalid_parameter", "items[1].quantity"),
        (models.CheckoutCreate(currency="USD", items=[models.Item(price=Decimal(1))]),
         "missing_parameter", "items[0].skuId"),
        (models.CheckoutCreate(currency="USD", items=[line(price=Decimal(-1))]),
         "invalid_parameter", "items[0].price"),
    ],
)  # fmt: skip
async def test_the_server_validates_what_the_sdk_lets_through(
    core: TillpointCore, body: models.CheckoutCreate, code: str, parameter: str
) -> None:
    counted, attempts = counting(core)

    error = dr_error(await checkouts_create(counted, body), errors.Error400)

    assert (error.code, error.parameter) == (code, parameter)
    assert attempts == ["POST /checkouts"]  # a 400 is final: not retried
    listed = await checkouts_list(core)
    assert isinstance(listed, Ok) and listed.value.data == []


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        (models.CheckoutCreate(items=[line()]), "currency"),
        (models.CheckoutCreate(currency="", items=[line()]), "currency"),
        (models.CheckoutCreate(currency="USD"), "items"),
        (models.CheckoutCreate(currency="USD", items=[]), "items"),
    ],
)
async def test_missing_currency_or_items_is_caught_before_sending(
    core: TillpointCore, tp: Tillpoint, body: models.CheckoutCreate, parameter: str
) -> None:
    counted, attempts = counting(core)

    result = await checkouts_create(counted, body)

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == parameter
    with pytest.raises(errors.InvalidRequestError):
        await tp.checkouts.create(body)
    assert attempts == []


async def test_the_facade_raises_the_servers_400(tp: Tillpoint) -> None:
    with pytest.raises(errors.Error400) as raised:
        await tp.checkouts.create(models.CheckoutCreate(currency="usd", items=[line()]))

    assert raised.value.status_code == 400 and raised.value.request_id
    assert raised.value.data is not None
    assert raised.value.data.codes == ["invalid_parameter"]  # type: ignore[union-attr]


# -- update: create-only and immutable fields ---------------------------------------


@pytest.mark.parametrize("parameter", ["price", "quantity", "discount", "taxInclusive"])
async def test_update_rejects_create_only_and_item_price_fields(
    core: TillpointCore, tp: Tillpoint, parameter: str
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id and checkout.items and checkout.items[0].id
    extra = {"price": 5, "quantity": 3, "discount": {"percentOff": 10}, "taxInclusive": True}
    if parameter in ("price", "quantity"):
        item = models.ItemUpdate(
            id=checkout.items[0].id, extra_fields={parameter: extra[parameter]}
        )
        body = models.CheckoutUpdate(items=[item])
    else:
        body = models.CheckoutUpdate(extra_fields={parameter: extra[parameter]})

    error = dr_error(await checkouts_update(core, checkout.id, body), errors.Error400)

    assert (error.code, error.parameter) == ("unknown_parameter", parameter)
    unchanged = await tp.checkouts.get(checkout.id)
    assert unchanged.total_amount == Decimal("26.89")
    assert unchanged.items and unchanged.items[0].quantity == 2


async def test_update_accepts_the_mutable_item_fields(tp: Tillpoint) -> None:
    checkout = await tp.checkouts.create(seed_002())
    assert checkout.id and checkout.items and checkout.items[0].id

    updated = await tp.checkouts.update(
        checkout.id,
        models.CheckoutUpdate(
            items=[models.ItemUpdate(id=checkout.items[0].id, metadata={"gift": True})],
            shipping_discount=models.Discount(amount_off=Decimal(1)),
        ),
    )

    assert updated.items and updated.items[0].metadata == {"gift": True}
    assert updated.total_discount == Decimal(1)
    assert updated.total_amount == Decimal("25.81")  # 20 + 1.51 + (5 - 1) + 0.30


# -- 404 for unknown ids ------------------------------------------------------------

Call = Callable[[TillpointCore, str], Awaitable[object]]

BY_CHECKOUT_ID: list[tuple[str, Call]] = [
    ("get", lambda core, id: checkouts_get(core, id)),
    ("update", lambda core, id: checkouts_update(core, id, models.CheckoutUpdate(email="a@b.co"))),
    ("delete", lambda core, id: checkouts_delete(core, id)),
    ("attach", lambda core, id: checkouts_attach_source(core, id, "src_test_visa")),
    ("detach", lambda core, id: checkouts_detach_source(core, id, "src_test_visa")),
]


@pytest.mark.parametrize("call", [pytest.param(c, id=name) for name, c in BY_CHECKOUT_ID])
async def test_an_unknown_checkout_is_404_not_found(core: TillpointCore, call: Call) -> None:
    counted, attempts = counting(core)

    error = dr_error(await call(counted, UNKNOWN), errors.Error404)

    assert (error.code, error.parameter) == ("not_found", "id")
    assert error.message == f"Checkout '{UNKNOWN}' not found."
    assert len(attempts) == 1


async def test_unknown_sources_are_404_source_not_found(core: TillpointCore) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id

    for result in (
        await checkouts_attach_source(core, checkout.id, "src_no_such_source"),
        await checkouts_detach_source(core, checkout.id, "src_test_visa"),  # not attached
    ):
        error = dr_error(result, errors.Error404)
        assert (error.code, error.parameter) == ("source_not_found", "sourceId")


async def test_a_deleted_checkout_is_gone_for_every_operation(tp: Tillpoint) -> None:
    checkout = await tp.checkouts.create(seed_002())
    assert checkout.id
    await tp.checkouts.delete(checkout.id)

    with pytest.raises(errors.Error404):
        await tp.checkouts.get(checkout.id)
    with pytest.raises(errors.Error404):
        await tp.checkouts.update(checkout.id, models.CheckoutUpdate(email="a@b.co"))
    with pytest.raises(errors.Error404):
        await tp.checkouts.delete(checkout.id)
    with pytest.raises(errors.Error404):
        await tp.checkouts.attach_source(checkout.id, "src_test_visa")
    with pytest.raises(errors.Error404):
        await tp.checkouts.detach_source(checkout.id, "src_test_visa")
    assert (await tp.checkouts.list()).data == []


# -- 401 unless the key is a test key -----------------------------------------------


@pytest.mark.parametrize("token", ["sk_live_abcdef", "pk_test_abcdef", "sk_test", "SK_TEST_abcdef"])
async def test_only_sk_test_keys_are_authorized(core: TillpointCore, token: str) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    wrong, attempts = counting(core.with_options(bearer_auth=token))

    for result in (
        await checkouts_list(wrong),
        await checkouts_create(wrong, seed_002()),
        await checkouts_get(wrong, checkout.id),
        await checkouts_attach_source(wrong, checkout.id, "src_test_visa"),
    ):
        assert isinstance(result, Err) and isinstance(result.error, errors.Error401)
        data = result.error.data
        assert isinstance(data, models.DigitalRiverErrorBody) and data.type == "unauthorized"
        assert data.errors and data.errors[0].message == "An authorization error has occurred."
        assert token not in str(result.error) and token not in repr(result.error)
    assert len(attempts) == 4  # one each: a 401 is not retried

    # Nothing happened: the one checkout is still there, with no source attached.
    listed = await checkouts_list(core)
    assert isinstance(listed, Ok) and [c.id for c in listed.value.data] == [checkout.id]
    assert session_of(listed.value.data[0]).state == "requires_source"


async def test_the_facade_raises_401(core: TillpointCore) -> None:
    tp = Tillpoint(core=core.with_options(bearer_auth="sk_live_abcdef"))

    with pytest.raises(errors.Error401) as raised:
        await tp.checkouts.create(seed_002())
    assert raised.value.status_code == 401
