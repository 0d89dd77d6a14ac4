"""Throughput: 1,000 concurrent ``checkouts_get`` through one core, over HTTPS.

Part of the realistic suite (``bench.realistic`` starts the TLS server and trusts its
CA). One round fires ``requests`` concurrent calls and times until the last returns;
rounds alternate between tillpoint (one core, its default pool: 100 connections, all
kept alive) and raw httpx + ``json.loads`` (one ``httpx.AsyncClient``, httpx's
default pool: 100 connections, 20 kept alive; no limit on the wait for a slot). The
figure is tillpoint's rate of successful calls as a multiple of raw httpx's (higher is
better; target ≥ 1.0x), and every tillpoint call must succeed. Raw httpx's failures,
if any, are reported in the note.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

import httpx

from . import payloads
from ._measure import Row, Target, median, pair_ratio
from ._mock import TOKEN

__all__ = ["throughput_row"]


async def _round(call: Callable[[], Awaitable[bool]], requests: int) -> tuple[float, int]:
    """(successful calls per second, failures) for ``requests`` concurrent calls."""
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(call() for _ in range(requests)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    failures = sum(1 for ok in outcomes if ok is not True)
    return (requests - failures) / elapsed, failures


async def _measure(base_url: str, rounds: int, requests: int) -> Row:
    from tillpoint import TillpointCore
    from tillpoint.funcs import checkouts_get

    core = TillpointCore(bearer_auth=TOKEN, server_url=base_url)
    # httpx's default pool and timeouts, except the wait for a pool slot: with its default
    # 5 s most of 1,000 queued calls fail with PoolTimeout, and a baseline that fails is no
    # baseline. tillpoint queues in front of its pool, so neither side has that limit.
    raw_client = httpx.AsyncClient(timeout=httpx.Timeout(5.0, pool=None))
    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

    async def ours() -> bool:
        result = await checkouts_get(core, payloads.CHECKOUT_ID)
        return result.ok

    async def raw() -> bool:
        response = await raw_client.get(url, headers=headers)
        return response.status_code == 200 and "id" in json.loads(response.content)

    try:
        # Warm-up: connections opened (100 at a time: raw httpx cannot open its pool
        # under 1,000 queued requests, they all end in ConnectTimeout/PoolTimeout),
        # hooks generated; then a full round each, discarded, because the first burst
        # through freshly opened keep-alive connections runs at a fraction of the
        # steady rate, which is not what a long-running service sees.
        for call in (ours, raw):
            await _round(call, min(requests, 100))
            await _round(call, requests)
        ours_rate: list[float] = []
        raw_rate: list[float] = []
        failures = {ours: 0, raw: 0}
        for index in range(rounds):
            order = [(ours, ours_rate), (raw, raw_rate)]
            for call, rates in order if index % 2 == 0 else reversed(order):
                rate, failed = await _round(call, requests)
                rates.append(rate)
                failures[call] += failed
    finally:
        await core.aclose()
        await raw_client.aclose()
    return Row(
        "HTTPS",
        f"throughput: {requests} concurrent checkouts_get, one core vs raw httpx",
        f"{median(ours_rate):.0f} req/s",
        f"{median(raw_rate):.0f} req/s",
        pair_ratio(ours_rate, raw_rate),
        Target("at_least", 1.0),
        note=(
            f"higher is better; median of {rounds} interleaved rounds, {failures[ours]} failed "
            f"calls, raw httpx: {failures[raw]}"
        ),
        failed=failures[ours] > 0,
    )


def throughput_row(base_url: str, *, rounds: int, requests: int) -> Row:
    return asyncio.run(_measure(base_url, rounds, requests))
