"""tillpoint in a FastAPI service: one core per app, injected, errors mapped to responses.

    uvicorn examples.fastapi_app:app          # against the embedded sandbox
    TILLPOINT_SERVER_URL=http://127.0.0.1:8765 TILLPOINT_BEARER_AUTH=sk_test_demo \\
        uvicorn examples.fastapi_app:app      # against a server (python -m tillpoint.sandbox)

* The core is made in the lifespan and closed on shutdown: one connection pool for the
  whole app, never one per request.
* Handlers receive it through ``Depends``; they call the functions in
  ``tillpoint.funcs`` and ``match`` on their results.
* Every tillpoint error becomes a response in one place, ``error_response``: what the
  payment API said is not what *your* client should hear (a 401 from upstream means
  this service is misconfigured, not that the caller is unauthorised).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tillpoint import Err, Ok, TillpointCore, errors, models
from tillpoint.funcs import (
    checkouts_attach_source,
    checkouts_create,
    checkouts_delete,
    checkouts_get,
)


def core_from_environment() -> TillpointCore:
    """The server the environment names, or else the sandbox, in-process."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        return TillpointCore()
    from tillpoint.sandbox import Sandbox

    return Sandbox().core()


# --- the API this service offers ----------------------------------------------------


class CartLine(BaseModel):
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    price: Decimal = Field(ge=0)


class Cart(BaseModel):
    currency: str = Field(min_length=3, max_length=3)
    email: str | None = None
    lines: list[CartLine] = Field(min_length=1)


class CheckoutView(BaseModel):
    id: str
    currency: str | None
    total: Decimal | None
    items: int
    payment_state: str | None

    @classmethod
    def of(cls, checkout: models.Checkout) -> CheckoutView:
        session = checkout.payment.session if checkout.payment else None
        return cls(
            id=str(checkout.id),
            currency=checkout.currency,
            total=checkout.total_amount,
            items=len(checkout.items or []),
            payment_state=session.state if session else None,
        )


class SourceToAttach(BaseModel):
    source_id: str


# --- errors -> responses, in one place ------------------------------------------------


def status_for(error: errors.TillpointError) -> int:
    """The status this service answers with when a call to the payment API fails."""
    match error:
        case errors.InvalidRequestError() | errors.HTTPValidationError():
            return 422  # the caller's input cannot be sent, or the API rejected its shape
        case errors.Error400():
            return 400
        case errors.Error404():
            return 404
        case errors.Error409():
            return 409
        case errors.Error429() | errors.Error503():
            return 503  # try again later; tillpoint has already retried
        case errors.APITimeoutError() | errors.Error504():
            return 504
        case _:
            # 401/403 (our credentials), 5XX, a connection failure, a body that is
            # not what the API promised: the upstream failed us.
            return 502


def error_response(error: errors.TillpointError) -> JSONResponse:
    status = status_for(error)
    body: dict[str, Any] = {
        "error": type(error).__name__,
        "request_id": getattr(error, "request_id", None),  # for a support ticket upstream
    }
    if status in (400, 404, 409, 422):
        # The caller can act on these; the messages name the parameter at fault.
        body["detail"] = str(error)
    headers = {"Retry-After": "1"} if status == 503 else None
    return JSONResponse(body, status_code=status, headers=headers)


# --- the app ------------------------------------------------------------------------


def get_core(request: Request) -> TillpointCore:
    """The dependency: the app's one core, made in the lifespan."""
    core: TillpointCore = request.app.state.core
    return core


Core = Annotated[TillpointCore, Depends(get_core)]


def create_app(make_core: Callable[[], TillpointCore] = core_from_environment) -> FastAPI:
    """The app; ``make_core`` runs once, when the app starts (tests pass their own)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Nothing is sent, and no pool is opened, until a request needs it.
        async with make_core() as core:
            app.state.core = core
            yield

    app = FastAPI(title="tillpoint example", lifespan=lifespan)

    @app.post("/checkouts", status_code=201, response_model=CheckoutView)
    async def create_checkout(
        cart: Cart,
        core: Core,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> CheckoutView | JSONResponse:
        body = models.CheckoutCreate(
            currency=cart.currency,
            email=cart.email,
            items=[
                models.Item(sku_id=line.sku, quantity=line.quantity, price=line.price)
                for line in cart.lines
            ],
        )
        # The caller's Idempotency-Key, passed through, makes a retried create safe
        # end to end: a client retrying us, and tillpoint retrying upstream.
        match await checkouts_create(core, body, idempotency_key=idempotency_key):
            case Ok(value=checkout):
                return CheckoutView.of(checkout)
            case Err(error=error):
                return error_response(error)

    @app.get("/checkouts/{checkout_id}", response_model=CheckoutView)
    async def show_checkout(checkout_id: str, core: Core) -> CheckoutView | JSONResponse:
        match await checkouts_get(core, checkout_id):
            case Ok(value=checkout):
                return CheckoutView.of(checkout)
            case Err(error=error):
                return error_response(error)

    @app.post("/checkouts/{checkout_id}/sources", response_model=CheckoutView)
    async def attach_source(
        checkout_id: str, source: SourceToAttach, core: Core
    ) -> CheckoutView | JSONResponse:
        attached = await checkouts_attach_source(core, checkout_id, source.source_id)
        if isinstance(attached, Err):
            return error_response(attached.error)
        # The payment session's state moves with every source: read the checkout back.
        match await checkouts_get(core, checkout_id):
            case Ok(value=checkout):
                return CheckoutView.of(checkout)
            case Err(error=error):
                return error_response(error)

    @app.delete("/checkouts/{checkout_id}", status_code=204)
    async def delete_checkout(checkout_id: str, core: Core) -> Response:
        result = await checkouts_delete(core, checkout_id)
        if isinstance(result, Err):
            return error_response(result.error)
        return Response(status_code=204)

    return app


app = create_app()
