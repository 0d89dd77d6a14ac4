"""``python -m bench [--quick] [--only NAME ...]``: run the benchmarks, print the table."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ._measure import Row, fmt_ratio, render

# Full and --quick settings: quick keeps the minimum of 11 cold-start pairs.
# The realistic suite (HTTPS, fresh processes, new loops) leads.
_PLANS: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "realistic": (
        {"cold_pairs": 15, "pairs": 15, "calls": 200, "invocations": 10, "rounds": 7},
        {"cold_pairs": 11, "pairs": 7, "calls": 100, "invocations": 5, "rounds": 3},
    ),
    "cold_start": ({"pairs": 15}, {"pairs": 11}),
    "per_call": ({"pairs": 21, "calls": 300}, {"pairs": 9, "calls": 150}),
    "serialisation": ({"pairs": 15, "repeat": 20}, {"pairs": 7, "repeat": 5}),
    "memory": ({"repeat": 3}, {"repeat": 1}),
}
CHART = Path(__file__).resolve().parent.parent / "docs" / "img" / "bench.png"


def _runner(name: str) -> Callable[..., list[Row]]:
    import importlib

    module = importlib.import_module(f"bench.{name}")
    return module.run  # type: ignore[no-any-return]


def machine() -> str:
    cpus = os.cpu_count()
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {cpus} CPU{'s' if cpus != 1 else ''}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer pairs (about a minute)")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(_PLANS), default=list(_PLANS), metavar="NAME"
    )
    parser.add_argument("--no-importtime", action="store_true", help="skip -X importtime")
    parser.add_argument(
        "--chart", type=Path, default=CHART, help="where the bar chart goes (default: %(default)s)"
    )
    parser.add_argument("--no-chart", action="store_true", help="draw no chart")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    print(f"tillpoint benchmarks on {machine()}", flush=True)
    rows: list[Row] = []
    for name in (n for n in _PLANS if n in args.only):
        settings = _PLANS[name][1 if args.quick else 0]
        print(f"  running {name} {settings} …", flush=True)
        rows += _runner(name)(**settings)
    print()
    print(render(rows))
    if "cold_start" in args.only and not args.no_importtime:
        from .cold_start import importtime_report

        print()
        print(importtime_report())
    misses = [row for row in rows if row.verdict == "MISS"]
    print()
    elapsed = time.perf_counter() - started
    print(f"{len(rows)} figures, {len(misses)} missed targets, {elapsed:.0f} s")
    for row in misses:
        print(f"  MISS: {row.group} · {row.name}: {fmt_ratio(row.ratio)} (target {row.target})")
    if not args.no_chart and any(row.target for row in rows):
        from ._chart import draw

        print(f"chart: {draw(rows, args.chart, f'make bench on {machine()}')}")
    # A miss is reported, not raised: a slow machine must never fail a build.
    return 0


if __name__ == "__main__":
    sys.exit(main())
