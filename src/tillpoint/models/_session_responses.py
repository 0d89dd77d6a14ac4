"""Gr4vy checkout sessions as the API returns them, and the parts requests share.

The public home of every name here is ``tillpoint.models.sessions``; the request body
lives apart, in ``_session_requests``, so that a read never builds it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Union

import attrs

from ._base import UNSET, Gr4vyModel, Unset

# No __all__ of its own: ``models.sessions`` lists what it exports.

# Open enums: the documented values, and any other string.
ProductType = Union[
    Literal[
        "physical", "discount", "shipping_fee", "sales_tax", "digital", "gift_card",
        "store_credit", "surcharge",
    ],
    str,
]  # fmt: skip
CardScheme = Union[
    Literal[
        "accel", "amex", "bancontact", "carte-bancaire", "cirrus", "culiance", "dankort",
        "diners-club", "discover", "eftpos-australia", "elo", "hipercard", "jcb", "maestro",
        "mastercard", "mir", "nyce", "other", "pulse", "qcard", "rupay", "star", "uatp",
        "unionpay", "visa",
    ],
    str,
]  # fmt: skip
CardType = Union[Literal["credit", "debit", "prepaid"], str]
TicketDeliveryMethod = Union[Literal["electronic", "other"], str]
RouteType = Union[Literal["round_trip", "one_way"], str]
AgeGroup = Union[Literal["adult", "infant"], str]
TaxIdKind = Union[
    Literal[
        "ae.trn", "au.abn", "ar.dni", "ar.cuil", "ar.cuit", "br.cnpj", "br.cpf", "ca.bn",
        "ca.gst_hst", "ca.pst_bc", "ca.pst_mb", "ca.pst_sk", "ca.qst", "ch.vat", "cl.tin",
        "co.itin", "co.nit", "co.cc", "co.ce", "co.de", "co.rc", "co.ti", "co.passport",
        "es.cif", "eu.vat", "gb.vat", "hk.br", "id.nik", "id.npwp", "in.gst", "in.pan",
        "jp.cn", "jp.rn", "kr.brn", "li.uid", "mx.curp", "mx.rfc", "my.frp", "my.itn",
        "my.nric", "my.sst", "no.vat", "nz.gst", "pe.ruc", "ph.tin", "ru.inn", "ru.kpp",
        "sa.vat", "sg.gst", "sg.uen", "th.id", "th.vat", "tw.vat", "us.ein", "za.vat",
        "bo.ci", "uy.rut", "uy.ci",
    ],
    str,
]  # fmt: skip


# --- cart -------------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class CartItem(Gr4vyModel):
    """A line of the cart. ``name``, ``quantity`` (> 0) and ``unit_amount`` are required;
    ``discount_amount`` and ``tax_amount`` are line totals, not per unit."""

    name: str
    quantity: int
    unit_amount: int
    discount_amount: int | Unset | None = UNSET
    tax_amount: int | Unset | None = UNSET
    external_identifier: str | Unset | None = UNSET
    sku: str | Unset | None = UNSET
    upc: str | Unset | None = UNSET
    product_url: str | Unset | None = UNSET
    image_url: str | Unset | None = UNSET
    categories: list[str] | Unset | None = UNSET
    subcategories: list[str] | Unset | None = UNSET
    brand: str | Unset | None = UNSET
    product_type: ProductType | Unset | None = UNSET
    seller_country: str | Unset | None = UNSET
    """ISO 3166 alpha-2, e.g. ``US``."""
    tax_exempt: bool | Unset | None = UNSET
    unit_of_measure: str | Unset | None = UNSET
    commodity_code: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    duty_amount: int | Unset | None = UNSET
    shipping_amount: int | Unset | None = UNSET


# --- buyer ------------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class SessionAddress(Gr4vyModel):
    """A Gr4vy postal address (``models.Address`` is Digital River's).

    ``country`` is ISO 3166 alpha-2; ``state_code`` is ISO 3166-2 (``US-CA``)."""

    city: str | Unset | None = UNSET
    country: str | Unset | None = UNSET
    postal_code: str | Unset | None = UNSET
    state: str | Unset | None = UNSET
    state_code: str | Unset | None = UNSET
    house_number_or_name: str | Unset | None = UNSET
    line1: str | Unset | None = UNSET
    line2: str | Unset | None = UNSET
    organization: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class TaxId(Gr4vyModel):
    """A buyer's tax id: both ``value`` and ``kind`` (e.g. ``gb.vat``) are required."""

    value: str
    kind: TaxIdKind


@attrs.define(kw_only=True, repr=False, eq=False)
class BillingDetails(Gr4vyModel):
    """Who pays: ``phone_number`` is E.164 (``+14155552671``)."""

    first_name: str | Unset | None = UNSET
    last_name: str | Unset | None = UNSET
    email_address: str | Unset | None = UNSET
    phone_number: str | Unset | None = UNSET
    address: SessionAddress | Unset | None = UNSET
    tax_id: TaxId | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class ShippingDetails(Gr4vyModel):
    """Where the order goes (Gr4vy's ``ShippingDetailsCreate``): billing details, no tax id."""

    first_name: str | Unset | None = UNSET
    last_name: str | Unset | None = UNSET
    email_address: str | Unset | None = UNSET
    phone_number: str | Unset | None = UNSET
    address: SessionAddress | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class GuestBuyer(Gr4vyModel):
    """The buyer, described inline: no buyer resource is created on Gr4vy."""

    display_name: str | Unset | None = UNSET
    external_identifier: str | Unset | None = UNSET
    billing_details: BillingDetails | Unset | None = UNSET
    account_number: str | Unset | None = UNSET
    shipping_details: ShippingDetails | Unset | None = UNSET


# --- airline addendum -------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class AirlineLeg(Gr4vyModel):
    """One flight of an itinerary; amounts are minor units."""

    arrival_airport: str | Unset | None = UNSET
    arrival_at: datetime | Unset | None = UNSET
    arrival_city: str | Unset | None = UNSET
    arrival_country: str | Unset | None = UNSET
    carrier_code: str | Unset | None = UNSET
    carrier_name: str | Unset | None = UNSET
    iata_designator: str | Unset | None = UNSET
    icao_code: str | Unset | None = UNSET
    coupon_number: str | Unset | None = UNSET
    departure_airport: str | Unset | None = UNSET
    departure_at: datetime | Unset | None = UNSET
    departure_city: str | Unset | None = UNSET
    departure_country: str | Unset | None = UNSET
    departure_tax_amount: int | Unset | None = UNSET
    fare_amount: int | Unset | None = UNSET
    fare_basis_code: str | Unset | None = UNSET
    fee_amount: int | Unset | None = UNSET
    flight_class: str | Unset | None = UNSET
    flight_number: str | Unset | None = UNSET
    route_type: RouteType | Unset | None = UNSET
    seat_class: str | Unset | None = UNSET
    stop_over: bool | Unset | None = UNSET
    tax_amount: int | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class AirlinePassenger(Gr4vyModel):
    """One traveller."""

    age_group: AgeGroup | Unset | None = UNSET
    date_of_birth: date | Unset | None = UNSET
    email_address: str | Unset | None = UNSET
    first_name: str | Unset | None = UNSET
    frequent_flyer_number: str | Unset | None = UNSET
    last_name: str | Unset | None = UNSET
    passport_number: str | Unset | None = UNSET
    phone_number: str | Unset | None = UNSET
    ticket_number: str | Unset | None = UNSET
    title: str | Unset | None = UNSET
    country_code: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class Airline(Gr4vyModel):
    """The airline addendum: at most 20 ``legs`` and 20 ``passengers``."""

    booking_code: str | Unset | None = UNSET
    is_cardholder_traveling: bool | Unset | None = UNSET
    issued_address: str | Unset | None = UNSET
    issued_at: datetime | Unset | None = UNSET
    issuing_carrier_code: str | Unset | None = UNSET
    issuing_carrier_name: str | Unset | None = UNSET
    issuing_iata_designator: str | Unset | None = UNSET
    issuing_icao_code: str | Unset | None = UNSET
    legs: list[AirlineLeg] | Unset | None = UNSET
    passenger_name_record: str | Unset | None = UNSET
    passengers: list[AirlinePassenger] | Unset | None = UNSET
    reservation_system: str | Unset | None = UNSET
    restricted_ticket: bool | Unset | None = UNSET
    ticket_delivery_method: TicketDeliveryMethod | Unset | None = UNSET
    ticket_number: str | Unset | None = UNSET
    travel_agency_code: str | Unset | None = UNSET
    travel_agency_invoice_number: str | Unset | None = UNSET
    travel_agency_name: str | Unset | None = UNSET
    travel_agency_plan_name: str | Unset | None = UNSET


# --- sessions ---------------------------------------------------------------------


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutSessionPaymentMethodDetails(Gr4vyModel):
    """What is known about the card: ``bin``, issuing country and issuer, its type."""

    bin: str | Unset | None = UNSET
    card_country: str | Unset | None = UNSET
    card_type: CardType | Unset | None = UNSET
    card_issuer_name: str | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutSessionPaymentMethod(Gr4vyModel):
    """The card stored on the session; ``label`` is its last four digits."""

    type: Literal["payment-method"] | str | Unset | None = UNSET
    id: str | Unset | None = UNSET
    method: Literal["card"] | str | Unset | None = UNSET
    scheme: CardScheme | Unset | None = UNSET
    label: str | Unset | None = UNSET
    fingerprint: str | Unset | None = UNSET
    details: CheckoutSessionPaymentMethodDetails | Unset | None = UNSET


@attrs.define(kw_only=True, repr=False, eq=False)
class CheckoutSession(Gr4vyModel):
    """A checkout session, as create, get and update return it.

    It has no status and no ``expires_in``: an expired session is simply gone (404).
    ``payment_method`` stays ``None`` until a card is stored through Gr4vy's
    secure fields.
    """

    id: str
    expires_at: datetime
    type: Literal["checkout-session"] | str | Unset | None = UNSET
    cart_items: list[CartItem] | Unset | None = UNSET
    metadata: dict[str, str] | Unset | None = UNSET
    buyer: GuestBuyer | Unset | None = UNSET
    airline: Airline | Unset | None = UNSET
    amount: int | Unset | None = UNSET
    currency: str | Unset | None = UNSET
    payment_service_id: str | Unset | None = UNSET
    payment_method: CheckoutSessionPaymentMethod | Unset | None = UNSET
