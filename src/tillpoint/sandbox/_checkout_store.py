"""The in-memory Digital River checkouts: create, read, update, delete, sources, listing.

Validation lives in :mod:`._checkout_schema`, the stored shape and its totals in
:mod:`._checkout_model`, the response JSON in :mod:`._checkout_render` and the
``GET /checkouts`` page in :mod:`._checkout_listing`.

* ``null`` in a create body means "not sent"; in an update body it clears that
  optional field (``currency``, ``items`` and ``sourceId`` cannot be cleared).
* A ``sourceId`` in a create/update body that names no source -> 400
  ``source_not_found`` (parameter ``sourceId``); the create operation declares
  no 404.
* A rejected update leaves the checkout untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ._checkout_listing import select_page
from ._checkout_model import Checkout, CheckoutItem, totals_for
from ._checkout_render import render_checkout
from ._checkout_schema import (
    CREATE_SPEC,
    NOT_CLEARABLE,
    UPDATE_SPEC,
    check_create_items,
    check_semantics,
    object_body,
)
from ._clock import Clock, utc
from ._dr_schema import invalid
from ._errors import ApiError, dr_bad_request, dr_not_found
from ._payments import PaymentSession, Source, SourceStore

__all__ = ["CheckoutStore"]


class CheckoutStore:
    def __init__(self, clock: Clock, sources: SourceStore) -> None:
        self._clock = clock
        self._sources = sources
        self._checkouts: dict[str, Checkout] = {}
        self._seq = 0

    def clear(self) -> None:
        self._checkouts.clear()

    def _now(self) -> datetime:
        # DR timestamps have second precision; keep stored values comparable.
        return utc(self._clock()).replace(microsecond=0)

    def _get(self, checkout_id: str) -> Checkout:
        checkout = self._checkouts.get(checkout_id)
        if checkout is None:
            raise dr_not_found("Checkout", checkout_id)
        return checkout

    def _body_source(self, source_id: str) -> Source:
        try:
            return self._sources.get(source_id)
        except ApiError:
            raise dr_bad_request(
                "source_not_found", f"Source '{source_id}' not found.", "sourceId"
            ) from None

    # -- operations ---------------------------------------------------------

    def create(self, body: Any) -> dict[str, Any]:
        spec = CREATE_SPEC.check(object_body(body), "")
        check_create_items(spec["items"])
        fields = {key: value for key, value in spec.items() if key not in ("items", "sourceId")}
        check_semantics(fields)
        items = [CheckoutItem(str(uuid.uuid4()), item) for item in spec["items"]]
        totals = totals_for(fields, items)
        session = PaymentSession()
        if "sourceId" in spec:
            source = self._body_source(spec["sourceId"])
            session.attach(source, totals.total_amount, self._sources)
        now = self._now()
        self._seq += 1
        checkout = Checkout(
            id=str(uuid.uuid4()),
            seq=self._seq,
            created=now,
            updated=now,
            fields=fields,
            items=items,
            session=session,
            totals=totals,
        )
        self._checkouts[checkout.id] = checkout
        return self.render(checkout)

    def get(self, checkout_id: str) -> dict[str, Any]:
        return self.render(self._get(checkout_id))

    def update(self, checkout_id: str, body: Any) -> dict[str, Any]:
        checkout = self._get(checkout_id)
        raw = object_body(body)
        spec = UPDATE_SPEC.check(raw, "")
        # Work on copies so that a rejected update leaves the checkout untouched.
        fields = dict(checkout.fields)
        for key, value in raw.items():
            if value is None and key not in NOT_CLEARABLE:
                fields.pop(key, None)
        fields.update({k: v for k, v in spec.items() if k not in ("items", "sourceId")})
        check_semantics(fields)
        items = [CheckoutItem(item.id, dict(item.fields)) for item in checkout.items]
        by_id = {item.id: item for item in items}
        for index, change in enumerate(spec.get("items", [])):
            target = by_id.get(change["id"])
            if target is None:
                raise invalid(
                    f"items[{index}].id", change["id"], f"Item '{change['id']}' not found."
                )
            target.fields.update({k: v for k, v in change.items() if k != "id"})
        totals = totals_for(fields, items)
        session = checkout.session.copy()
        session.check_total(totals.total_amount)
        if "sourceId" in spec:
            source = self._body_source(spec["sourceId"])
            session.attach(source, totals.total_amount, self._sources)
        checkout.fields, checkout.items, checkout.totals = fields, items, totals
        checkout.session = session
        checkout.updated = self._now()
        return self.render(checkout)

    def delete(self, checkout_id: str) -> None:
        self._get(checkout_id)
        del self._checkouts[checkout_id]

    def attach_source(self, checkout_id: str, source_id: str) -> dict[str, Any]:
        checkout = self._get(checkout_id)
        source = self._sources.get(source_id)
        total = checkout.totals.total_amount
        checkout.session.attach(source, total, self._sources)
        checkout.updated = self._now()
        return source.to_json(
            amount=checkout.session.amount_for(source, total),
            payment_session_id=checkout.session.id,
        )

    def detach_source(self, checkout_id: str, source_id: str) -> None:
        checkout = self._get(checkout_id)
        source = self._sources.get(source_id)
        checkout.session.detach(source)
        checkout.updated = self._now()

    def list(self, query: Iterable[tuple[str, str]]) -> dict[str, Any]:
        page = select_page(self._checkouts.values(), query)
        return {"hasMore": page.has_more, "data": [self.render(c) for c in page.checkouts]}

    def render(self, checkout: Checkout) -> dict[str, Any]:
        return render_checkout(checkout, self._sources)
