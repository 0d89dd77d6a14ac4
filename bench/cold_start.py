"""Cold start: a fresh interpreter, imports, one client, the first call.

Each side is a new ``python`` process that reads the response body from a file,
then times — from before its first import to the decoded result — importing its
library, building its client over ``httpx.MockTransport`` and making one call.
Interpreter start-up is the same on both sides and is left out of the headline
(it is in the wall-clock column, for context). Pairs alternate which process runs
first; the figure is the median of the per-pair ratios (target ≤ 1.8x: a guard on
the SDK's own import and first-decode cost; the headline cold start is the one over
HTTPS in ``bench.realistic``, which uses the ``*-wire`` scripts here).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import payloads
from ._measure import Row, Target, fmt_seconds, pair_ratio, paired_row

__all__ = ["SCRIPTS", "cold_start_row", "importtime_report", "measure", "run"]

# Each script prints the seconds it spent, measured from before its first import.
# The transport is declared the same way in each, so only the library differs.
_PRELUDE = """\
import sys, time
body = open(sys.argv[1], "rb").read()
started = time.perf_counter()
"""
# What a deployment of tillpoint alone has not installed, but this development
# environment has: httpcore imports trio when it is importable, and httpx imports its
# command line (click, rich, pygments). Both sides would pay ~50 ms for them here and
# nothing in a Lambda bundle; as None in sys.modules they fail to import, as when absent.
_DEPLOYED = """\
import sys, time
sys.modules.update(dict.fromkeys(("trio", "click", "rich", "pygments"), None))
body = open(sys.argv[1], "rb").read()
started = time.perf_counter()
"""
_HANDLER = """\
def handler(request):
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})
"""
_REPORT = "print(time.perf_counter() - started)\n"

SCRIPTS: dict[str, str] = {
    "raw": _PRELUDE
    + """\
import asyncio, json
import httpx
"""
    + _HANDLER
    + """\
async def main():
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        response = await client.get(sys.argv[2], headers={"Authorization": "Bearer sk_test_1"})
        return json.loads(response.content)
assert "id" in asyncio.run(main())
"""
    + _REPORT,
    "tillpoint": _PRELUDE
    + """\
import asyncio
import httpx
from tillpoint import TillpointCore
from tillpoint.funcs import checkouts_get
"""
    + _HANDLER
    + """\
async def main():
    core = TillpointCore(bearer_auth="sk_test_1",
                         client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    result = await checkouts_get(core, sys.argv[2].rsplit("/", 1)[1])
    await core.client().aclose()
    return result
assert asyncio.run(main()).ok
"""
    + _REPORT,
    # Over the network (HTTPS to 127.0.0.1 in bench.realistic): what a deployment's
    # first request really does — the SSL context, the TCP and TLS handshakes included.
    "raw-wire": _DEPLOYED
    + """\
import asyncio, json
import httpx
async def main():
    async with httpx.AsyncClient() as client:
        response = await client.get(sys.argv[2], headers={"Authorization": "Bearer sk_test_1"})
        return json.loads(response.content)
assert "id" in asyncio.run(main())
"""
    + _REPORT,
    "tillpoint-wire": _DEPLOYED
    + """\
import asyncio
from tillpoint import TillpointCore
from tillpoint.funcs import checkouts_get
async def main():
    base, checkout_id = sys.argv[2].rsplit("/checkouts/", 1)
    async with TillpointCore(bearer_auth="sk_test_1", server_url=base) as core:
        return await checkouts_get(core, checkout_id)
assert asyncio.run(main()).ok
"""
    + _REPORT,
    "tillpoint-sessions": _PRELUDE
    + """\
import asyncio
import httpx
from tillpoint import TillpointCore
from tillpoint.funcs import sessions_get
"""
    + _HANDLER
    + """\
async def main():
    core = TillpointCore(bearer_auth="token", server="sandbox", id="example",
                         client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    result = await sessions_get(core, sys.argv[2].rsplit("/", 1)[1])
    await core.client().aclose()
    return result
assert asyncio.run(main()).ok
"""
    + _REPORT,
    "gr4vy": _PRELUDE
    + """\
import asyncio
import httpx
from gr4vy import Gr4vy
"""
    + _HANDLER
    + """\
async def main():
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    sdk = Gr4vy(bearer_auth="token", server="sandbox", id="example", async_client=client)
    session = await sdk.checkout_sessions.get_async(session_id=sys.argv[2].rsplit("/", 1)[1])
    await client.aclose()
    return session
assert asyncio.run(main()).id
"""
    + _REPORT,
}

_CHECKOUT_URL = f"https://api.digitalriver.com/checkouts/{payloads.CHECKOUT_ID}"
_SESSION_URL = f"https://api.sandbox.example.gr4vy.app/checkout/sessions/{payloads.SESSION_ID}"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Nothing from the parent may leak into the child's import cost. Bytecode is
    # written and reused, as in any deployment: without it each side would be timing
    # the compiler on whichever modules happen to have no __pycache__ yet.
    for name in (
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONTRACEMALLOC",
        "PYTHONDEVMODE",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(name, None)
    return env


def measure(script: str, body_file: str, url: str) -> tuple[float, float]:
    """Run one fresh process: (seconds from first import to result, wall seconds)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPTS[script], body_file, url],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"cold-start script {script!r} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1]), wall


def _pairs(
    subject: str, baseline: str, pairs: int, body_file: str, url: str
) -> tuple[list[float], list[float], list[float], list[float]]:
    # One throw-away run each: both start with warm page cache and bytecode.
    measure(subject, body_file, url)
    measure(baseline, body_file, url)
    ours: list[float] = []
    theirs: list[float] = []
    ours_wall: list[float] = []
    theirs_wall: list[float] = []
    for index in range(pairs):
        order = [(subject, ours, ours_wall), (baseline, theirs, theirs_wall)]
        for name, inside, wall in order if index % 2 == 0 else reversed(order):
            a, b = measure(name, body_file, url)
            inside.append(a)
            wall.append(b)
    return ours, theirs, ours_wall, theirs_wall


def cold_start_row(
    group: str,
    name: str,
    scripts: tuple[str, str],
    pairs: int,
    body_file: str,
    url: str,
    target: Target | None,
    note: str,
) -> Row:
    """Interleaved pairs of fresh processes running ``scripts`` (ours, theirs): one row."""
    ours, theirs, ours_wall, theirs_wall = _pairs(*scripts, pairs, body_file, url)
    wall = pair_ratio(ours_wall, theirs_wall)
    return paired_row(
        group, name, ours, theirs, target, f"{note}; whole process incl. interpreter {wall:.2f}x"
    )


def run(*, pairs: int = 11) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as tmp:
        checkout = Path(tmp, "checkout.json")
        checkout.write_bytes(payloads.full_checkout_bytes())
        session = Path(tmp, "session.json")
        session.write_bytes(payloads.session_bytes())

        cases: list[tuple[str, tuple[str, str], Path, str, Target | None, str]] = [
            (
                "import + core + first checkouts_get vs raw httpx",
                ("tillpoint", "raw"),
                checkout,
                _CHECKOUT_URL,
                Target("at_most", 1.8),
                f"httpx.MockTransport, median of {pairs} interleaved pairs",
            ),
            (
                "import + core + first sessions_get vs raw httpx",
                ("tillpoint-sessions", "raw"),
                session,
                _SESSION_URL,
                None,
                "context",
            ),
        ]
        if importlib.util.find_spec("gr4vy") is not None:
            cases.append(
                (
                    "gr4vy import + Gr4vy() + first checkout_sessions.get vs raw httpx",
                    ("gr4vy", "raw"),
                    session,
                    _SESSION_URL,
                    None,
                    "context",
                )
            )
        return [
            cold_start_row(
                "in-memory cold start", name, scripts, pairs, str(body), url, target, note
            )
            for name, scripts, body, url, target, note in cases
        ]


def importtime_report(top: int = 12, script: str = "tillpoint", url: str = _CHECKOUT_URL) -> str:
    """``python -X importtime`` for ``import tillpoint``, and for the whole first call.

    ``script`` is one of :data:`SCRIPTS` making its call to ``url`` (over the network for a
    ``*-wire`` script, with ``SSL_CERT_FILE`` already pointing at the server's CA).
    """
    lines = []
    bare = _importtime("import tillpoint")
    lines.append(
        f"`import tillpoint` alone: {fmt_seconds(bare.get('tillpoint', (0, 0))[1] / 1e6)} "
        "cumulative (public names load lazily, on first use)."
    )
    with tempfile.TemporaryDirectory(prefix="tillpoint-bench-") as tmp:
        checkout = Path(tmp, "checkout.json")
        checkout.write_bytes(payloads.full_checkout_bytes())
        # The first call's imports, as the cold-start script makes them.
        script = (
            SCRIPTS[script]
            .replace("sys.argv[1]", repr(str(checkout)))
            .replace("sys.argv[2]", repr(url))
        )
        full = _importtime(script)
    roots = sorted(
        ((name, cumulative) for name, (_, cumulative) in full.items() if "." not in name),
        key=lambda item: -item[1],
    )[:top]
    selfs = sorted(full.items(), key=lambda item: -item[1][0])[:top]
    lines.append("")
    lines.append(f"Top-level packages the first `checkouts_get` imports (cumulative, top {top}):")
    lines.append("")
    lines += [f"    {fmt_seconds(us / 1e6):>9}  {name}" for name, us in roots]
    lines.append("")
    lines.append(f"Modules with the largest self time (top {top}):")
    lines.append("")
    lines += [f"    {fmt_seconds(s / 1e6):>9}  {name}" for name, (s, _) in selfs]
    return "\n".join(lines)


def _importtime(code: str) -> dict[str, tuple[int, int]]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    found: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        found[name.strip()] = (int(self_us), int(cumulative_us))
    return found
