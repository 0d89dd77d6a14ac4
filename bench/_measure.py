"""How every benchmark measures: interleaved pairs, medians, one row per figure.

The machines these run on are small and shared, so an absolute time is context
only. A figure is always a *ratio* of two things measured side by side in the
same run: the pair alternates (A B, B A, A B, …) so that a slow patch of the
machine lands on both sides, and the median of the per-pair ratios is reported.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AsyncCall",
    "Row",
    "Target",
    "fmt_bytes",
    "fmt_ratio",
    "fmt_seconds",
    "interleave",
    "interleave_batches",
    "median",
    "per_call_cost",
    "pair_ratio",
    "render",
    "timed",
]


@dataclass(frozen=True)
class Target:
    """A goal for a ratio: ``ratio <= limit`` (``"at_most"``) or ``>= limit``."""

    kind: Literal["at_most", "at_least"]
    limit: float

    def met(self, ratio: float) -> bool:
        return ratio <= self.limit if self.kind == "at_most" else ratio >= self.limit

    def __str__(self) -> str:
        return f"{'≤' if self.kind == 'at_most' else '≥'}{self.limit:g}x"


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    group: str
    name: str
    subject: str
    """The measured side's figure (tillpoint's, unless the row says otherwise), with its unit."""
    baseline: str
    """The baseline's figure, with its unit (context only)."""
    ratio: float | None
    """``None``: not measured (the row says why); always a miss if it has a target."""
    target: Target | None = None
    note: str = ""
    failed: bool = False
    """Something went wrong beyond speed (errors, a wrong answer): a miss whatever the ratio."""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "MISS" if self.failed else "info"
        if self.failed or self.ratio is None:
            return "MISS"
        return "PASS" if self.target.met(self.ratio) else "MISS"


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def interleave(
    pairs: int,
    subject: Callable[[], float],
    baseline: Callable[[], float],
) -> tuple[list[float], list[float]]:
    """Run ``pairs`` pairs, alternating which side goes first; each call returns a cost.

    Returns the subject's and the baseline's costs, pair by pair.
    """
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(pairs):
        if index % 2 == 0:
            ours.append(subject())
            theirs.append(baseline())
        else:
            theirs.append(baseline())
            ours.append(subject())
    return ours, theirs


def pair_ratio(ours: list[float], theirs: list[float]) -> float:
    """The median of the per-pair ratios ``ours / theirs``."""
    return median(a / b for a, b in zip(ours, theirs, strict=True))


def paired_row(
    group: str,
    name: str,
    ours: list[float],
    theirs: list[float],
    target: Target | None = None,
    note: str = "",
) -> Row:
    """The row for seconds measured in interleaved pairs: both medians, the pair ratio."""
    return Row(
        group,
        name,
        fmt_seconds(median(ours)),
        fmt_seconds(median(theirs)),
        pair_ratio(ours, theirs),
        target,
        note,
    )


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def per_call_cost(fn: Callable[[], object], calls: int) -> Callable[[], float]:
    """A cost for :func:`interleave`: the mean seconds of ``calls`` calls of ``fn`` in a row."""

    def cost() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - started) / calls

    return cost


AsyncCall = Callable[[], Awaitable[object]]


async def _batch(call: AsyncCall, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls


async def interleave_batches(
    subject: AsyncCall, baseline: AsyncCall, pairs: int, calls: int
) -> tuple[list[float], list[float]]:
    """:func:`interleave` on one event loop: each cost is the mean of ``calls`` awaited calls.

    A warm-up first (hooks generated, pools and connections made, caches hot).
    """
    for _ in range(max(3, calls // 10)):
        await subject()
        await baseline()
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(pairs):
        if index % 2:
            theirs.append(await _batch(baseline, calls))
            ours.append(await _batch(subject, calls))
        else:
            ours.append(await _batch(subject, calls))
            theirs.append(await _batch(baseline, calls))
    return ours, theirs


def fmt_ratio(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.2f}x"


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def fmt_bytes(size: float) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.2f} MiB"
    return f"{size / 1024:.0f} KiB"


def render(rows: list[Row]) -> str:
    """A GitHub-flavoured Markdown table: readable in a terminal and in docs/performance.md."""
    header = ("benchmark", "measured", "baseline", "ratio", "target", "result")
    lines = [header]
    group = None
    for row in rows:
        name = row.name if row.group == group else f"**{row.group}** · {row.name}"
        group = row.group
        lines.append(
            (
                name + (f" ({row.note})" if row.note else ""),
                row.subject,
                row.baseline,
                fmt_ratio(row.ratio),
                str(row.target) if row.target else "—",
                row.verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)
