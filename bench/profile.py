"""``python -m bench.profile {steady,sync,warm,cold}``: where the time goes, over HTTPS.

The same set-up as the realistic suite (a throw-away CA, the TLS server in its own
process, ``SSL_CERT_FILE``), then:

* ``steady`` — cProfile of ``checkouts_get`` over a kept-alive connection, and of raw
  ``AsyncClient.get`` + ``json.loads`` for comparison;
* ``sync`` — the same for ``tillpoint.sync.checkouts_get`` and raw ``httpx.Client``;
* ``warm`` — cProfile of ``asyncio.run`` per invocation on a module-level core, and of
  raw httpx creating its client per invocation;
* ``cold`` — ``python -X importtime`` of a fresh process's import, core, TLS
  handshake and first ``checkouts_get``.

Profile before optimising: the tuning pass reads these, not guesses.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import pstats
import sys
from collections.abc import Callable

import httpx

from . import payloads
from .cold_start import importtime_report
from .realistic import SYNC_MISSING, Sides, checkout_over_https

__all__ = ["main"]


def _report(title: str, run: Callable[[], object], top: int) -> str:
    run()  # warm-up outside the profile: imports, hooks, connections
    profile = cProfile.Profile()
    profile.runcall(run)
    lines = [f"## {title}"]
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        lines.append(f"### by {order}\n{out.getvalue().strip()}")
    return "\n\n".join(lines)


def _steady(sides: Sides, calls: int, top: int) -> list[str]:
    async def ours() -> None:
        async with sides.new_core() as core:
            for _ in range(calls):
                await sides.ours(core)

    async def raw() -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(calls):
                await sides.raw(client)

    return [
        _report(f"tillpoint checkouts_get, {calls} calls", lambda: asyncio.run(ours()), top),
        _report(
            f"raw AsyncClient.get + json.loads, {calls} calls", lambda: asyncio.run(raw()), top
        ),
    ]


def _sync(sides: Sides, calls: int, top: int) -> list[str]:
    sections = []
    sync_get = sides.sync_get
    if sync_get is None:
        sections.append(f"## tillpoint sync checkouts_get: {SYNC_MISSING}")
    else:
        core = sides.new_core()

        def ours() -> None:
            for _ in range(calls):
                assert sync_get(core, payloads.CHECKOUT_ID).ok

        with contextlib.closing(core):
            sections.append(_report(f"tillpoint sync checkouts_get, {calls} calls", ours, top))
    with httpx.Client() as client:

        def raw() -> None:
            for _ in range(calls):
                sides.raw_sync(client)

        sections.append(_report(f"raw httpx.Client.get + json.loads, {calls} calls", raw, top))
    return sections


def _warm(sides: Sides, calls: int, top: int) -> list[str]:
    core = sides.new_core()

    def ours() -> None:
        for _ in range(calls):
            asyncio.run(sides.ours(core))

    def raw() -> None:
        for _ in range(calls):
            asyncio.run(sides.raw_invocation())

    return [
        _report(f"tillpoint: asyncio.run per invocation, {calls} invocations", ours, top),
        _report(f"raw httpx: a client per invocation, {calls} invocations", raw, top),
    ]


def _cold(sides: Sides, calls: int, top: int) -> list[str]:
    url = sides.url
    return [
        "## -X importtime: import + core + TLS handshake + first checkouts_get\n\n"
        + importtime_report(top, script="tillpoint-wire", url=url),
        "## -X importtime: raw httpx doing the same\n\n"
        + importtime_report(top, script="raw-wire", url=url).split("\n", 2)[2],
    ]


_MODES = {"steady": _steady, "sync": _sync, "warm": _warm, "cold": _cold}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("mode", choices=sorted(_MODES))
    parser.add_argument("--calls", type=int, default=500, help="calls profiled (default 500)")
    parser.add_argument("--top", type=int, default=25, help="rows per listing (default 25)")
    args = parser.parse_args(argv)
    with checkout_over_https() as (base_url, _):
        print("\n\n".join(_MODES[args.mode](Sides(base_url), args.calls, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
