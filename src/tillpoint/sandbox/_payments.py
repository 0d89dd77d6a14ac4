"""Payment sources and the checkout payment session (contract §6.2).

Sources live in one store shared by all checkouts (as in DR, a reusable source
can fund many checkouts).  A checkout owns a :class:`PaymentSession` that
records which sources are attached; amounts and the session ``state`` are
*derived* from the checkout total every time the checkout is rendered, so a
totals change on update recomputes them without extra bookkeeping.

Rules implemented (contract §6.2 and §4.3):

* **Primary** source = any ``type`` other than ``customerCredit``; at most one.
  Attaching another primary replaces it; its ``amount`` is always
  ``totalAmount − Σ secondary``.
* **Secondary** sources (``customerCredit``) keep the amount they were created
  with.  Attaching one whose amount exceeds ``totalAmount − Σ secondary`` ->
  409 ``session_source_amount_too_large``; attaching one while the primary is
  single-use -> 409 ``session_update_not_allowed``.
* Only ``chargeable`` and ``pending_funds`` sources are documented as
  attachable.  The sandbox also accepts ``pending_redirect`` and
  ``requires_action`` primaries so that the suggested session-state mapping
  (the primary's state becomes the session state) can be exercised.  Sources
  that are ``consumed``, ``cancelled`` or ``failed`` -> 409
  ``source_status_invalid_for_session``.
* Detaching (or replacing) a single-use (``reusable: false``) source sets its
  state to ``cancelled``, so re-attaching it fails as documented.
* Session state: the primary's ``pending_redirect``/``pending_funds``/
  ``requires_action`` state wins; otherwise ``requires_confirmation`` once the
  sources cover the total (or the total is zero), else ``requires_source``.
* If an update lowers the total below the sum of attached store credits, the
  update is rejected with 409 ``session_source_amount_too_large``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ._clock import Clock, format_dr
from ._dr_schema import (
    ADDRESS,
    Boolean,
    Choice,
    IdLike,
    Metadata,
    Number,
    Object,
    Text,
    invalid,
    missing,
)
from ._errors import ApiError, dr_conflict, dr_not_found
from ._money import ISO_4217_CURRENCIES, ZERO, as_json_number

__all__ = [
    "ATTACHABLE_STATES",
    "SEED_SOURCES",
    "SOURCE_STATES",
    "SOURCE_TYPES",
    "PaymentSession",
    "Source",
    "SourceStore",
]

# DR-SPEC ``Source.type`` plus the DR-PHP additions (contract §3.7).
SOURCE_TYPES: tuple[str, ...] = (
    "creditCard",
    "directDebit",
    "googlePay",
    "applePay",
    "payPal",
    "payPalBilling",
    "payPalCredit",
    "wireTransfer",
    "customerCredit",
    "alipay",
    "alipayCn",
    "bPay",
    "onlineBanking",
    "codJapan",
    "klarnaCredit",
    "klarnaCreditRecurring",
    "konbini",
    "bankTransfer",
    "msts",
    "bancontact",
    "giftCard",
    "ideal",
    "amazonPay",
    "afterPay",
    "ccAvenue",
)
SOURCE_STATES: tuple[str, ...] = (
    "pending_funds",
    "pending_redirect",
    "requires_action",
    "chargeable",
    "consumed",
    "cancelled",
    "failed",
)
ATTACHABLE_STATES = frozenset(
    {"chargeable", "pending_funds", "pending_redirect", "requires_action"}
)
# A primary in one of these states puts the whole session in the same state.
_SESSION_STATE_FROM_PRIMARY = frozenset({"pending_redirect", "pending_funds", "requires_action"})
SECONDARY_TYPE = "customerCredit"

_DEFAULT_OWNER: dict[str, Any] = {
    "firstName": "William",
    "lastName": "Brown",
    "email": "null@digitalriver.com",
    "address": {
        "line1": "10380 Bren Rd W",
        "city": "Minnetonka",
        "postalCode": "55343",
        "state": "MN",
        "country": "US",
    },
}

# Pre-seeded sources, available in every fresh (or reset) sandbox unless
# ``Sandbox(seed_sources=False)``.  Single-use ones become ``cancelled`` when
# detached; ``Sandbox.reset()`` restores them.
SEED_SOURCES: dict[str, dict[str, Any]] = {
    # Reusable Visa: the usual primary source.
    "src_test_visa": {"type": "creditCard", "reusable": True},
    # Single-use Visa: exercises session_update_not_allowed and cancel-on-detach.
    "src_test_visa_single_use": {"type": "creditCard", "reusable": False},
    # Store credit worth 10.00 (the secondary source of SEED-002's example).
    "src_test_store_credit_10": {"type": "customerCredit", "amount": 10},
    # A PayPal source still waiting for the customer's redirect.
    "src_test_pending_redirect": {
        "type": "payPal",
        "reusable": False,
        "state": "pending_redirect",
        "flow": "redirect",
    },
    # A wire transfer waiting for funds.
    "src_test_pending_funds": {
        "type": "wireTransfer",
        "reusable": False,
        "state": "pending_funds",
        "flow": "receiver",
    },
    # A card that needs 3-D Secure.
    "src_test_requires_action": {"type": "creditCard", "state": "requires_action"},
    # A card that can no longer be used.
    "src_test_cancelled": {"type": "creditCard", "state": "cancelled"},
}

_SOURCE_SPEC = Object(
    {
        "id": Text(max_length=100),
        "type": Choice(*SOURCE_TYPES),
        "amount": Number(minimum=ZERO),
        "currency": Text(),
        "reusable": Boolean(),
        "state": Choice(*SOURCE_STATES),
        "flow": Choice("standard", "redirect", "receiver"),
        "owner": Object(
            {
                "firstName": Text(),
                "lastName": Text(),
                "email": Text(),
                "organization": Text(),
                "upstreamId": Text(),
                "address": ADDRESS,
                "additionalAddressInfo": Object(
                    {"neighborhood": Text(), "division": Text(), "phoneticName": Text()}
                ),
            },
            required=("address",),
        ),
        "customerId": IdLike(),
        "upstreamId": Text(),
        "metadata": Metadata(),
    },
    required=("type",),
)
_SOURCE_STATE_UPDATE_SPEC = Object({"state": Choice(*SOURCE_STATES)}, required=("state",))


@dataclass
class Source:
    id: str
    client_secret: str
    created: datetime
    type: str
    currency: str
    amount: Decimal
    reusable: bool
    state: str
    flow: str
    owner: dict[str, Any]
    customer_id: str | None = None
    upstream_id: str | None = None
    metadata: dict[str, Any] | None = None

    @property
    def is_secondary(self) -> bool:
        return self.type == SECONDARY_TYPE

    def to_json(
        self, *, amount: Decimal | None = None, payment_session_id: str | None = None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "clientSecret": self.client_secret,
            "createdTime": format_dr(self.created),
            "type": self.type,
            "currency": self.currency,
            "amount": as_json_number(self.amount if amount is None else amount),
            "reusable": self.reusable,
            "owner": self.owner,
            "state": self.state,
            "flow": self.flow,
            "liveMode": False,
        }
        if self.type == "creditCard":
            body["creditCard"] = {
                "brand": "Visa",
                "lastFourDigits": "1111",
                "expirationMonth": 12,
                "expirationYear": self.created.year + 4,
            }
        else:
            # DR returns an (often empty) object named after the type, e.g. ``customerCredit: {}``.
            body[self.type] = {}
        if self.customer_id is not None:
            body["customerId"] = self.customer_id
        if self.upstream_id is not None:
            body["upstreamId"] = self.upstream_id
        if self.metadata is not None:
            body["metadata"] = self.metadata
        if payment_session_id is not None:
            body["paymentSessionId"] = payment_session_id
        return body


class SourceStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sources: dict[str, Source] = {}

    def clear(self) -> None:
        self._sources.clear()

    def seed(self) -> None:
        for source_id, spec in SEED_SOURCES.items():
            self.create({"id": source_id, **spec})

    def create(self, body: Any) -> Source:
        """Create a test source from the ``POST /sandbox/sources`` body.

        Defaults: ``state: chargeable``; ``reusable: false`` (a DR source is
        single-use until it is saved to a customer); ``currency: USD``; ``flow:
        standard``; ``amount`` 0 (a primary's amount is set when attached).
        ``customerCredit`` sources must carry a positive ``amount``.
        """
        spec = _SOURCE_SPEC.check(body, "")
        source_type: str = spec["type"]
        if source_type == SECONDARY_TYPE:
            if "amount" not in spec:
                raise missing("amount")
            if spec["amount"] <= 0:
                raise invalid("amount", body["amount"], "'amount' must be greater than 0.")
        currency = spec.get("currency", "USD")
        if currency not in ISO_4217_CURRENCIES:
            raise invalid("currency", currency, f"'{currency}' is not a valid currency.")
        source_id = spec.get("id") or str(uuid.uuid4())
        if source_id in self._sources:
            raise dr_conflict("already_exists", f"Source '{source_id}' already exists.", "id")
        source = Source(
            id=source_id,
            client_secret=f"{source_id}_{uuid.uuid4()}",
            created=self._clock(),
            type=source_type,
            currency=currency,
            amount=spec.get("amount", ZERO),
            reusable=spec.get("reusable", False),
            state=spec.get("state", "chargeable"),
            flow=spec.get("flow", "standard"),
            owner=spec.get("owner", _DEFAULT_OWNER),
            customer_id=spec.get("customerId"),
            upstream_id=spec.get("upstreamId"),
            metadata=spec.get("metadata"),
        )
        self._sources[source_id] = source
        return source

    def get(self, source_id: str) -> Source:
        source = self._sources.get(source_id)
        if source is None:
            raise dr_not_found("Source", source_id, code="source_not_found", parameter="sourceId")
        return source

    def set_state(self, source_id: str, body: Any) -> Source:
        """Move a test source to another state (e.g. a redirect completing)."""
        source = self.get(source_id)
        source.state = _SOURCE_STATE_UPDATE_SPEC.check(body, "")["state"]
        return source


def _amount_too_large() -> ApiError:
    return dr_conflict("session_source_amount_too_large", "Source amount(s) exceed session amount")


@dataclass
class PaymentSession:
    """The sources attached to one checkout, in attachment order."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_secret: str = ""
    source_ids: list[str] = field(default_factory=list)
    secondary_amounts: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.client_secret:
            self.client_secret = f"{self.id}_{uuid.uuid4()}"

    def copy(self) -> PaymentSession:
        return PaymentSession(
            id=self.id,
            client_secret=self.client_secret,
            source_ids=list(self.source_ids),
            secondary_amounts=dict(self.secondary_amounts),
        )

    def _split(self, sources: SourceStore) -> tuple[Source | None, list[Source]]:
        primary: Source | None = None
        secondaries: list[Source] = []
        for source_id in self.source_ids:
            source = sources.get(source_id)
            if source.is_secondary:
                secondaries.append(source)
            else:
                primary = source
        return primary, secondaries

    def secondary_total(self) -> Decimal:
        return sum(self.secondary_amounts.values(), ZERO)

    def check_total(self, total: Decimal) -> None:
        """Reject a checkout total that the attached store credits exceed."""
        if self.secondary_total() > total:
            raise _amount_too_large()

    def amount_for(self, source: Source, total: Decimal) -> Decimal:
        if source.is_secondary:
            return self.secondary_amounts[source.id]
        return max(total - self.secondary_total(), ZERO)

    def attach(self, source: Source, total: Decimal, sources: SourceStore) -> None:
        if source.id in self.source_ids:
            return  # Attaching an attached source again changes nothing.
        if source.state not in ATTACHABLE_STATES:
            raise dr_conflict(
                "source_status_invalid_for_session",
                "The source status is invalid for this session.",
            )
        primary, _ = self._split(sources)
        if source.is_secondary:
            if primary is not None and not primary.reusable:
                raise dr_conflict(
                    "session_update_not_allowed",
                    "Updating source is not allowed for the current session state.",
                )
            if source.amount > total - self.secondary_total():
                raise _amount_too_large()
            self.source_ids.append(source.id)
            self.secondary_amounts[source.id] = source.amount
            return
        if primary is not None:
            self._remove(primary)
        self.source_ids.append(source.id)

    def detach(self, source: Source) -> None:
        if source.id not in self.source_ids:
            raise dr_not_found("Source", source.id, code="source_not_found", parameter="sourceId")
        self._remove(source)

    def _remove(self, source: Source) -> None:
        self.source_ids.remove(source.id)
        self.secondary_amounts.pop(source.id, None)
        if not source.reusable:
            source.state = "cancelled"

    def to_json(self, total: Decimal, sources: SourceStore) -> dict[str, Any]:
        primary, secondaries = self._split(sources)
        ordered = ([primary] if primary is not None else []) + secondaries
        rendered = []
        contributed = ZERO
        for source in ordered:
            amount = self.amount_for(source, total)
            contributed += amount
            rendered.append(source.to_json(amount=amount, payment_session_id=self.id))
        remaining = total - contributed
        if primary is not None and primary.state in _SESSION_STATE_FROM_PRIMARY:
            state = primary.state
        elif remaining <= 0 and (ordered or total == 0):
            state = "requires_confirmation"
        else:
            state = "requires_source"
        return {
            "sources": rendered,
            "session": {
                "id": self.id,
                "amountContributed": as_json_number(contributed),
                "amountRemainingToBeContributed": as_json_number(remaining),
                "state": state,
                "clientSecret": self.client_secret,
            },
        }
