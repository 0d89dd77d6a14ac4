"""Gr4vy checkout sessions against the sandbox over real HTTP: the functions and the
façade, expiry, full replacement, deletion, and the server's 422s."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tillpoint import Err, Ok, Tillpoint, TillpointCore, errors, models
from tillpoint.funcs import sessions_create, sessions_delete, sessions_get, sessions_update
from tillpoint.sandbox import Sandbox
from tillpoint.testing import FakeClock

from .support import START

pytestmark = pytest.mark.anyio


def full_body() -> models.CheckoutSessionCreate:
    return models.CheckoutSessionCreate(
        amount=2598,
        currency="USD",
        metadata={"order_id": "order-12345"},
        cart_items=[
            models.CartItem(
                name="GoPro HD",
                quantity=2,
                unit_amount=1299,
                discount_amount=100,
                tax_amount=50,
                sku="GPHD1078",
                categories=["cameras"],
                product_type="physical",
                seller_country="US",
                tax_exempt=False,
            )
        ],
        buyer=models.GuestBuyer(
            display_name="Ann Example",
            external_identifier="buyer-12345",
            billing_details=models.BillingDetails(
                first_name="Ann",
                last_name="Example",
                email_address="ann@example.com",
                phone_number="+14155552671",
                address=models.SessionAddress(
                    line1="1 Market St", city="San Francisco", country="US", state_code="US-CA"
                ),
                tax_id=models.TaxId(value="12-3456789", kind="us.ein"),
            ),
            shipping_details=models.ShippingDetails(
                first_name="Ann", address=models.SessionAddress(country="US", postal_code="94105")
            ),
        ),
        airline=models.Airline(
            booking_code="X36Q9C",
            issued_at=datetime(2029, 12, 1, 9, 30, tzinfo=timezone.utc),
            ticket_delivery_method="electronic",
            legs=[
                models.AirlineLeg(
                    departure_airport="SFO",
                    arrival_airport="LHR",
                    departure_at=datetime(2030, 2, 1, 18, 0, tzinfo=timezone.utc),
                    route_type="one_way",
                    fare_amount=45000,
                )
            ],
            passengers=[
                models.AirlinePassenger(
                    first_name="Ann", age_group="adult", date_of_birth=date(1990, 1, 31)
                )
            ],
        ),
    )


async def create(
    core: TillpointCore, body: models.CheckoutSessionCreate | None = None
) -> models.CheckoutSession:
    result = await sessions_create(core, body)
    assert isinstance(result, Ok), result
    return result.value


async def test_create_echoes_every_field_with_a_one_hour_expiry(
    core: TillpointCore, clock: FakeClock
) -> None:
    body = full_body()

    result = await sessions_create(core, body)

    assert isinstance(result, Ok), result
    assert result.response is not None and result.response.status_code == 201
    created = result.value
    assert created.type == "checkout-session"
    assert created.expires_at == START + timedelta(hours=1)
    assert created.payment_method is None
    assert created.extra_fields == {}
    assert (created.amount, created.currency, created.metadata) == (
        2598,
        "USD",
        {"order_id": "order-12345"},
    )
    # Everything sent comes back as sent; the server fills the fields left unset.
    assert created.cart_items and created.buyer and created.airline
    item = created.cart_items[0]
    assert (item.name, item.quantity, item.unit_amount, item.discount_amount) == (
        "GoPro HD",
        2,
        1299,
        100,
    )
    assert item.product_type == "physical" and item.categories == ["cameras"]
    assert item.brand is None
    assert created.buyer.billing_details and created.buyer.billing_details.tax_id
    assert created.buyer.billing_details.tax_id == models.TaxId(value="12-3456789", kind="us.ein")
    assert created.buyer.billing_details.address
    assert created.buyer.billing_details.address.state_code == "US-CA"
    assert created.airline.legs and created.airline.legs[0].departure_at == datetime(
        2030, 2, 1, 18, 0, tzinfo=timezone.utc
    )
    assert created.airline.passengers
    assert created.airline.passengers[0].date_of_birth == date(1990, 1, 31)

    fetched = await sessions_get(core, created.id)
    assert isinstance(fetched, Ok) and fetched.value == created


async def test_create_without_a_body_is_an_empty_session(
    core: TillpointCore, clock: FakeClock
) -> None:
    created = await create(core)

    assert created.expires_at == START + timedelta(seconds=3600)
    assert created.cart_items is None and created.amount is None and created.buyer is None
    assert created.payment_method is None


@pytest.mark.parametrize("expires_in", [3600, 7200, 86400])
async def test_expires_in_sets_the_expiry(
    core: TillpointCore, clock: FakeClock, expires_in: int
) -> None:
    created = await create(core, models.CheckoutSessionCreate(expires_in=expires_in))

    assert created.expires_at == START + timedelta(seconds=expires_in)


@pytest.mark.parametrize(
    ("expires_in", "problem"), [(3599, "greater_than_equal"), (86401, "less_than_equal")]
)
async def test_expires_in_out_of_bounds_is_a_422(
    core: TillpointCore, clock: FakeClock, expires_in: int, problem: str
) -> None:
    result = await sessions_create(core, models.CheckoutSessionCreate(expires_in=expires_in))

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.HTTPValidationError)
    assert isinstance(result.error.data, models.ValidationErrorBody)
    (detail,) = result.error.data.detail or []
    assert detail.loc == ["body", "expires_in"]
    assert detail.type == problem and detail.input == expires_in


async def test_update_replaces_the_whole_session_and_keeps_the_expiry(
    core: TillpointCore, clock: FakeClock
) -> None:
    created = await create(core, full_body())
    clock.advance(600)

    result = await sessions_update(
        core, created.id, models.CheckoutSessionCreate(amount=100, currency="EUR")
    )

    assert isinstance(result, Ok), result
    updated = result.value
    assert updated.id == created.id
    assert (updated.amount, updated.currency) == (100, "EUR")
    # A PUT: what the new body leaves out is gone.
    assert updated.cart_items is None and updated.buyer is None
    assert updated.airline is None and updated.metadata is None
    # tillpoint sent no expires_in, so the expiry did not move.
    assert updated.expires_at == created.expires_at
    fetched = await sessions_get(core, created.id)
    assert isinstance(fetched, Ok) and fetched.value == updated


async def test_update_with_expires_in_moves_the_expiry(
    core: TillpointCore, clock: FakeClock
) -> None:
    created = await create(core)
    clock.advance(1800)

    result = await sessions_update(core, created.id, models.CheckoutSessionCreate(expires_in=7200))

    assert isinstance(result, Ok), result
    assert result.value.expires_at == START + timedelta(seconds=1800 + 7200)


async def test_delete_then_everything_is_404(core: TillpointCore) -> None:
    created = await create(core)

    deleted = await sessions_delete(core, created.id)

    assert isinstance(deleted, Ok) and deleted.value is None
    assert deleted.response is not None and deleted.response.status_code == 204
    for result in (
        await sessions_get(core, created.id),
        await sessions_update(core, created.id, models.CheckoutSessionCreate()),
        await sessions_delete(core, created.id),
    ):
        assert isinstance(result, Err) and isinstance(result.error, errors.Error404)
        assert isinstance(result.error.data, models.Gr4vyErrorBody)
        assert result.error.data.code == "not_found"
        assert result.error.data.status == 404
        assert result.error.data.message == "The resource could not be found"


async def test_an_expired_session_is_404(core: TillpointCore, clock: FakeClock) -> None:
    created = await create(core)
    clock.advance(3599)
    assert isinstance(await sessions_get(core, created.id), Ok)

    clock.advance(1)

    result = await sessions_get(core, created.id)
    assert isinstance(result, Err) and isinstance(result.error, errors.Error404)


async def test_invalid_bodies_are_422_with_every_problem(core: TillpointCore) -> None:
    body = models.CheckoutSessionCreate(
        currency="usd",
        amount=100_000_000,
        cart_items=[
            models.CartItem(name="", quantity=0, unit_amount=1, product_type="time_machine")
        ],
        extra_fields={"colour": "red"},
    )

    result = await sessions_create(core, body)

    assert isinstance(result, Err)
    error = result.error
    assert isinstance(error, errors.HTTPValidationError)
    assert isinstance(error.data, models.ValidationErrorBody)
    found = {(tuple(d.loc or ()), d.type) for d in error.data.detail or ()}
    assert found == {
        (("body", "cart_items", 0, "name"), "string_too_short"),
        (("body", "cart_items", 0, "quantity"), "greater_than"),
        (("body", "cart_items", 0, "product_type"), "enum"),
        (("body", "amount"), "less_than_equal"),
        (("body", "currency"), "string_pattern_mismatch"),
        (("body", "colour"), "extra_forbidden"),
    }
    assert "body.colour: Extra inputs are not permitted" in str(error)


async def test_unknown_nested_fields_are_refused_on_update_too(core: TillpointCore) -> None:
    created = await create(core)
    item = models.CartItem(name="n", quantity=1, unit_amount=1, extra_fields={"gift_wrap": True})

    result = await sessions_update(
        core, created.id, models.CheckoutSessionCreate(cart_items=[item])
    )

    assert isinstance(result, Err) and isinstance(result.error, errors.HTTPValidationError)
    assert result.error.data is not None
    assert isinstance(result.error.data, models.ValidationErrorBody)
    assert [d.loc for d in result.error.data.detail or ()] == [
        ["body", "cart_items", 0, "gift_wrap"]
    ]


async def test_a_session_id_that_is_not_a_uuid_is_422(core: TillpointCore) -> None:
    result = await sessions_get(core, "not-a-uuid")

    assert isinstance(result, Err) and isinstance(result.error, errors.HTTPValidationError)
    assert isinstance(result.error.data, models.ValidationErrorBody)
    assert [d.loc for d in result.error.data.detail or ()] == [["path", "session_id"]]


async def test_sessions_belong_to_their_merchant_account(core: TillpointCore) -> None:
    created = await create(core.with_options(merchant_account_id="acme"))

    elsewhere = await sessions_get(core, created.id)
    per_call = await sessions_get(core, created.id, merchant_account_id="acme")
    other = await sessions_get(
        core.with_options(merchant_account_id="acme"), created.id, merchant_account_id="globex"
    )

    assert isinstance(elsewhere, Err) and isinstance(elsewhere.error, errors.Error404)
    assert isinstance(per_call, Ok) and per_call.value.id == created.id
    assert isinstance(other, Err) and isinstance(other.error, errors.Error404)


async def test_no_token_is_a_401(served: tuple[Sandbox, str], sandbox: Sandbox) -> None:
    async with TillpointCore(server_url=served[1]) as anonymous:
        refused = await sessions_create(anonymous)  # tillpoint refuses it without sending
        # An empty Authorization header of the caller's own gets past that, to the server.
        result = await sessions_create(anonymous, http_headers={"Authorization": ""})

    assert isinstance(refused, Err) and isinstance(refused.error, errors.InvalidRequestError)
    assert isinstance(result, Err) and isinstance(result.error, errors.Error401)
    assert isinstance(result.error.data, models.Gr4vyErrorBody)
    assert result.error.data.code == "unauthorized"


async def test_the_facade_end_to_end(tp: Tillpoint, clock: FakeClock) -> None:
    created = await tp.sessions.create(
        models.CheckoutSessionCreate(
            amount=1299,
            currency="USD",
            cart_items=[models.CartItem(name="Keyboard", quantity=1, unit_amount=1299)],
        ),
        merchant_account_id="acme",
    )
    assert created.expires_at == START + timedelta(hours=1)

    read = await tp.sessions.get(created.id, merchant_account_id="acme")
    assert read == created
    clock.advance(60)
    updated = await tp.sessions.update(
        created.id, models.CheckoutSessionCreate(amount=2598), merchant_account_id="acme"
    )
    assert updated.amount == 2598 and updated.currency is None and updated.cart_items is None
    assert updated.expires_at == created.expires_at

    with pytest.raises(errors.Error404):
        await tp.sessions.get(created.id)  # another merchant account
    with pytest.raises(errors.HTTPValidationError) as raised:
        await tp.sessions.update(
            created.id, models.CheckoutSessionCreate(expires_in=60), merchant_account_id="acme"
        )
    assert raised.value.status_code == 422

    assert await tp.sessions.delete(created.id, merchant_account_id="acme") is None
    with pytest.raises(errors.Error404):
        await tp.sessions.get(created.id, merchant_account_id="acme")
    with pytest.raises(errors.InvalidRequestError):
        await tp.sessions.get(" ")
