"""Gr4vy checkout sessions (contract §5 and §6.3).

Sessions are stored per merchant account (the ``x-gr4vy-merchant-account-id``
header, ``default`` when absent), so a session created under account A is a
404 under account B.  A session is gone (404) once ``expires_at`` has passed
on the sandbox clock, or after ``DELETE``.

Expiry: ``expires_at = now + expires_in`` (3600..86400 s, default 3600) on
create.  ``PUT`` is a full replacement of the stored body; when it carries
``expires_in`` the expiry is reset to ``now + expires_in``.  When it does *not*
carry one, the sandbox keeps the current ``expires_at``.  Contract §6.3 notes
that the real server defaults ``expires_in`` to 3600 on every PUT (Gr4vy's SDK
always sends it, so its updates always reset the expiry); tillpoint only sends
``expires_in`` when the caller sets it, and the sandbox keeps the expiry so
that "update without touching the expiry" is observable in tests.

``payment_method`` stays ``null``: it is only set through Gr4vy's internal
secure-fields endpoint, which the sandbox does not implement.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ._clock import Clock, format_gr4vy, utc
from ._errors import gr4vy_error, gr4vy_validation_error
from ._gr4vy_schema import (
    Bool,
    Enum,
    Errors,
    Int,
    ListOf,
    Model,
    Num,
    Schema,
    Str,
    StrMap,
    error,
)

__all__ = ["CHECKOUT_SESSION_BODY", "SessionStore"]

MAX_AMOUNT = 99_999_999
DEFAULT_EXPIRES_IN = 3600
COUNTRY = r"^[A-Z]{2}$"
E164 = r"^\+[1-9]\d{1,14}$"

_AMOUNT = Int(ge=0, le=MAX_AMOUNT)


def _text(max_length: int, min_length: int = 1) -> Str:
    return Str(min_length=min_length, max_length=max_length)


_ADDRESS = Model(
    {
        "city": (_text(100), None),
        "country": (Str(pattern=COUNTRY), None),
        "postal_code": (_text(50), None),
        "state": (_text(255), None),
        "state_code": (Str(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$"), None),
        "house_number_or_name": (_text(255), None),
        "line1": (_text(255), None),
        "line2": (_text(255), None),
        "organization": (_text(255), None),
    }
)
_TAX_ID_KINDS = (
    "ae.trn",
    "au.abn",
    "ar.dni",
    "ar.cuil",
    "ar.cuit",
    "br.cnpj",
    "br.cpf",
    "ca.bn",
    "ca.gst_hst",
    "ca.pst_bc",
    "ca.pst_mb",
    "ca.pst_sk",
    "ca.qst",
    "ch.vat",
    "cl.tin",
    "co.itin",
    "co.nit",
    "co.cc",
    "co.ce",
    "co.de",
    "co.rc",
    "co.ti",
    "co.passport",
    "es.cif",
    "eu.vat",
    "gb.vat",
    "hk.br",
    "id.nik",
    "id.npwp",
    "in.gst",
    "in.pan",
    "jp.cn",
    "jp.rn",
    "kr.brn",
    "li.uid",
    "mx.curp",
    "mx.rfc",
    "my.frp",
    "my.itn",
    "my.nric",
    "my.sst",
    "no.vat",
    "nz.gst",
    "pe.ruc",
    "ph.tin",
    "ru.inn",
    "ru.kpp",
    "sa.vat",
    "sg.gst",
    "sg.uen",
    "th.id",
    "th.vat",
    "tw.vat",
    "us.ein",
    "za.vat",
    "bo.ci",
    "uy.rut",
    "uy.ci",
)
_TAX_ID = Model(
    {
        "value": (_text(50), None),
        "kind": (Enum(*_TAX_ID_KINDS, nullable=False), None),
    },
    required=("value", "kind"),
)
_CONTACT_FIELDS: dict[str, tuple[Schema, Any]] = {
    "first_name": (_text(255), None),
    "last_name": (_text(255), None),
    "email_address": (_text(320), None),
    "phone_number": (Str(pattern=E164), None),
    "address": (_ADDRESS, None),
}
_BILLING_DETAILS = Model({**_CONTACT_FIELDS, "tax_id": (_TAX_ID, None)})
_SHIPPING_DETAILS = Model(dict(_CONTACT_FIELDS))
_GUEST_BUYER = Model(
    {
        "display_name": (_text(200), None),
        "external_identifier": (_text(200), None),
        "billing_details": (_BILLING_DETAILS, None),
        "account_number": (_text(200), None),
        "shipping_details": (_SHIPPING_DETAILS, None),
    }
)
_PRODUCT_TYPES = (
    "physical",
    "discount",
    "shipping_fee",
    "sales_tax",
    "digital",
    "gift_card",
    "store_credit",
    "surcharge",
)
_CART_ITEM = Model(
    {
        "name": (_text(255), None),
        "quantity": (Int(gt=0, le=MAX_AMOUNT, nullable=False), None),
        "unit_amount": (Int(ge=0, le=MAX_AMOUNT, nullable=False), None),
        # Line totals, not per unit (contract §5.3).
        "discount_amount": (_AMOUNT, 0),
        "tax_amount": (_AMOUNT, 0),
        "external_identifier": (_text(200), None),
        "sku": (_text(200), None),
        "upc": (_text(50), None),
        "product_url": (Str(), None),
        "image_url": (Str(), None),
        "categories": (ListOf(Str(min_length=1, max_length=50, nullable=False)), None),
        "subcategories": (ListOf(Str(min_length=1, max_length=50, nullable=False)), None),
        "brand": (_text(255), None),
        "product_type": (Enum(*_PRODUCT_TYPES), None),
        "seller_country": (Str(pattern=COUNTRY), None),
        "tax_exempt": (Bool(), None),
        "unit_of_measure": (_text(50), None),
        "commodity_code": (_text(50), None),
        "description": (_text(255), None),
        "duty_amount": (_AMOUNT, None),
        "shipping_amount": (_AMOUNT, None),
    },
    required=("name", "quantity", "unit_amount"),
    nullable=False,
)
_AIRLINE_LEG = Model(
    {
        "arrival_airport": (_text(3, 3), None),
        "arrival_at": (Str(format="date-time"), None),
        "arrival_city": (_text(100), None),
        "arrival_country": (Str(pattern=COUNTRY), None),
        "carrier_code": (_text(3, 2), None),
        "carrier_name": (Str(min_length=1), None),
        "iata_designator": (_text(2, 2), None),
        "icao_code": (_text(3, 3), None),
        "coupon_number": (_text(50), None),
        "departure_airport": (_text(3, 3), None),
        "departure_at": (Str(format="date-time"), None),
        "departure_city": (_text(100), None),
        "departure_country": (Str(pattern=COUNTRY), None),
        "departure_tax_amount": (_AMOUNT, None),
        "fare_amount": (_AMOUNT, None),
        "fare_basis_code": (_text(8), None),
        "fee_amount": (_AMOUNT, None),
        "flight_class": (_text(5), None),
        "flight_number": (_text(6, 3), None),
        "route_type": (Enum("round_trip", "one_way"), None),
        "seat_class": (_text(5), None),
        "stop_over": (Bool(), None),
        "tax_amount": (_AMOUNT, None),
    },
    nullable=False,
)
_AIRLINE_PASSENGER = Model(
    {
        "age_group": (Enum("adult", "infant"), None),
        "date_of_birth": (Str(format="date"), None),
        "email_address": (_text(320), None),
        "first_name": (_text(255), None),
        "frequent_flyer_number": (_text(50, 5), None),
        "last_name": (_text(255), None),
        "passport_number": (_text(50), None),
        "phone_number": (Str(pattern=E164), None),
        "ticket_number": (_text(50), None),
        "title": (_text(50), None),
        "country_code": (Str(pattern=COUNTRY), None),
    },
    nullable=False,
)
_AIRLINE = Model(
    {
        "booking_code": (_text(50), None),
        "is_cardholder_traveling": (Bool(), None),
        "issued_address": (_text(255), None),
        "issued_at": (Str(format="date-time"), None),
        "issuing_carrier_code": (_text(3, 2), None),
        "issuing_carrier_name": (Str(min_length=1), None),
        "issuing_iata_designator": (_text(2, 2), None),
        "issuing_icao_code": (_text(3, 3), None),
        "legs": (ListOf(_AIRLINE_LEG, max_items=20), None),
        "passenger_name_record": (_text(50), None),
        "passengers": (ListOf(_AIRLINE_PASSENGER, max_items=20), None),
        "reservation_system": (_text(200), None),
        "restricted_ticket": (Bool(), None),
        "ticket_delivery_method": (Enum("electronic", "other"), "electronic"),
        "ticket_number": (_text(50), None),
        "travel_agency_code": (_text(50), None),
        "travel_agency_invoice_number": (_text(50), None),
        "travel_agency_name": (_text(200), None),
        "travel_agency_plan_name": (_text(200), None),
    }
)
# ``CheckoutSessionUpdate``: the body of both create and update (contract §5.3).
CHECKOUT_SESSION_BODY = Model(
    {
        "cart_items": (ListOf(_CART_ITEM), None),
        "metadata": (StrMap(), None),
        "buyer": (_GUEST_BUYER, None),
        "airline": (_AIRLINE, None),
        "amount": (_AMOUNT, None),
        "currency": (Str(pattern=r"^[A-Z]{3}$"), None),
        "payment_service_id": (Str(format="uuid"), None),
        "expires_in": (Num(ge=3600, le=86400, nullable=False), None),
        # Hidden from the SDKs (x-speakeasy-ignore) but accepted by the server.
        "country": (Str(pattern=COUNTRY), None),
        "is_subsequent_payment": (Bool(), None),
        "merchant_initiated": (Bool(), None),
        "payment_source": (
            Enum("ecommerce", "moto", "recurring", "installment", "card_on_file"),
            None,
        ),
        "intent": (Enum("authorize", "capture"), None),
    },
    nullable=False,
)
# The fields a ``CheckoutSession`` response echoes from the stored body.
_ECHOED = ("cart_items", "metadata", "buyer", "airline", "amount", "currency", "payment_service_id")
_ABSENT = object()


@dataclass
class StoredSession:
    id: str
    merchant: str
    body: dict[str, Any]
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        response: dict[str, Any] = {key: self.body.get(key) for key in _ECHOED}
        response.update(
            {
                "type": "checkout-session",
                "id": self.id,
                "expires_at": format_gr4vy(self.expires_at),
                "payment_method": None,
            }
        )
        return response


def _parse_body(raw: bytes, errors: Errors, *, required: bool) -> Any:
    """Parse like FastAPI: an empty body is "no body"; bad JSON is ``json_invalid``."""
    if not raw.strip():
        if required:
            error(errors, "missing", ("body",), "Field required", None)
        return _ABSENT
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except json.JSONDecodeError as exc:
        error(
            errors, "json_invalid", ("body", exc.pos), "JSON decode error", {}, {"error": exc.msg}
        )
        return _ABSENT
    except UnicodeDecodeError as exc:
        error(errors, "json_invalid", ("body", 0), "JSON decode error", {}, {"error": exc.reason})
        return _ABSENT
    if parsed is None:
        if required:
            error(errors, "missing", ("body",), "Field required", None)
        return _ABSENT
    return parsed


def _parse_session_id(session_id: str, errors: Errors) -> str:
    try:
        return str(uuid.UUID(session_id))
    except ValueError as exc:
        error(
            errors,
            "uuid_parsing",
            ("path", "session_id"),
            f"Input should be a valid UUID, {exc}",
            session_id,
            {"error": str(exc)},
        )
        return session_id


class SessionStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sessions: dict[tuple[str, str], StoredSession] = {}

    def clear(self) -> None:
        self._sessions.clear()

    def _now(self) -> datetime:
        return utc(self._clock())

    def _validated_body(self, parsed: Any, errors: Errors) -> dict[str, Any]:
        if parsed is _ABSENT:
            return {}
        body: dict[str, Any] = CHECKOUT_SESSION_BODY.validate(parsed, ("body",), errors)
        return body

    def _live(self, merchant: str, session_id: str) -> StoredSession:
        key = (merchant, session_id)
        stored = self._sessions.get(key)
        if stored is None:
            raise gr4vy_error(404)
        if self._now() >= stored.expires_at:
            del self._sessions[key]  # Expired sessions are gone for good.
            raise gr4vy_error(404)
        return stored

    def create(self, merchant: str, raw: bytes) -> dict[str, Any]:
        errors: Errors = []
        body = self._validated_body(_parse_body(raw, errors, required=False), errors)
        if errors:
            raise gr4vy_validation_error(errors)
        expires_in = body.get("expires_in") or DEFAULT_EXPIRES_IN
        stored = StoredSession(
            id=str(uuid.uuid4()),
            merchant=merchant,
            body=body,
            expires_at=self._now() + timedelta(seconds=expires_in),
        )
        self._sessions[(merchant, stored.id)] = stored
        return stored.to_json()

    def update(self, merchant: str, session_id: str, raw: bytes) -> dict[str, Any]:
        errors: Errors = []
        canonical_id = _parse_session_id(session_id, errors)
        body = self._validated_body(_parse_body(raw, errors, required=True), errors)
        if errors:
            raise gr4vy_validation_error(errors)
        stored = self._live(merchant, canonical_id)
        stored.body = body  # PUT replaces the whole body.
        if body.get("expires_in") is not None:
            stored.expires_at = self._now() + timedelta(seconds=body["expires_in"])
        return stored.to_json()

    def get(self, merchant: str, session_id: str) -> dict[str, Any]:
        errors: Errors = []
        canonical_id = _parse_session_id(session_id, errors)
        if errors:
            raise gr4vy_validation_error(errors)
        return self._live(merchant, canonical_id).to_json()

    def delete(self, merchant: str, session_id: str) -> None:
        errors: Errors = []
        canonical_id = _parse_session_id(session_id, errors)
        if errors:
            raise gr4vy_validation_error(errors)
        self._live(merchant, canonical_id)
        del self._sessions[(merchant, canonical_id)]
