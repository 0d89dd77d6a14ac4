"""The sandbox in-process: nothing is left behind on the event loop per call.

(That no sandbox module imports another back is checked with the whole package, in
tests/test_import_graph.py.)
"""

from __future__ import annotations

import asyncio

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
