"""Exactly-once creates over real HTTP, against the sandbox's commit-then-drop fault.

``drop_after_commit`` stores the checkout and then aborts the connection with no answer:
the client cannot tell it from a request that never arrived. Only the checkout's own
``upstream_id`` tells them apart.
"""

from __future__ import annotations

import pytest

from tillpoint import Err, Ok, TillpointCore, errors
from tillpoint.funcs import checkouts_create, checkouts_list
from tillpoint.sandbox import Sandbox

from .support import counting, seed_002

pytestmark = pytest.mark.anyio

CREATE = {"method": "POST", "path": "/checkouts"}


async def stored(core: TillpointCore) -> list[str | None]:
    listed = await checkouts_list(core, limit=100)
    assert isinstance(listed, Ok), listed
    return [c.upstream_id or None for c in listed.value.data]


async def test_with_upstream_id_one_checkout_is_stored_and_returned(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    sandbox.faults.add({"match": CREATE, "drop_after_commit": True})
    counted, attempts = counting(core)

    result = await checkouts_create(counted, seed_002(upstream_id="order-1001"))

    assert isinstance(result, Ok), result
    assert result.recovered is True
    assert result.value.upstream_id == "order-1001" and result.value.total_amount
    assert attempts == ["POST /checkouts", "GET /checkouts"]  # the look-up, no second POST
    assert await stored(core) == ["order-1001"]


async def test_without_upstream_id_one_checkout_is_stored_and_the_failure_returned(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    counted, attempts = counting(core)

    result = await checkouts_create(
        counted, seed_002(), http_headers={"x-sandbox-fault": "drop_after_commit=true"}
    )

    assert isinstance(result, Err) and type(result.error) is errors.APIConnectionError
    assert attempts == ["POST /checkouts"]  # never blindly retried
    assert await stored(core) == [None]


async def test_a_create_that_did_not_happen_is_made_once_after_the_look_up(
    core: TillpointCore, sandbox: Sandbox
) -> None:
    sandbox.faults.add({"match": CREATE, "status": 502})  # answered before anything is stored
    counted, attempts = counting(core)

    result = await checkouts_create(counted, seed_002(upstream_id="order-1002"))

    assert isinstance(result, Ok) and result.recovered is False
    assert attempts == ["POST /checkouts", "GET /checkouts", "POST /checkouts"]
    assert await stored(core) == ["order-1002"]
