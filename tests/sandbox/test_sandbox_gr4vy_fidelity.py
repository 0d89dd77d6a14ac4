"""The sandbox's Gr4vy 422 bodies against the real thing: a FastAPI/pydantic app.

Gr4vy's server is FastAPI with pydantic models that forbid extra fields. The sandbox
imitates its 422 bodies without pydantic (see the note atop ``_gr4vy_schema.py``), so
this test keeps the imitation honest: the same bad bodies go to a FastAPI app declaring
a slice of the session schema and to the sandbox, and the ``detail`` lists must match
entry for entry (type, loc, msg, input, ctx).

One known difference: for a malformed UUID, pydantic words the reason after the uuid
crate (``invalid character: found `n` at 0``), the sandbox after Python's ``uuid``
(``badly formed hexadecimal UUID string``); type, loc and input still match.
"""

from __future__ import annotations

import enum
import uuid
from typing import Annotated, Any, Optional

import httpx
import pytest

from tillpoint.sandbox import Sandbox

fastapi = pytest.importorskip("fastapi")
pydantic = pytest.importorskip("pydantic")

MAX_AMOUNT = 99999999


class Strict(pydantic.BaseModel):  # type: ignore[misc]
    # Strict, like the sandbox: "5" is no integer (see _gr4vy_schema.py).
    model_config = pydantic.ConfigDict(extra="forbid", strict=True)


class Intent(str, enum.Enum):
    authorize = "authorize"
    capture = "capture"


Amount = Annotated[int, pydantic.Field(ge=0, le=MAX_AMOUNT)]


class CartItem(Strict):
    name: Annotated[str, pydantic.Field(max_length=255)]
    quantity: Annotated[int, pydantic.Field(gt=0, le=MAX_AMOUNT)]
    unit_amount: Amount
    discount_amount: Optional[Amount] = 0  # noqa: UP045 (FastAPI reads it at run time)
    tax_amount: Optional[Amount] = 0  # noqa: UP045


class SessionBody(Strict):
    cart_items: Optional[list[CartItem]] = None  # noqa: UP045
    metadata: Optional[dict[str, str]] = None  # noqa: UP045
    currency: Optional[Annotated[str, pydantic.Field(pattern=r"^[A-Z]{3}$")]] = None  # noqa: UP045
    # FastAPI validates the parsed JSON in Python mode, where a strict UUID or enum
    # field wants an instance: JSON strings need these two fields lax.
    payment_service_id: Optional[Annotated[uuid.UUID, pydantic.Field(strict=False)]] = None  # noqa: UP045
    intent: Optional[Annotated[Intent, pydantic.Field(strict=False)]] = None  # noqa: UP045
    expires_in: Annotated[float, pydantic.Field(ge=3600, le=86400)] = 3600


real_app = fastapi.FastAPI()


@real_app.post("/checkout/sessions", status_code=201)
def create_session(body: Optional[SessionBody] = None) -> dict[str, Any]:  # noqa: UP045
    return {}


BAD_BODIES: dict[str, Any] = {
    "an unknown field": {"amount_due": 5},
    "expires_in below its minimum": {"expires_in": 60},
    "a number sent as a string": {"expires_in": "7200"},
    "a metadata value that is no string": {"metadata": {"order": 1}},
    "a currency in lower case": {"currency": "usd"},
    "a malformed uuid": {"payment_service_id": "nope"},
    "a value outside an enum": {"intent": "sale"},
    "required cart item fields missing": {"cart_items": [{"name": "mug"}]},
    "a zero quantity and a float amount": {
        "cart_items": [{"name": "mug", "quantity": 0, "unit_amount": 2.0}]
    },
    "a boolean as an integer": {
        "cart_items": [{"name": "mug", "quantity": True, "unit_amount": 1}]
    },
    "a list instead of an object": [1, 2],
}


async def detail_of(app: Any, body: Any) -> Any:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://gr4vy.test",
        headers={"Authorization": "Bearer eyJ.e30.sig"},
    ) as client:
        response = await client.post("/checkout/sessions", json=body)
    assert response.status_code == 422, response.text
    return [{k: v for k, v in entry.items() if k != "url"} for entry in response.json()["detail"]]


REASON_WORDED_DIFFERENTLY = {"a malformed uuid"}


@pytest.mark.anyio
@pytest.mark.parametrize("case", BAD_BODIES)
async def test_a_bad_body_gets_the_422_fastapi_would_send(case: str) -> None:
    expected = await detail_of(real_app, BAD_BODIES[case])
    got = await detail_of(Sandbox().app, BAD_BODIES[case])
    assert expected  # the real app refused it
    if case in REASON_WORDED_DIFFERENTLY:
        expected, got = (
            [{k: v for k, v in entry.items() if k not in ("msg", "ctx")} for entry in detail]
            for detail in (expected, got)
        )
    assert got == expected
