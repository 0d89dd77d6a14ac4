"""An asyncio worker that turns orders into checkouts: bounded concurrency, clean shutdown.

    python examples/worker.py             # 200 demo orders against the embedded sandbox
    TILLPOINT_SERVER_URL=http://127.0.0.1:8765 TILLPOINT_BEARER_AUTH=sk_test_demo \\
        python examples/worker.py         # against a server (python -m tillpoint.sandbox)

* **Bounded concurrency**: exactly ``concurrency`` consumer tasks, fed through a queue
  of the same size, so a fast order source waits for the API instead of piling up
  requests (and memory) without limit.
* **Safe retries**: each order's id is its checkout's idempotency key, so tillpoint may
  retry even an ambiguous failure (a timeout after sending) without a double charge.
* **Clean shutdown**: SIGINT or SIGTERM (Ctrl-C, a container stop) makes the worker take
  no new orders and finish those it already took; a second signal cancels what is
  left. Cancelling ``run()`` cancels the requests in flight — tillpoint never turns
  cancellation into an error value — and leaves no task behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

from tillpoint import Err, Ok, TillpointCore, models
from tillpoint.funcs import checkouts_create


@dataclass(frozen=True)
class Order:
    id: str
    currency: str
    lines: tuple[tuple[str, int, Decimal], ...]


@dataclass(frozen=True)
class Outcome:
    order_id: str
    checkout_id: str | None = None
    error: str | None = None


def core_from_environment() -> TillpointCore:
    """The server the environment names, or else the sandbox, in-process."""
    if os.environ.get("TILLPOINT_SERVER_URL") and os.environ.get("TILLPOINT_BEARER_AUTH"):
        return TillpointCore()
    from tillpoint.sandbox import Sandbox

    return Sandbox().core()


class CheckoutWorker:
    """Creates a checkout for every order it takes, at most ``concurrency`` at a time."""

    def __init__(self, core: TillpointCore, *, concurrency: int = 8) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be >= 1")
        self.core = core
        self.concurrency = concurrency
        self.outcomes: list[Outcome] = []
        self.taken = 0
        """Orders taken from the source; each gets an outcome unless the run is cancelled."""
        self._stopping = asyncio.Event()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Take no new orders; let those already taken finish. Safe in a signal handler."""
        self._stopping.set()

    async def run(self, orders: AsyncIterable[Order]) -> list[Outcome]:
        """Work until ``orders`` runs out or ``stop()`` is called; return every outcome."""
        queue: asyncio.Queue[Order | None] = asyncio.Queue(maxsize=self.concurrency)
        consumers = [
            asyncio.create_task(self._consume(queue), name=f"checkout-worker-{n}")
            for n in range(self.concurrency)
        ]
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            source = aiter(orders)
            while (order := await self._next_order(source, stop)) is not None:
                self.taken += 1
                await queue.put(order)  # waits while every consumer is busy
            for _ in consumers:
                await queue.put(None)  # one "no more work" per consumer
            await asyncio.gather(*consumers)
        finally:
            # Cancelled, or a consumer failed: stop the rest, and wait until they have
            # unwound, so no task outlives run().
            for task in (*consumers, stop):
                task.cancel()
            await asyncio.gather(*consumers, stop, return_exceptions=True)
        return self.outcomes

    async def _next_order(
        self, source: AsyncIterator[Order], stop: asyncio.Future[object]
    ) -> Order | None:
        """The next order; ``None`` when the source is exhausted or ``stop()`` was called.

        Waiting for an order and waiting for ``stop()`` race, so a source that blocks
        (a long poll on an empty queue) cannot hold up a shutdown.
        """
        if self.stopping:
            return None
        following = asyncio.ensure_future(anext(source))
        try:
            await asyncio.wait({following, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not following.done():
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
        if following.cancelled():
            return None
        try:
            return following.result()
        except StopAsyncIteration:
            return None

    async def _consume(self, queue: asyncio.Queue[Order | None]) -> None:
        while (order := await queue.get()) is not None:
            self.outcomes.append(await self._create(order))

    async def _create(self, order: Order) -> Outcome:
        body = models.CheckoutCreate(
            currency=order.currency,
            upstream_id=order.id,
            items=[
                models.Item(sku_id=sku, quantity=quantity, price=price)
                for sku, quantity, price in order.lines
            ],
        )
        match await checkouts_create(self.core, body, idempotency_key=f"order-{order.id}"):
            case Ok(value=checkout):
                return Outcome(order.id, checkout_id=checkout.id)
            case Err(error=error):
                # One bad order must not stop the worker: record it and move on.
                return Outcome(order.id, error=f"{type(error).__name__}: {error}")


async def demo_orders(count: int | None) -> AsyncIterator[Order]:
    """``count`` made-up orders (``None``: forever), as a queue consumer would yield them."""
    n = 0
    while count is None or n < count:
        n += 1
        yield Order(
            id=f"demo-{n}",
            currency="USD",
            lines=(("sku_mug", 1 + n % 3, Decimal("7.25")), ("sku_tea", 1, Decimal("4.10"))),
        )
        await asyncio.sleep(0)


async def main(
    core: TillpointCore | None = None,
    orders: AsyncIterable[Order] | None = None,
    *,
    concurrency: int = 8,
) -> list[Outcome]:
    """Run a worker until its orders run out or a signal stops it; print a summary."""
    worker = CheckoutWorker(core or core_from_environment(), concurrency=concurrency)
    this_run = asyncio.current_task()
    assert this_run is not None

    def on_signal() -> None:
        if worker.stopping:
            this_run.cancel()  # a second signal: do not wait for the orders in flight
        else:
            worker.stop()

    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not available off the main thread, nor on Windows: run without it there.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, on_signal)
            handled.append(signum)
    try:
        async with worker.core:
            outcomes = await worker.run(orders if orders is not None else demo_orders(200))
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
    failed = [o for o in outcomes if o.error]
    print(
        f"{len(outcomes) - len(failed)} checkouts created, {len(failed)} failed"
        + (" (stopped early)" if worker.stopping else "")
    )
    for outcome in failed[:10]:
        print(f"  {outcome.order_id}: {outcome.error}")
    return outcomes


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        raise SystemExit("cancelled: orders in flight may or may not have been created") from None
