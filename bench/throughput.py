"""Throughput: many concurrent ``checkouts_get`` through one core, over real HTTP.

A tiny server (``bench._server``) runs in its own process on 127.0.0.1 and answers
every request with the full checkout. One round fires ``requests`` concurrent calls
and times until the last returns; rounds alternate between tillpoint (one core, its
default pool: 100 connections, all kept alive) and raw httpx + ``json.loads`` (one
``AsyncClient`` with the same 100 connections). The figure is tillpoint's throughput
as a share of raw httpx's (target ≥ 0.85x), and every tillpoint call must succeed.

Raw httpx keeps httpx's own default of 20 idle connections: with 100 kept alive,
httpcore's pool, which re-examines every queued request against every connection on
every event, falls over under 1,000 queued requests (most of them ``PoolTimeout``).
tillpoint queues requests in front of the pool, so it has no such limit to respect.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from . import payloads
from ._measure import Row, Target, median, pair_ratio

__all__ = ["RAW_KEEPALIVE", "run", "server"]

RAW_KEEPALIVE = 20
"""httpx's default; see the module docstring for why raw httpx does not get 100."""


@contextmanager
def server(body: bytes) -> Iterator[str]:
    """Serve ``body`` from a separate process on 127.0.0.1; yield its base URL."""
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as tmp:
        body_file = Path(tmp, "body.json")
        body_file.write_bytes(body)
        with subprocess.Popen(
            [sys.executable, "-m", "bench._server", str(body_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        ) as process:
            assert process.stdin is not None
            assert process.stdout is not None
            try:
                port = int(process.stdout.readline())
                yield f"http://127.0.0.1:{port}"
            finally:
                process.stdin.close()  # the server's signal to stop
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()


async def _round(call: Callable[[], Awaitable[bool]], requests: int) -> tuple[float, int]:
    """(requests per second, failures) for ``requests`` concurrent calls."""
    started = time.perf_counter()
    outcomes = await asyncio.gather(*(call() for _ in range(requests)), return_exceptions=True)
    elapsed = time.perf_counter() - started
    failures = sum(1 for ok in outcomes if ok is not True)
    return requests / elapsed, failures


async def _main(base_url: str, rounds: int, requests: int) -> Row:
    from tillpoint import TillpointCore
    from tillpoint.core import DEFAULT_MAX_CONNECTIONS
    from tillpoint.funcs import checkouts_get

    core = TillpointCore(bearer_auth="sk_test_bench", server_url=base_url)
    raw_client = httpx.AsyncClient(
        limits=httpx.Limits(
            max_connections=DEFAULT_MAX_CONNECTIONS,
            max_keepalive_connections=RAW_KEEPALIVE,
        )
    )
    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
    headers = {"Authorization": "Bearer sk_test_bench", "Accept": "application/json"}

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
        "throughput",
        f"{requests} concurrent checkouts_get, one core vs raw httpx",
        f"{median(ours_rate):.0f} req/s",
        f"{median(raw_rate):.0f} req/s",
        pair_ratio(ours_rate, raw_rate),
        Target("at_least", 0.85),
        note=(
            f"127.0.0.1, median of {rounds} interleaved rounds, {failures[ours]} failed "
            f"calls, raw httpx: {failures[raw]}; raw keeps {RAW_KEEPALIVE} connections alive"
        ),
        failed=failures[ours] > 0,
    )


def run(*, rounds: int = 7, requests: int = 1000) -> list[Row]:
    with server(payloads.full_checkout_bytes()) as base_url:
        return [asyncio.run(_main(base_url, rounds, requests))]
