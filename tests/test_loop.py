"""The event-loop primitives the transport uses (tillpoint._loop), under asyncio and trio."""

from __future__ import annotations

import asyncio
import sys

import anyio
import anyio.lowlevel
import pytest

from tillpoint._loop import Deadline, make_gate, run_to_the_end

pytestmark = pytest.mark.anyio


async def test_the_body_is_cancelled_and_the_block_left_normally() -> None:
    reached_end = False
    async with Deadline(0.01) as deadline:
        await anyio.sleep(5)
        reached_end = True
    assert deadline.expired
    assert not reached_end


async def test_a_body_that_finishes_in_time_is_untouched() -> None:
    async with Deadline(5) as deadline:
        await anyio.lowlevel.checkpoint()
    assert not deadline.expired
    assert deadline.reason is None
    await anyio.lowlevel.checkpoint()  # and no cancellation is left pending for the caller


async def test_cancel_stops_the_body_at_its_next_await_and_keeps_the_reason() -> None:
    async with Deadline(5) as deadline:
        deadline.cancel(reason="too large")
        await anyio.sleep(5)
        pytest.fail("the body went on after cancel()")
    assert deadline.expired
    assert deadline.reason == "too large"


async def test_a_timeout_error_from_the_body_is_not_taken_for_the_deadline() -> None:
    with pytest.raises(TimeoutError, match="from the body"):
        async with Deadline(5):
            raise TimeoutError("from the body")


async def test_a_cancellation_from_outside_propagates() -> None:
    with anyio.move_on_after(0.01) as outer:
        async with Deadline(5) as deadline:
            await anyio.sleep(5)
        pytest.fail("the outer cancellation was absorbed")
    assert outer.cancelled_caught
    assert not deadline.expired


async def test_an_outer_deadline_wins_over_a_longer_inner_one() -> None:
    async with Deadline(0.01) as outer:
        async with Deadline(5) as inner:
            await anyio.sleep(5)
        pytest.fail("the outer deadline was absorbed by the inner one")
    assert outer.expired
    assert not inner.expired


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_asyncio_timeout_around_a_deadline_is_a_cancellation() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("asyncio.timeout is 3.11+")
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):  # type: ignore[attr-defined,unused-ignore]
            async with Deadline(5):
                await asyncio.sleep(5)


async def test_the_gate_admits_its_slots_first_come_first_served() -> None:
    gate = make_gate(2)
    leave = [anyio.Event() for _ in range(6)]
    order: list[int] = []
    inside = 0
    peak = 0

    async def enter(n: int) -> None:
        nonlocal inside, peak
        async with gate:
            order.append(n)
            inside += 1
            peak = max(peak, inside)
            await leave[n].wait()
            inside -= 1

    async with anyio.create_task_group() as tg:
        for n in range(6):
            tg.start_soon(enter, n)
            # Task n is parked (inside the gate or queued at it) before n + 1 starts:
            # the arrival order is fixed by events, not by how fast the machine is.
            await anyio.wait_all_tasks_blocked()
        assert (order, inside) == ([0, 1], 2)  # two slots taken, four queued
        # One holder leaves at a time, so each slot freed admits exactly one waiter,
        # and the order it appends in is the order the gate admitted it in.
        for n in range(6):
            leave[n].set()
            await anyio.wait_all_tasks_blocked()
    assert peak == 2
    assert order == list(range(6))


# --- run_to_the_end -------------------------------------------------------------------


async def test_a_cancellation_from_outside_winds_the_work_down_and_waits_for_it(
    anyio_backend: str,
) -> None:
    # Under asyncio the work runs in a task of its own and is wound down; under trio
    # it is awaited as is (trio's cancellation waits for a shielded cleanup itself).
    # Either way the work's own code runs to its end.
    stop = anyio.Event()
    steps: list[str] = []

    async def work() -> str:
        steps.append("started")
        try:
            await stop.wait()  # what the wind-down sets off (an expired deadline)
        finally:
            steps.append("cleaned up")  # never cut short by the outside cancellation
        return "done"

    def wind_down() -> None:
        steps.append("wound down")
        stop.set()

    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:

            async def cancel_when_started() -> None:
                await anyio.wait_all_tasks_blocked()
                scope.cancel()

            tg.start_soon(cancel_when_started)
            await run_to_the_end(work(), wind_down)
            pytest.fail("the cancellation became a return value")  # pragma: no cover
    assert scope.cancelled_caught
    if anyio_backend == "asyncio":
        assert steps == ["started", "wound down", "cleaned up"]
    else:
        assert steps == ["started", "cleaned up"]


async def test_what_the_work_raises_or_returns_reaches_the_caller() -> None:
    async def fails() -> None:
        await anyio.lowlevel.checkpoint()
        raise LookupError("from the work")

    async def returns() -> int:
        await anyio.lowlevel.checkpoint()
        return 7

    with pytest.raises(LookupError, match="from the work"):
        await run_to_the_end(fails(), lambda: None)
    assert await run_to_the_end(returns(), lambda: None) == 7


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # asyncio's own cancellation
async def test_asyncio_caller_cancelled_twice_still_waits_for_the_work(anyio_backend: str) -> None:
    stop = asyncio.Event()
    finished: list[str] = []
    wound: list[int] = []

    async def work() -> None:
        await stop.wait()
        await asyncio.sleep(0)  # still cleaning up as the second cancellation lands
        finished.append("work")

    def wind_down() -> None:
        wound.append(1)
        stop.set()

    caller = asyncio.ensure_future(run_to_the_end(work(), wind_down))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    caller.cancel()
    await asyncio.sleep(0)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert finished == ["work"]
    assert wound == [1]
