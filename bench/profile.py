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
import json
import pstats
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx

from . import payloads
from ._mock import TOKEN
from ._server import served
from ._tls import make_certificates, trusting
from .cold_start import importtime_report
from .realistic import SYNC_MISSING

__all__ = ["main"]

_HEADERS = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


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


def _steady(base_url: str, calls: int, top: int) -> list[str]:
    from tillpoint import TillpointCore
    from tillpoint.funcs import checkouts_get

    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"

    async def ours() -> None:
        async with TillpointCore(bearer_auth=TOKEN, server_url=base_url) as core:
            for _ in range(calls):
                assert (await checkouts_get(core, payloads.CHECKOUT_ID)).ok

    async def raw() -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(calls):
                json.loads((await client.get(url, headers=_HEADERS)).content)

    return [
        _report(f"tillpoint checkouts_get, {calls} calls", lambda: asyncio.run(ours()), top),
        _report(
            f"raw AsyncClient.get + json.loads, {calls} calls", lambda: asyncio.run(raw()), top
        ),
    ]


def _sync(base_url: str, calls: int, top: int) -> list[str]:
    from tillpoint import TillpointCore

    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
    sections = []
    try:
        from tillpoint.sync import checkouts_get  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        sections.append(f"## tillpoint sync checkouts_get: {SYNC_MISSING}")
    else:
        core = TillpointCore(bearer_auth=TOKEN, server_url=base_url)

        def ours() -> None:
            for _ in range(calls):
                assert checkouts_get(core, payloads.CHECKOUT_ID).ok

        with contextlib.closing(core):
            sections.append(_report(f"tillpoint sync checkouts_get, {calls} calls", ours, top))
    with httpx.Client() as client:

        def raw() -> None:
            for _ in range(calls):
                json.loads(client.get(url, headers=_HEADERS).content)

        sections.append(_report(f"raw httpx.Client.get + json.loads, {calls} calls", raw, top))
    return sections


def _warm(base_url: str, calls: int, top: int) -> list[str]:
    from tillpoint import TillpointCore
    from tillpoint.funcs import checkouts_get

    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
    core = TillpointCore(bearer_auth=TOKEN, server_url=base_url)

    def ours() -> None:
        for _ in range(calls):
            assert asyncio.run(checkouts_get(core, payloads.CHECKOUT_ID)).ok

    async def raw_invocation() -> None:
        async with httpx.AsyncClient() as client:
            json.loads((await client.get(url, headers=_HEADERS)).content)

    def raw() -> None:
        for _ in range(calls):
            asyncio.run(raw_invocation())

    return [
        _report(f"tillpoint: asyncio.run per invocation, {calls} invocations", ours, top),
        _report(f"raw httpx: a client per invocation, {calls} invocations", raw, top),
    ]


def _cold(base_url: str, calls: int, top: int) -> list[str]:
    url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
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
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as name:
        certificates = make_certificates(Path(name))
        with (
            trusting(certificates.trust_file),
            served(payloads.full_checkout_bytes(), certificates) as base_url,
        ):
            print("\n\n".join(_MODES[args.mode](base_url, args.calls, args.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
