"""The realistic suite: tillpoint where users run it, over HTTPS to 127.0.0.1.

A throw-away CA and server certificate (``bench._tls``); the 10-line-item checkout
served over TLS from a separate process (``bench._server``); both sides trusting the
CA through ``SSL_CERT_FILE`` (certifi's bundle plus the CA: see ``bench._tls``).
Every figure is a median of interleaved pairs in this one run, the ratio
tillpoint / raw httpx:

* cold start — a fresh process: import, core, TLS handshake, first ``checkouts_get``
  (target ≤ 1.10x);
* warm invocation — ``asyncio.run`` per call on a module-level core, against raw httpx
  creating its client per invocation, as a serverless handler would (≤ 0.60x);
* steady — ``checkouts_get`` over a kept-alive TLS connection, against raw
  ``AsyncClient.get`` + ``json.loads`` (≤ 1.05x);
* sync — ``tillpoint.sync.checkouts_get`` over a kept-alive connection, against raw
  ``httpx.Client.get`` + ``json.loads`` (≤ 1.10x);
* throughput — ``bench.throughput`` (≥ 1.0x, higher is better).

Then, for ``docs/serverless.md``, the absolute cost of one invocation three ways:
``asyncio.run`` per invocation, a persistent event loop, the sync API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from . import payloads
from ._measure import (
    Row,
    Target,
    interleave,
    interleave_batches,
    paired_row,
    per_call_cost,
)
from ._mock import TOKEN
from ._server import served
from ._tls import make_certificates, trusting
from .cold_start import cold_start_row
from .throughput import throughput_row

__all__ = ["SYNC_MISSING", "Sides", "checkout_over_https", "run"]

GROUP = "HTTPS"
SYNC_MISSING = "n/a (tillpoint.sync not available)"
_HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


def _sync_checkouts_get() -> Callable[..., Any] | None:
    try:
        from tillpoint.sync import checkouts_get  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return checkouts_get  # type: ignore[no-any-return,unused-ignore]


def _ok(result: Any) -> object:
    """A failed call stops the benchmark: a fast error is not a figure."""
    if not result.ok:
        raise AssertionError(f"checkouts_get failed: {result.error!r}")
    return result.value


class Sides:
    """The calls each figure compares, all against one served checkout."""

    def __init__(self, base_url: str) -> None:
        from tillpoint import TillpointCore
        from tillpoint.funcs import checkouts_get

        self.base_url = base_url
        self.url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
        self.checkouts_get = checkouts_get
        self.sync_get = _sync_checkouts_get()
        self._core_class = TillpointCore

    def new_core(self) -> Any:
        return self._core_class(bearer_auth=TOKEN, server_url=self.base_url)

    async def ours(self, core: Any) -> object:
        return _ok(await self.checkouts_get(core, payloads.CHECKOUT_ID))

    async def raw(self, client: httpx.AsyncClient) -> object:
        response = await client.get(self.url, headers=_HEADERS)
        return json.loads(response.content)

    async def raw_invocation(self) -> object:
        async with httpx.AsyncClient() as client:
            return await self.raw(client)

    def raw_sync(self, client: httpx.Client) -> object:
        return json.loads(client.get(self.url, headers=_HEADERS).content)


@contextlib.contextmanager
def checkout_over_https() -> Iterator[tuple[str, Path]]:
    """The full checkout served over TLS from its own process, this process trusting
    its throw-away CA (``SSL_CERT_FILE``): the base URL, and a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as name:
        tmp = Path(name)
        certificates = make_certificates(tmp)
        with (
            trusting(certificates.trust_file),
            served(payloads.full_checkout_bytes(), certificates) as base_url,
        ):
            yield base_url, tmp


def _cold(sides: Sides, pairs: int, tmp: Path) -> Row:
    body = tmp / "checkout.json"
    body.write_bytes(payloads.full_checkout_bytes())
    return cold_start_row(
        GROUP,
        "cold start: import + core + TLS handshake + first checkouts_get vs raw httpx",
        ("tillpoint-wire", "raw-wire"),
        pairs,
        str(body),
        sides.url,
        Target("at_most", 1.10),
        f"fresh processes, median of {pairs} interleaved pairs",
    )


def _warm(sides: Sides, pairs: int, invocations: int) -> Row:
    core = sides.new_core()  # module-level, as in a serverless handler's module
    ours = per_call_cost(lambda: asyncio.run(sides.ours(core)), invocations)
    raw = per_call_cost(lambda: asyncio.run(sides.raw_invocation()), invocations)
    ours(), raw()  # warm-up: imports, hooks, the first decode
    a, b = interleave(pairs, ours, raw)
    return paired_row(
        GROUP,
        "warm invocation: asyncio.run per call, module-level core vs raw client per invocation",
        a,
        b,
        Target("at_most", 0.60),
        f"each a new event loop; median of {pairs} pairs of {invocations} invocations",
    )


def _steady(sides: Sides, pairs: int, calls: int) -> Row:
    async def main() -> tuple[list[float], list[float]]:
        async with sides.new_core() as core, httpx.AsyncClient() as client:
            return await interleave_batches(
                lambda: sides.ours(core), lambda: sides.raw(client), pairs, calls
            )

    a, b = asyncio.run(main())
    return paired_row(
        GROUP,
        "steady checkouts_get over kept-alive TLS vs raw AsyncClient.get + json.loads",
        a,
        b,
        Target("at_most", 1.05),
        f"one event loop; median of {pairs} pairs of {calls} calls",
    )


def _sync(sides: Sides, pairs: int, calls: int) -> Row:
    name = "sync checkouts_get over kept-alive TLS vs raw httpx.Client.get + json.loads"
    target = Target("at_most", 1.10)
    sync_get = sides.sync_get
    if sync_get is None:
        return Row(GROUP, name, SYNC_MISSING, "—", None, target, failed=True)
    core = sides.new_core()
    with httpx.Client() as client, contextlib.closing(core):

        def ours() -> object:
            return _ok(sync_get(core, payloads.CHECKOUT_ID))

        def raw() -> object:
            return sides.raw_sync(client)

        for _ in range(max(3, calls // 10)):  # warm-up: connections made, caches hot
            ours(), raw()
        a, b = interleave(pairs, per_call_cost(ours, calls), per_call_cost(raw, calls))
    return paired_row(
        GROUP,
        name,
        a,
        b,
        target,
        f"median of {pairs} pairs of {calls} calls",
    )


def _serverless(sides: Sides, pairs: int, invocations: int) -> list[Row]:
    """Absolute figures for docs/serverless.md: one warm invocation, three ways.

    Each against a persistent event loop (``loop.run_until_complete`` per invocation on a
    loop kept for the process's life), in interleaved pairs. Separate cores, as separate
    deployments would have: a core's pool belongs to the loop that made it.
    """
    group = "serverless: one warm invocation"
    kept_core, fresh_core = sides.new_core(), sides.new_core()
    loop = asyncio.new_event_loop()
    stack = contextlib.ExitStack()
    try:
        kept = per_call_cost(lambda: loop.run_until_complete(sides.ours(kept_core)), invocations)
        fresh = per_call_cost(lambda: asyncio.run(sides.ours(fresh_core)), invocations)
        kept(), fresh()  # warm-up
        a, b = interleave(pairs, fresh, kept)
        rows = [
            paired_row(
                group,
                "asyncio.run per invocation vs a persistent loop (both module-level cores)",
                a,
                b,
                note="a new loop: a new connection and TLS handshake each time",
            )
        ]
        sync_get = sides.sync_get
        if sync_get is None:
            rows.append(Row(group, "the sync API vs a persistent loop", SYNC_MISSING, "—", None))
        else:
            sync_core = stack.enter_context(contextlib.closing(sides.new_core()))
            sync = per_call_cost(
                lambda: _ok(sync_get(sync_core, payloads.CHECKOUT_ID)), invocations
            )
            sync()
            c, d = interleave(pairs, sync, kept)
            rows.append(
                paired_row(
                    group,
                    "the sync API vs a persistent loop",
                    c,
                    d,
                    note="kept-alive connection",
                )
            )
        loop.run_until_complete(kept_core.aclose())
    finally:
        loop.close()
        stack.close()
    return rows


def run(
    *,
    cold_pairs: int = 15,
    pairs: int = 15,
    calls: int = 200,
    invocations: int = 10,
    rounds: int = 7,
    requests: int = 1000,
) -> list[Row]:
    with checkout_over_https() as (base_url, tmp):
        sides = Sides(base_url)
        return [
            _cold(sides, cold_pairs, tmp),
            _warm(sides, pairs, invocations),
            _steady(sides, pairs, calls),
            _sync(sides, pairs, calls),
            throughput_row(base_url, rounds=rounds, requests=requests),
            *_serverless(sides, pairs, invocations),
        ]
