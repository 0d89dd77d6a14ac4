"""Contract §6.2 through the SDK over real HTTP: the payment session's state machine.

Sources are made the way a user's tests would make them: ``POST /sandbox/sources`` on
the served sandbox (or one of the pre-seeded ids), then attached with the SDK.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tillpoint import Err, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_detach_source,
    checkouts_get,
    checkouts_update,
)
from tillpoint.sandbox import SEED_SOURCES, Sandbox

from .conftest import TOKEN
from .support import amounts_by_source, create, is_uuid4, seed_002, session_of

pytestmark = pytest.mark.anyio

D = Decimal
MakeSource = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
async def control(
    served: tuple[Sandbox, str], sandbox: Sandbox
) -> AsyncIterator[httpx.AsyncClient]:
    """A plain client for the sandbox's own routes, over the same real HTTP."""
    async with httpx.AsyncClient(
        base_url=served[1], headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        yield client


@pytest.fixture
def make_source(control: httpx.AsyncClient) -> MakeSource:
    async def make(**spec: Any) -> dict[str, Any]:
        response = await control.post("/sandbox/sources", json=spec)
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    return make


async def source_state(control: httpx.AsyncClient, source_id: str) -> str:
    response = await control.get(f"/sandbox/sources/{source_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


async def attach(core: TillpointCore, checkout_id: str, source_id: str) -> models.Source:
    result = await checkouts_attach_source(core, checkout_id, source_id)
    assert isinstance(result, Ok), result
    return result.value


async def fetch(core: TillpointCore, checkout_id: str) -> models.Checkout:
    result = await checkouts_get(core, checkout_id)
    assert isinstance(result, Ok), result
    return result.value


def conflict_code(result: object) -> str:
    """The ``errors[0].code`` of a typed 409, or fail."""
    assert isinstance(result, Err), result
    assert isinstance(result.error, errors.Error409), result.error
    data = result.error.data
    assert isinstance(data, models.DigitalRiverErrorBody) and data.errors
    return str(data.errors[0].code)


async def test_test_sources_are_made_over_http_with_type_amount_reusable_and_state(
    make_source: MakeSource, control: httpx.AsyncClient
) -> None:
    credit = await make_source(type="customerCredit", amount=12.5)
    card = await make_source(type="creditCard", reusable=True)
    waiting = await make_source(type="payPal", state="pending_redirect")

    assert is_uuid4(credit["id"]) and credit["clientSecret"].startswith(credit["id"] + "_")
    assert (credit["type"], credit["amount"], credit["reusable"]) == ("customerCredit", 12.5, False)
    assert (card["type"], card["reusable"], card["state"]) == ("creditCard", True, "chargeable")
    assert waiting["state"] == "pending_redirect"
    assert credit["liveMode"] is False

    # A store credit needs an amount; the answer is in DR's error format.
    missing = await control.post("/sandbox/sources", json={"type": "customerCredit"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0] == {
        "code": "missing_parameter",
        "parameter": "amount",
        "message": "A parameter is missing.",
    }
    # Like every Digital River route, it wants a test key.
    live = await control.post(
        "/sandbox/sources",
        json={"type": "creditCard"},
        headers={"Authorization": "Bearer sk_live_nope"},
    )
    assert live.status_code == 401


async def test_seed_002_with_the_pre_seeded_sources(core: TillpointCore, tp: Tillpoint) -> None:
    assert set(SEED_SOURCES) >= {"src_test_visa", "src_test_store_credit_10"}
    checkout = await create(core, seed_002())
    assert checkout.id
    assert session_of(checkout).state == "requires_source"

    credit = await tp.checkouts.attach_source(checkout.id, "src_test_store_credit_10")
    card = await tp.checkouts.attach_source(checkout.id, "src_test_visa")

    assert (credit.type, credit.amount) == ("customerCredit", D(10))
    assert (card.type, card.amount, card.reusable) == ("creditCard", D("16.89"), True)
    assert card.payment_session_id == session_of(checkout).id
    after = await tp.checkouts.get(checkout.id)
    session = session_of(after)
    assert session.state == "requires_confirmation"
    assert (session.amount_contributed, session.amount_remaining_to_be_contributed) == (
        D("26.89"),
        D(0),
    )
    # The primary is listed first, then the store credits.
    assert after.payment and [s.id for s in after.payment.sources or []] == [
        "src_test_visa",
        "src_test_store_credit_10",
    ]


async def test_store_credits_stack_until_a_primary_funds_the_rest(
    core: TillpointCore, make_source: MakeSource
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    ten = await make_source(type="customerCredit", amount=10)
    five = await make_source(type="customerCredit", amount=5.5)

    await attach(core, checkout.id, ten["id"])
    one = await fetch(core, checkout.id)
    await attach(core, checkout.id, five["id"])
    two = await fetch(core, checkout.id)

    assert session_of(one).state == session_of(two).state == "requires_source"
    assert session_of(one).amount_remaining_to_be_contributed == D("16.89")
    assert session_of(two).amount_contributed == D("15.5")
    assert session_of(two).amount_remaining_to_be_contributed == D("11.39")

    # A credit one cent larger than the 11.39 still to fund is the documented 409.
    too_much = await make_source(type="customerCredit", amount=11.4)
    assert conflict_code(await checkouts_attach_source(core, checkout.id, too_much["id"])) == (
        "session_source_amount_too_large"
    )

    card = await make_source(type="creditCard", reusable=True)
    attached = await attach(core, checkout.id, card["id"])
    assert attached.amount == D("11.39")
    covered = await fetch(core, checkout.id)
    assert session_of(covered).state == "requires_confirmation"
    assert amounts_by_source(covered) == {
        card["id"]: D("11.39"),
        ten["id"]: D(10),
        five["id"]: D("5.5"),
    }


async def test_a_new_primary_replaces_the_old_one_which_is_cancelled_if_single_use(
    core: TillpointCore, make_source: MakeSource, control: httpx.AsyncClient
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    first = await make_source(type="creditCard")  # reusable defaults to false
    second = await make_source(type="payPal", reusable=True)

    await attach(core, checkout.id, first["id"])
    replaced = await attach(core, checkout.id, second["id"])

    assert replaced.amount == D("26.89")
    after = await fetch(core, checkout.id)
    assert amounts_by_source(after) == {second["id"]: D("26.89")}
    assert session_of(after).state == "requires_confirmation"
    assert await source_state(control, first["id"]) == "cancelled"
    assert conflict_code(await checkouts_attach_source(core, checkout.id, first["id"])) == (
        "source_status_invalid_for_session"
    )


async def test_a_store_credit_after_a_single_use_primary_is_not_allowed(
    core: TillpointCore, tp: Tillpoint
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    await attach(core, checkout.id, "src_test_visa_single_use")

    result = await checkouts_attach_source(core, checkout.id, "src_test_store_credit_10")

    assert conflict_code(result) == "session_update_not_allowed"
    with pytest.raises(errors.Error409) as raised:  # the façade raises the same typed error
        await tp.checkouts.attach_source(checkout.id, "src_test_store_credit_10")
    assert raised.value.data is not None
    assert raised.value.data.codes == ["session_update_not_allowed"]  # type: ignore[union-attr]
    # Nothing changed: the single-use card still funds everything.
    assert amounts_by_source(await fetch(core, checkout.id)) == {
        "src_test_visa_single_use": D("26.89")
    }


async def test_a_store_credit_may_not_exceed_what_other_credits_leave(
    core: TillpointCore, make_source: MakeSource
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    await attach(core, checkout.id, "src_test_visa")
    twenty = await make_source(type="customerCredit", amount=20)
    seven = await make_source(type="customerCredit", amount=7)

    # A reusable primary absorbs the rest: 20 of 26.89 is fine, the card drops to 6.89.
    await attach(core, checkout.id, twenty["id"])
    assert amounts_by_source(await fetch(core, checkout.id))["src_test_visa"] == D("6.89")

    assert conflict_code(await checkouts_attach_source(core, checkout.id, seven["id"])) == (
        "session_source_amount_too_large"
    )


@pytest.mark.parametrize(
    ("source_id", "session_state"),
    [
        ("src_test_pending_redirect", "pending_redirect"),
        ("src_test_pending_funds", "pending_funds"),
        ("src_test_requires_action", "requires_action"),
    ],
)
async def test_a_waiting_primary_puts_the_session_in_its_state(
    core: TillpointCore, source_id: str, session_state: str
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id

    attached = await attach(core, checkout.id, source_id)

    assert attached.state == session_state
    session = session_of(await fetch(core, checkout.id))
    assert session.state == session_state
    assert session.amount_remaining_to_be_contributed == 0


async def test_a_cancelled_source_cannot_be_attached(core: TillpointCore) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id

    result = await checkouts_attach_source(core, checkout.id, "src_test_cancelled")

    assert conflict_code(result) == "source_status_invalid_for_session"
    assert session_of(await fetch(core, checkout.id)).state == "requires_source"


async def test_detach_recomputes_the_session(
    core: TillpointCore, tp: Tillpoint, control: httpx.AsyncClient
) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    await attach(core, checkout.id, "src_test_store_credit_10")
    await attach(core, checkout.id, "src_test_visa_single_use")

    detached = await checkouts_detach_source(core, checkout.id, "src_test_visa_single_use")
    assert detached == Ok(None, None)
    after = await fetch(core, checkout.id)
    session = session_of(after)
    assert session.state == "requires_source"
    assert (session.amount_contributed, session.amount_remaining_to_be_contributed) == (
        D(10),
        D("16.89"),
    )
    assert amounts_by_source(after) == {"src_test_store_credit_10": D(10)}
    # A detached single-use source is cancelled, and cannot come back (§6.2).
    assert await source_state(control, "src_test_visa_single_use") == "cancelled"
    assert conflict_code(
        await checkouts_attach_source(core, checkout.id, "src_test_visa_single_use")
    ) == ("source_status_invalid_for_session")

    await tp.checkouts.detach_source(checkout.id, "src_test_store_credit_10")
    empty = session_of(await tp.checkouts.get(checkout.id))
    assert (empty.state, empty.amount_contributed) == ("requires_source", D(0))
    assert empty.amount_remaining_to_be_contributed == D("26.89")


async def test_a_totals_change_recomputes_the_source_amounts(core: TillpointCore) -> None:
    checkout = await create(core, seed_002())
    assert checkout.id
    await attach(core, checkout.id, "src_test_store_credit_10")
    await attach(core, checkout.id, "src_test_visa")

    dearer = await checkouts_update(
        core,
        checkout.id,
        models.CheckoutUpdate(shipping_choice=models.ShippingChoice(amount=D("8.00"))),
    )

    assert isinstance(dearer, Ok), dearer
    assert dearer.value.total_amount == D("30.11")
    assert amounts_by_source(dearer.value) == {
        "src_test_visa": D("20.11"),
        "src_test_store_credit_10": D(10),
    }
    assert session_of(dearer.value).state == "requires_confirmation"
    assert session_of(dearer.value).amount_contributed == D("30.11")

    # Free shipping to Oregon: 20.00 untaxed, so the card now funds only 10.00.
    cheaper = await checkouts_update(
        core,
        checkout.id,
        models.CheckoutUpdate(
            ship_to=models.ShipTo(address=models.Address(state="OR", country="US")),
            shipping_discount=models.Discount(percent_off=D(100)),
        ),
    )
    assert isinstance(cheaper, Ok), cheaper
    assert cheaper.value.total_amount == D(20)
    assert amounts_by_source(cheaper.value)["src_test_visa"] == D(10)
    assert session_of(cheaper.value).amount_remaining_to_be_contributed == 0


async def test_an_update_below_the_store_credit_is_a_conflict_that_changes_nothing(
    core: TillpointCore,
) -> None:
    # 8.00 + 0.60 tax + 5.00 shipping + 0.38 tax = 13.98, then a 10.00 store credit.
    body = seed_002(items=[models.Item(sku_id="sku_1", quantity=1, price=D(8))])
    checkout = await create(core, body)
    assert checkout.id and checkout.total_amount == D("13.98")
    await attach(core, checkout.id, "src_test_store_credit_10")

    # Free shipping would make the total 8.60, less than the credit already attached.
    free_shipping = models.CheckoutUpdate(shipping_discount=models.Discount(percent_off=D(100)))
    result = await checkouts_update(core, checkout.id, free_shipping)

    assert conflict_code(result) == "session_source_amount_too_large"
    unchanged = await fetch(core, checkout.id)
    assert unchanged.total_amount == D("13.98") and unchanged.shipping_discount is models.UNSET
    assert session_of(unchanged).amount_remaining_to_be_contributed == D("3.98")


async def test_a_source_id_in_the_create_body_is_attached(tp: Tillpoint) -> None:
    checkout = await tp.checkouts.create(seed_002(source_id="src_test_visa"))

    assert amounts_by_source(checkout) == {"src_test_visa": D("26.89")}
    assert session_of(checkout).state == "requires_confirmation"
