"""The SDK against the sandbox over real HTTP: the behaviours a user relies on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from tillpoint import Err, Hooks, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_delete,
    checkouts_detach_source,
    checkouts_get,
    checkouts_list,
    checkouts_update,
)
from tillpoint.sandbox import Sandbox

from .support import MN, create, seed_002

pytestmark = pytest.mark.anyio


async def test_totals_match_the_documented_example(core: TillpointCore) -> None:
    checkout = await create(core, seed_002())

    assert checkout.subtotal == Decimal("25.00")
    assert checkout.total_tax == Decimal("1.89")
    assert checkout.total_amount == Decimal("26.89")
    assert checkout.items and checkout.items[0].tax
    assert checkout.items[0].tax.amount == Decimal("1.51")
    assert checkout.items[0].tax.rate == Decimal("0.07525")
    assert checkout.shipping_choice and checkout.shipping_choice.tax_amount == Decimal("0.38")
    assert checkout.payment and checkout.payment.session
    assert checkout.payment.session.state == "requires_source"
    assert checkout.payment.session.amount_remaining_to_be_contributed == Decimal("26.89")
    assert checkout.created_time and checkout.created_time.tzinfo is not None


async def test_order_discount_and_money_exactness(core: TillpointCore) -> None:
    body = models.CheckoutCreate(
        currency="USD",
        ship_to=models.ShipTo(address=MN),
        items=[
            models.Item(sku_id="a", quantity=4, price=Decimal("0.1") + Decimal("9.9")),
            models.Item(sku_id="b", quantity=2, price=Decimal("20")),
        ],
        discount=models.Discount(percent_off=Decimal("20")),
    )

    checkout = await create(core, body)

    assert [i.amount for i in checkout.items or []] == [Decimal("40"), Decimal("40")]
    assert [i.tax.amount for i in checkout.items or [] if i.tax] == [Decimal("2.41")] * 2
    assert checkout.subtotal == Decimal("64")
    assert checkout.total_discount == Decimal("16")
    assert checkout.total_amount == Decimal("68.82")


async def test_get_update_delete_round_trip(core: TillpointCore) -> None:
    checkout = await create(core, seed_002(metadata={"order": "A-1"}))
    assert checkout.id

    fetched = await checkouts_get(core, checkout.id)
    assert isinstance(fetched, Ok)
    assert fetched.value.total_amount == checkout.total_amount
    assert fetched.value.metadata == {"order": "A-1"}

    updated = await checkouts_update(
        core,
        checkout.id,
        models.CheckoutUpdate(shipping_choice=models.ShippingChoice(amount=Decimal("8.00"))),
    )
    assert isinstance(updated, Ok)
    assert updated.value.total_shipping == Decimal("8")
    assert updated.value.total_amount == Decimal("30.11")  # 20 + 1.51 + 8 + 0.60 tax
    assert updated.value.updated_time and checkout.updated_time
    assert updated.value.updated_time >= checkout.updated_time

    assert await checkouts_delete(core, checkout.id) == Ok(None, None)
    gone = await checkouts_get(core, checkout.id)
    assert isinstance(gone, Err) and isinstance(gone.error, errors.Error404)
    assert gone.error.data is not None
    assert gone.error.data.codes == ["not_found"]  # type: ignore[union-attr]
    assert gone.error.request_id


@pytest.mark.parametrize(
    ("body", "code", "parameter"),
    [
        (models.CheckoutCreate(currency="YEM", items=[models.Item(sku_id="s", price=Decimal(1))]),
         "invalid_parameter", "currency"),
        (models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="s")]),
         "missing_parameter", "items[0].price"),
        (models.CheckoutCreate(
            currency="USD", items=[models.Item(sku_id="s", price=Decimal(1), quantity=0)]),
         "invalid_parameter", None),
    ],
)  # fmt: skip
async def test_server_validation_errors_arrive_typed(
    core: TillpointCore, body: models.CheckoutCreate, code: str, parameter: str | None
) -> None:
    result = await checkouts_create(core, body)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.Error400)
    data = result.error.data
    assert isinstance(data, models.DigitalRiverErrorBody)
    assert data.codes == [code]
    if parameter:
        assert data.errors and data.errors[0].parameter == parameter


async def test_update_cannot_change_price_or_send_create_only_fields(core: TillpointCore) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id and checkout.items and checkout.items[0].id

    # extra_fields lets a caller send what the model does not (yet) have.
    price_change = models.CheckoutUpdate(
        items=[models.ItemUpdate(id=checkout.items[0].id, extra_fields={"price": 5})]
    )
    discount = models.CheckoutUpdate(extra_fields={"discount": {"percentOff": 10}})

    for body, parameter in ((price_change, "price"), (discount, "discount")):
        result = await checkouts_update(core, checkout.id, body)
        assert isinstance(result, Err) and isinstance(result.error, errors.Error400)
        assert result.error.data is not None
        assert result.error.data.codes == ["unknown_parameter"]  # type: ignore[union-attr]
        assert parameter in str(result.error)


async def test_a_live_key_is_unauthorized(core: TillpointCore) -> None:
    result = await checkouts_list(core.with_options(bearer_auth="sk_live_nope"))

    assert isinstance(result, Err) and isinstance(result.error, errors.Error401)
    assert "sk_live_nope" not in str(result.error)


async def test_payment_session_reaches_requires_confirmation(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    credit = sandbox.create_source(type="customerCredit", amount=10)
    card = sandbox.create_source(type="creditCard", reusable=True)

    attached_credit = await checkouts_attach_source(core, checkout.id, credit["id"])
    attached_card = await checkouts_attach_source(core, checkout.id, card["id"])

    assert isinstance(attached_credit, Ok) and isinstance(attached_card, Ok)
    assert attached_credit.value.amount == Decimal("10")
    assert attached_card.value.amount == Decimal("16.89")
    result = await checkouts_get(core, checkout.id)
    assert isinstance(result, Ok) and result.value.payment and result.value.payment.session
    session = result.value.payment.session
    assert session.state == "requires_confirmation"
    assert session.amount_contributed == Decimal("26.89")
    assert session.amount_remaining_to_be_contributed == Decimal("0")

    # Detaching the credit: the card funds everything, the session stays covered.
    assert await checkouts_detach_source(core, checkout.id, credit["id"]) == Ok(None, None)
    after = await checkouts_get(core, checkout.id)
    assert isinstance(after, Ok) and after.value.payment and after.value.payment.sources
    assert [s.amount for s in after.value.payment.sources] == [Decimal("26.89")]


async def test_too_much_store_credit_is_a_typed_conflict(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    credit = sandbox.create_source(type="customerCredit", amount=30)

    result = await checkouts_attach_source(core, checkout.id, credit["id"])

    assert isinstance(result, Err) and isinstance(result.error, errors.Error409)
    assert result.error.data is not None
    assert result.error.data.codes == ["session_source_amount_too_large"]  # type: ignore[union-attr]


async def test_facade_pages_through_every_checkout_newest_first(tp: Tillpoint) -> None:
    created = []
    for n in range(7):
        checkout = await tp.checkouts.create(
            seed_002(upstream_id=f"up-{n}", currency="EUR" if n % 2 else "USD")
        )
        created.append(checkout.id)

    ids = [c.id async for c in tp.checkouts.list(limit=3)]
    assert ids == list(reversed(created))

    pages = [page async for page in tp.checkouts.list(limit=3).pages()]
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert [p.has_more for p in pages] == [True, True, False]

    euros = [c.id async for c in tp.checkouts.list(currency="EUR", limit=2)]
    assert euros == [created[5], created[3], created[1]]
    by_upstream = await tp.checkouts.list(upstream_ids=["up-0", "up-6"])
    assert {c.id for c in by_upstream.data} == {created[0], created[6]}
    by_id = await tp.checkouts.list(ids=[created[2]])
    assert [c.id for c in by_id.data] == [created[2]]
    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert (await tp.checkouts.list(created_time={"gt": future})).data == []


async def test_retries_ride_out_injected_faults(core: TillpointCore, sandbox: Sandbox) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    attempts: list[str] = []

    async def count(request: httpx.Request) -> None:
        attempts.append(request.url.path)

    sandbox.faults.add(
        {"match": {"method": "GET", "path": "/checkouts/*"}, "status": 503, "count": 2}
    )
    result = await checkouts_get(core.with_options(hooks=Hooks(before_request=count)), checkout.id)

    assert isinstance(result, Ok)
    assert result.value.id == checkout.id
    assert attempts == [f"/checkouts/{checkout.id}"] * 3


async def test_a_dropped_connection_on_create_is_not_retried_without_a_key(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    sandbox.faults.add({"match": {"method": "POST", "path": "/checkouts"}, "drop_connection": True})

    dropped = await checkouts_create(core, seed_002())
    assert isinstance(dropped, Err) and isinstance(dropped.error, errors.APIConnectionError)
    listed = await checkouts_list(core)
    assert isinstance(listed, Ok) and listed.value.data == []  # nothing was created twice

    sandbox.faults.add({"match": {"method": "POST", "path": "/checkouts"}, "drop_connection": True})
    keyed = await checkouts_create(core, seed_002(), idempotency_key="order-1")
    assert isinstance(keyed, Ok)  # the caller's key makes the retry safe


async def test_facade_raises_typed_errors(tp: Tillpoint) -> None:
    with pytest.raises(errors.Error404):
        await tp.checkouts.get("0c7d0a49-0000-4000-8000-000000000000")
    with pytest.raises(errors.InvalidRequestError):
        await tp.checkouts.delete("")
