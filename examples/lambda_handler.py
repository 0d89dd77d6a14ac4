"""tillpoint in a serverless function (AWS Lambda behind API Gateway, HTTP API v2 events).

    TILLPOINT_SERVER_URL=https://api.digitalriver.com TILLPOINT_BEARER_AUTH=sk_live_… \\
        handler: examples/lambda_handler.handler
    python examples/lambda_handler.py     # three local invocations against the sandbox

* The core is made once, at module scope, during the cold start. Making it does no I/O
  and opens no connection, so the import stays cheap.
* Each invocation runs its own ``asyncio.run()``. The core notices the new event loop
  and opens a fresh connection pool on it; the pool of the previous invocation was
  closed when that invocation's loop ended. Warm starts just work: no "Event loop is
  closed", no leaked sockets.
* Failures become API Gateway responses; nothing escapes as a traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
from decimal import Decimal
from typing import Any

from tillpoint import Err, Ok, TillpointCore, errors, models
from tillpoint.funcs import checkouts_create, checkouts_get


def core_from_environment() -> TillpointCore:
    """The server the environment names, or else the sandbox, in-process."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        # Stay well inside the function's own timeout: 10 s per attempt.
        return TillpointCore(timeout_ms=10_000)
    from tillpoint.sandbox import Sandbox

    return Sandbox().core()


core = core_from_environment()


def handler(event: dict[str, Any], context: object = None) -> dict[str, Any]:
    """The Lambda entry point: one event in, one API Gateway response out."""
    return asyncio.run(handle(event))


async def handle(event: dict[str, Any]) -> dict[str, Any]:
    route = event.get("routeKey", "")
    if route == "POST /checkouts":
        try:
            cart = json.loads(event.get("body") or "{}", parse_float=Decimal)
            body = models.CheckoutCreate(
                currency=cart["currency"],
                items=[
                    models.Item(
                        sku_id=line["sku"],
                        quantity=int(line["quantity"]),
                        price=Decimal(str(line["price"])),
                    )
                    for line in cart["lines"]
                ],
            )
        except (ValueError, KeyError, TypeError) as exc:
            return respond(400, {"error": "bad_request", "detail": f"unreadable cart: {exc!r}"})
        # API Gateway's request id is a natural idempotency key: a retried
        # invocation of the same request cannot create a second checkout.
        key = (event.get("requestContext") or {}).get("requestId")
        result = await checkouts_create(core, body, idempotency_key=key)
        status = 201
    elif route == "GET /checkouts/{id}":
        result = await checkouts_get(core, (event.get("pathParameters") or {}).get("id", ""))
        status = 200
    else:
        return respond(404, {"error": "no_such_route", "route": route})

    match result:
        case Ok(value=checkout):
            return respond(
                status,
                {
                    "id": checkout.id,
                    "total": str(checkout.total_amount),
                    "request_id": result.request_id,
                },
            )
        case Err(error=errors.Error404() as error):
            return respond(404, {"error": "not_found", "request_id": error.request_id})
        case Err(error=errors.InvalidRequestError() | errors.Error400() as error):
            return respond(400, {"error": "bad_request", "detail": str(error)})
        case Err(error=errors.APITimeoutError()):
            return respond(504, {"error": "upstream_timeout"})
        case Err(error=error):
            return respond(502, {"error": type(error).__name__})


def respond(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


if __name__ == "__main__":
    created = handler(
        {
            "routeKey": "POST /checkouts",
            "requestContext": {"requestId": "local-1"},
            "body": json.dumps(
                {"currency": "USD", "lines": [{"sku": "sku_1", "quantity": 2, "price": "4.50"}]}
            ),
        }
    )
    print(created)
    checkout_id = json.loads(created["body"])["id"]
    for _ in range(2):  # warm starts: a new event loop each time, the same core
        print(handler({"routeKey": "GET /checkouts/{id}", "pathParameters": {"id": checkout_id}}))
