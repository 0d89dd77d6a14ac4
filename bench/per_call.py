"""Per call: steady-state cost of one call over an in-memory transport.

* ``checkouts_get`` of a full checkout against raw httpx + ``json.loads`` of the
  same bytes through the same kind of transport (target ≤ 1.5x);
* ``sessions_get`` against the ``gr4vy`` SDK's ``checkout_sessions.get_async`` on
  the same transport and payload (target: tillpoint ≥ 12x faster).

Each pair runs ``calls`` sequential calls of one side then the other (the order
alternating), on one event loop, after a warm-up; the figure is the median of the
per-pair ratios.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from collections.abc import Awaitable, Callable
from typing import Any

from . import payloads
from ._measure import AsyncCall, Row, Target, fmt_seconds, interleave_batches, median, pair_ratio
from ._mock import DR_URL, GR4VY_URL, TOKEN, client_for

__all__ = ["run"]


def _raw(body: bytes, url: str) -> AsyncCall:
    client = client_for(body)
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}

    async def call() -> object:
        response = await client.get(url, headers=headers)
        return json.loads(response.content)

    return call


def _tillpoint_call(
    operation: Callable[..., Awaitable[Any]], server_url: str, body: bytes, resource_id: str
) -> AsyncCall:
    """One tillpoint function over the in-memory transport; a failed call stops the bench."""
    from tillpoint import TillpointCore

    core = TillpointCore(bearer_auth=TOKEN, server_url=server_url, client=client_for(body))

    async def call() -> object:
        result = await operation(core, resource_id)
        if not result.ok:
            raise AssertionError(f"{operation.__name__} failed: {result.error!r}")
        return result.value

    return call


async def _checkouts(pairs: int, calls: int) -> list[Row]:
    from tillpoint.funcs import checkouts_get

    body = payloads.full_checkout_bytes()
    ours = _tillpoint_call(checkouts_get, DR_URL, body, payloads.CHECKOUT_ID)
    raw = _raw(body, f"{DR_URL}/checkouts/{payloads.CHECKOUT_ID}")
    a, b = await interleave_batches(ours, raw, pairs, calls)
    return [
        Row(
            "per call",
            "checkouts_get vs raw httpx + json.loads",
            fmt_seconds(median(a)),
            fmt_seconds(median(b)),
            pair_ratio(a, b),
            Target("at_most", 1.5),
            note=f"full checkout, {len(body) // 1024} KiB",
        )
    ]


def _gr4vy_call(body: bytes) -> AsyncCall:
    from gr4vy import Gr4vy

    sdk = Gr4vy(bearer_auth=TOKEN, server_url=GR4VY_URL, async_client=client_for(body))

    async def call() -> object:
        return await sdk.checkout_sessions.get_async(session_id=payloads.SESSION_ID)

    return call


async def _sessions(pairs: int, calls: int) -> list[Row]:
    body = payloads.session_bytes()
    raw = _raw(body, f"{GR4VY_URL}/checkout/sessions/{payloads.SESSION_ID}")
    gr4vy = _gr4vy_call(body)
    # gr4vy is an order of magnitude slower: fewer calls keep the pair balanced in time.
    g, r = await interleave_batches(gr4vy, raw, pairs, max(1, calls // 5))
    rows = [
        Row(
            "per call",
            "gr4vy checkout_sessions.get vs raw httpx + json.loads",
            fmt_seconds(median(g)),
            fmt_seconds(median(r)),
            pair_ratio(g, r),
            note="context",
        )
    ]
    from tillpoint.funcs import sessions_get

    ours = _tillpoint_call(sessions_get, GR4VY_URL, body, payloads.SESSION_ID)
    a, b = await interleave_batches(ours, raw, pairs, calls)
    # Against gr4vy the ratio is "how many times faster": theirs / ours.
    c, d = await interleave_batches(gr4vy, ours, pairs, max(1, calls // 5))
    rows += [
        Row(
            "per call",
            "sessions_get vs raw httpx + json.loads",
            fmt_seconds(median(a)),
            fmt_seconds(median(b)),
            pair_ratio(a, b),
            note="context",
        ),
        Row(
            "per call",
            "sessions_get: times faster than gr4vy checkout_sessions.get",
            fmt_seconds(median(d)),
            fmt_seconds(median(c)),
            pair_ratio(c, d),
            Target("at_least", 12.0),
        ),
    ]
    return rows


def run(*, pairs: int = 15, calls: int = 200) -> list[Row]:
    async def main() -> list[Row]:
        rows = await _checkouts(pairs, calls)
        if importlib.util.find_spec("gr4vy") is None:
            return [*rows, Row("per call", "gr4vy SDK", "—", "not installed", 0.0, failed=True)]
        return rows + await _sessions(pairs, calls)

    return asyncio.run(main())
