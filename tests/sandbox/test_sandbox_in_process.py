"""The sandbox in-process: nothing is left behind on the event loop per call.

(That no sandbox module imports another back is checked with the whole package, in
tests/test_import_graph.py.)
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from tillpoint import Ok
from tillpoint.funcs import checkouts_list
from tillpoint.sandbox import Sandbox


def test_in_process_calls_leave_no_timer_behind_on_the_loop() -> None:
    # Every call's attempt deadline schedules a timer and cancels it when the call
    # returns. In-process nothing has to wait, so without the sandbox giving the loop a
    # turn per request, the loop never got to drop those cancelled timers: one stayed
    # queued per call (20,000 after 20,000 calls). Counted, never timed.
    calls = 2_000

    async def run() -> int:
        async with Sandbox().core() as core:
            for _ in range(calls):
                assert isinstance(await checkouts_list(core, limit=1), Ok)
            # The loop's queue of timers (private, but it is exactly what leaked).
            return len(asyncio.get_running_loop()._scheduled)  # type: ignore[attr-defined]

    assert asyncio.run(run()) < calls // 10


# --- sync calls: no event loop anywhere ---------------------------------------------


def test_sync_functions_and_the_sync_facade_reach_the_in_process_sandbox() -> None:
    import tillpoint.sync
    from tillpoint import RetryConfig, errors, models

    assert not _running_loop()  # a plain script: no event loop anywhere
    sandbox = Sandbox()
    core = sandbox.core(retry_config=RetryConfig.none())
    body = models.CheckoutCreate(
        currency="USD", items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("10.00"))]
    )

    created = tillpoint.sync.checkouts_create(core, body)
    assert isinstance(created, Ok), created
    assert sandbox.checkouts.get(created.value.id) is not None  # the very sandbox
    got = tillpoint.sync.checkouts_get(core, created.value.id)
    assert isinstance(got, Ok) and got.value.total_amount == created.value.total_amount

    with tillpoint.sync.Tillpoint(core=core) as tp:
        assert [c.id for c in tp.checkouts.list(limit=5)] == [created.value.id]
        with pytest.raises(errors.Error503):  # faults work as they do for async calls
            tp.checkouts.get(created.value.id, http_headers={"x-sandbox-fault": "status=503"})


def test_a_sync_call_from_a_thread_whose_loop_is_running() -> None:
    # tillpoint.sync refuses to block a running loop, but the transport itself may be
    # reached from one (a caller's own httpx.Client): it answers from a worker thread.
    import httpx

    from tillpoint.sandbox._sync_transport import SyncASGITransport

    sandbox = Sandbox()

    token = {"authorization": "Bearer sk_test_sync"}

    async def inside_a_loop() -> int:
        transport = SyncASGITransport(sandbox.app)
        with httpx.Client(transport=transport, base_url=sandbox.base_url) as client:
            # Blocking this loop is the point: the transport must not need it.
            response = client.get("/checkouts", headers=token)  # noqa: ASYNC212
        return response.status_code

    assert asyncio.run(inside_a_loop()) == 200


def _running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
