"""tillpoint in a Flask app: sync views, one façade per app, errors mapped in one handler.

    TILLPOINT_SERVER_URL=http://127.0.0.1:8765 TILLPOINT_BEARER_AUTH=sk_test_demo \\
        flask --app examples.flask_app run    # against a server (python -m tillpoint.sandbox)

* One ``tillpoint.sync.Tillpoint`` for the whole app, made when the app is: its
  connection pool is shared by every request, from every worker thread (Flask's
  threaded server, gunicorn's ``gthread`` workers), never one per request.
* Views call the raising façade and return what they got; a failed call raises a
  typed tillpoint error, and ``upstream_failed`` turns every one of them into a
  response: what the payment API said is not what *your* client should hear (a 401
  from upstream means this service is misconfigured, not that the caller is not
  authorised).
"""

from __future__ import annotations

import atexit
import itertools
from decimal import Decimal
from typing import Any

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from tillpoint import errors, models
from tillpoint.sync import Tillpoint

YOUR_STATUS = [
    ((errors.InvalidRequestError, errors.HTTPValidationError), 422),
    ((errors.Error400,), 400),
    ((errors.Error404,), 404),
    ((errors.Error409,), 409),
    ((errors.Error429, errors.Error503), 503),  # try again later: tillpoint already retried
    ((errors.APITimeoutError, errors.Error504), 504),
]
"""Upstream failures → the status this service answers with; any other is a 502."""


def summary(checkout: models.Checkout) -> dict[str, Any]:
    return {
        "id": checkout.id,
        "currency": checkout.currency,
        "total": str(checkout.total_amount),
        "items": len(checkout.items or []),
    }


def create_app(tp: Tillpoint | None = None) -> Flask:
    """The app. Without ``tp``, a façade configured from the environment (TILLPOINT_*)."""
    app = Flask(__name__)
    if tp is None:
        tp = Tillpoint()
        atexit.register(tp.close)  # Flask has no shutdown hook; the process's end will do
    app.extensions["tillpoint"] = tp

    @app.errorhandler(errors.TillpointError)
    def upstream_failed(error: errors.TillpointError) -> ResponseReturnValue:
        status = next((s for kinds, s in YOUR_STATUS if isinstance(error, kinds)), 502)
        body: dict[str, Any] = {"error": type(error).__name__}
        if status in (400, 404, 409, 422):
            body["detail"] = str(error)  # the caller can act on these
        return jsonify(body), status

    @app.post("/checkouts")
    def create_checkout() -> ResponseReturnValue:
        cart = request.get_json(silent=True) or {}
        try:
            body = models.CheckoutCreate(
                currency=cart["currency"],
                items=[
                    models.Item(sku_id=sku, quantity=int(qty), price=Decimal(str(price)))
                    for sku, qty, price in (
                        (line["sku"], line["quantity"], line["price"]) for line in cart["lines"]
                    )
                ],
            )
        except (KeyError, TypeError, ValueError) as exc:
            return jsonify(error="bad_request", detail=f"unreadable cart: {exc!r}"), 400
        # The caller's Idempotency-Key, passed on: a retried POST creates one checkout.
        key = request.headers.get("Idempotency-Key")
        return jsonify(summary(tp.checkouts.create(body, idempotency_key=key))), 201

    @app.get("/checkouts/<checkout_id>")
    def show_checkout(checkout_id: str) -> ResponseReturnValue:
        return jsonify(summary(tp.checkouts.get(checkout_id)))

    @app.get("/checkouts")
    def list_checkouts() -> ResponseReturnValue:
        # A plain for over every page, cut short: at most 50 checkouts, 10 per request.
        found = tp.checkouts.list(limit=10, currency=request.args.get("currency"))
        return jsonify([summary(checkout) for checkout in itertools.islice(found, 50)])

    return app
