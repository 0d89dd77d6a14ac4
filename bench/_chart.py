"""The picture on docs/performance.md: every targeted ratio against its target."""

from __future__ import annotations

import math
from pathlib import Path

from ._measure import Row

__all__ = ["draw"]

_COLOURS = {"PASS": "#2e7d32", "MISS": "#c62828"}


def draw(rows: list[Row], path: Path, title: str) -> Path:
    """A horizontal bar per row with a target, on a log scale (ratios span 0.1x–15x).

    The target is a black tick on each bar's line; the label says which side of it
    passes. A figure that could not be measured gets no bar, only its label.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targeted = [row for row in rows if row.target is not None]
    height = 0.55 * len(targeted) + 1.4
    figure, axes = plt.subplots(figsize=(10, height))
    ratios = [row.ratio for row in targeted if row.ratio is not None]
    limits = [row.target.limit for row in targeted if row.target is not None]
    # Powers of two around every ratio and target, so that no bar falls off the axis
    # (a warm invocation is ~0.15x).
    top = 2 ** math.ceil(math.log2(max([*ratios, *limits, 1.0]) * 1.6))
    bottom = 2 ** math.floor(math.log2(min([*ratios, *limits, 1.0]) / 1.1))
    try:
        labels = []
        for y, row in enumerate(reversed(targeted)):
            assert row.target is not None
            direction = "lower is better" if row.target.kind == "at_most" else "higher is better"
            labels.append(f"{row.group} · {_short(row.name)}\n{row.target}, {direction}")
            if row.ratio is not None:
                axes.barh(
                    y, row.ratio - bottom, left=bottom, color=_COLOURS[row.verdict], height=0.6
                )
                label_at = max(row.ratio, row.target.limit) * 1.05  # clear of the tick
                axes.text(label_at, y, f"{row.ratio:.2f}x {row.verdict}", va="center")
            else:
                axes.text(
                    bottom * 1.1, y, f"n/a {row.verdict}", va="center", color=_COLOURS["MISS"]
                )
            axes.plot([row.target.limit] * 2, [y - 0.4, y + 0.4], color="black", linewidth=2)
        axes.set_yticks(range(len(labels)), labels, fontsize=8)
        axes.set_xscale("log")
        axes.set_xlim(bottom, top)
        ticks = [bottom * 2**n for n in range(round(math.log2(top / bottom)) + 1)]
        axes.set_xticks(ticks, [f"{tick:g}x" for tick in ticks])
        axes.minorticks_off()
        axes.axvline(1.0, color="grey", linewidth=0.8, linestyle=":")
        axes.set_xlabel("ratio, as in the table (black tick: the target)")
        axes.set_title(title, fontsize=10)
        figure.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
    finally:
        plt.close(figure)
    return path


def _short(name: str) -> str:
    return name if len(name) <= 64 else name[:61] + "…"
