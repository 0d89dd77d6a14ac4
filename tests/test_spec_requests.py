"""Every Digital River body tillpoint sends is valid against the spec's request schemas.

The schemas are Digital River's OpenAPI document (tests/fixtures/, a copy of the
reference), read with ``jsonschema``, with these changes, each a fact the API
contract records:

* every object schema is closed (``additionalProperties: false``): the API answers
  a field it does not know with 400 ``unknown_parameter`` (contract §3.3), which is
  the failure these tests exist to catch;
* ``UpdateCheckoutRequest.items`` is an array: the spec's single object is a known
  spec bug, the API and its guides take a list (contract §1.8);
* ``language`` and ``billingOptimization`` are accepted on create and update
  (contract §3.2 and §3.3, from the live reference and the PHP SDK);
* ``shippingChoice.id`` is a pass-through value the API accepts (contract §3.2);
* ``nullable`` (OpenAPI 3.0) is spelled as JSON Schema spells it.

Bodies are encoded as the operations encode them: ``_serde.unstructure`` + ``dumps``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from tillpoint import models
from tillpoint._serde import dumps, unstructure

from .model_strategies import every_part

SPEC = json.loads(
    (
        Path(__file__).parent / "fixtures" / "digital-river-checkouts-2021-12-13.openapi.json"
    ).read_text(encoding="utf-8")
)


def _json_schema_of(node: Any) -> Any:
    """OpenAPI 3.0 schemas as JSON Schema: closed objects, ``nullable`` as a type."""
    if isinstance(node, list):
        return [_json_schema_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema_of(value) for key, value in node.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _schemas() -> dict[str, Any]:
    schemas = copy.deepcopy(SPEC["components"]["schemas"])
    update = schemas["UpdateCheckoutRequest"]["properties"]
    # Known spec bug (contract §1.8): the API takes a list of items on update.
    update["items"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/SkuUpdateRequestItem"},
    }
    # Accepted by the API though absent from this spec (contract §3.2, §3.3).
    billing_optimization = {
        "type": "object",
        "properties": {
            "subscriptionId": {"type": "string"},
            "segmentId": {"type": "string"},
            "renewalAttemptNumber": {"type": "number"},
            "trackingId": {"type": "string"},
        },
    }
    for name in ("CheckoutRequest", "UpdateCheckoutRequest"):
        schemas[name]["properties"]["language"] = {"type": "string"}
        schemas[name]["properties"]["billingOptimization"] = billing_optimization
    schemas["ShippingRequest"]["properties"]["id"] = {"type": "string"}
    return _json_schema_of(schemas)  # type: ignore[no-any-return]


SCHEMAS = _schemas()


def validator(schema: str) -> jsonschema.protocols.Validator:
    root = {"$ref": f"#/components/schemas/{schema}", "components": {"schemas": SCHEMAS}}
    return jsonschema.Draft7Validator(root)


CREATE = validator("CheckoutRequest")
UPDATE = validator("UpdateCheckoutRequest")


def problems(check: jsonschema.protocols.Validator, body: models.Model) -> list[str]:
    sent = json.loads(dumps(unstructure(body)))  # what goes on the wire, read back
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(sent)]


def test_the_patched_schemas_still_refuse_response_fields() -> None:
    # The validator is not vacuous: a response item's fields are refused in a request.
    sent = {"currency": "USD", "items": [{"skuId": "s", "price": 1, "id": "x", "tax": {}}]}
    assert {e.message for e in CREATE.iter_errors(sent)} == {
        "Additional properties are not allowed ('id', 'tax' were unexpected)"
    }
    assert list(UPDATE.iter_errors({"items": [{"id": "x", "price": 1}]}))
    assert list(UPDATE.iter_errors({"items": [{"subscriptionInfo": {}}]}))  # id is required


@settings(max_examples=60, deadline=None)
@given(every_part(models.CheckoutCreate))
def test_every_create_body_matches_the_spec(body: models.CheckoutCreate) -> None:
    assert problems(CREATE, body) == []


@settings(max_examples=60, deadline=None)
@given(every_part(models.CheckoutUpdate))
def test_every_update_body_matches_the_spec(body: models.CheckoutUpdate) -> None:
    assert problems(UPDATE, body) == []


@settings(max_examples=40, deadline=None)
@given(every_part(models.Checkout))
def test_parts_copied_from_a_fetched_checkout_match_the_spec(checkout: models.Checkout) -> None:
    """The copy a user writes, parts of a GET put straight into a create or an update
    (mypy flags it; at run time each part keeps only its request fields)."""
    parts: dict[str, Any] = {
        "items": checkout.items,
        "ship_to": checkout.ship_to,
        "ship_from": checkout.ship_from,
        "bill_to": checkout.bill_to,
        "shipping_choice": checkout.shipping_choice,
        "tax_identifiers": checkout.tax_identifiers,
        "purchase_location": checkout.purchase_location,
        "metadata": checkout.metadata,
    }
    create = models.CheckoutCreate(currency="USD", discount=checkout.discount, **parts)
    update = models.CheckoutUpdate(**parts)
    assert problems(CREATE, create) == []
    assert problems(UPDATE, update) == []


@settings(max_examples=40, deadline=None)
@given(every_part(models.Checkout))
def test_whole_checkouts_copied_with_from_response_match_the_spec(
    checkout: models.Checkout,
) -> None:
    assert problems(CREATE, models.CheckoutCreate.from_response(checkout)) == []
    assert problems(UPDATE, models.CheckoutUpdate.from_response(checkout)) == []


@pytest.mark.parametrize(
    ("check", "body"),
    [
        (CREATE, models.CheckoutCreate(currency="USD", items=[models.Item(sku_id="s")])),
        (UPDATE, models.CheckoutUpdate(items=[models.ItemUpdate(id="line_1")])),
    ],
)
def test_minimal_bodies_match_the_spec(
    check: jsonschema.protocols.Validator, body: models.Model
) -> None:
    assert problems(check, body) == []
