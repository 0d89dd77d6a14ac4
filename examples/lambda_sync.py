"""tillpoint in a plain synchronous Lambda handler: ``def handler(event, context)``.

    TILLPOINT_SERVER_URL=https://api.digitalriver.com TILLPOINT_BEARER_AUTH=sk_live_… \\
        handler: examples/lambda_sync.handler
    python examples/lambda_sync.py     # a few local invocations against the sandbox

* ``tillpoint.sync`` needs no event loop: no ``asyncio.run`` per invocation, so a warm
  invocation reuses the connection the previous one kept alive (when the runtime kept
  the process), and pays no event-loop start-up at all. See docs/serverless.md for
  what each way costs.
* The façade is made once, at module scope, during the cold start. Making it does no
  I/O and opens no connection.
* It raises tillpoint's typed errors; ``answer`` turns each into an API Gateway
  response, so nothing escapes as a traceback.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any

from tillpoint import TillpointCore, errors, models
from tillpoint.sync import Tillpoint


def core_from_environment() -> TillpointCore:
    """The server the environment names, or else the in-process sandbox."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        return TillpointCore(timeout_ms=10_000)  # well inside the function's own timeout
    from tillpoint.sandbox import Sandbox

    return Sandbox().core()  # serves sync calls as well as async ones


tp = Tillpoint(core=core_from_environment())

STATUS_FOR = {
    errors.Error404: 404,
    errors.InvalidRequestError: 400,
    errors.Error400: 400,
    errors.APITimeoutError: 504,
}
"""What the caller hears for each upstream failure; any other is a 502."""


def handler(event: dict[str, Any], context: object = None) -> dict[str, Any]:
    """The Lambda entry point: one event in, one API Gateway response out."""
    try:
        return answer(*route(event))
    except errors.TillpointError as error:
        status = next((s for cls, s in STATUS_FOR.items() if isinstance(error, cls)), 502)
        detail = str(error) if status == 400 else None
        return answer(status, {"error": type(error).__name__, "detail": detail})


def route(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    match event.get("routeKey", ""):
        case "POST /checkouts":
            try:
                body = new_checkout(json.loads(event.get("body") or "{}", parse_float=Decimal))
            except (ValueError, KeyError, TypeError) as exc:
                return 400, {"error": "bad_request", "detail": f"unreadable cart: {exc!r}"}
            # API Gateway's request id makes a retried invocation create nothing twice.
            key = (event.get("requestContext") or {}).get("requestId")
            return 201, view(tp.checkouts.create(body, idempotency_key=key))
        case "GET /checkouts/{id}":
            return 200, view(tp.checkouts.get((event.get("pathParameters") or {}).get("id", "")))
        case other:
            return 404, {"error": "no_such_route", "route": other}


def new_checkout(cart: dict[str, Any]) -> models.CheckoutCreate:
    lines = [
        (line["sku"], int(line["quantity"]), Decimal(str(line["price"]))) for line in cart["lines"]
    ]
    return models.CheckoutCreate(
        currency=cart["currency"],
        items=[models.Item(sku_id=sku, quantity=n, price=price) for sku, n, price in lines],
    )


def view(checkout: models.Checkout) -> dict[str, Any]:
    return {"id": checkout.id, "total": str(checkout.total_amount)}


def answer(status: int, body: dict[str, Any]) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    return {"statusCode": status, "headers": headers, "body": json.dumps(body)}


if __name__ == "__main__":
    cart = {"currency": "USD", "lines": [{"sku": "sku_1", "quantity": 2, "price": "4.50"}]}
    created = handler({"routeKey": "POST /checkouts", "body": json.dumps(cart)})
    print(created)
    checkout_id = json.loads(created["body"])["id"]
    for _ in range(2):  # warm invocations: no event loop, the same façade
        print(handler({"routeKey": "GET /checkouts/{id}", "pathParameters": {"id": checkout_id}}))
    tp.close()
