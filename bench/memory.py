"""Memory: the peak that decoding a page of 100 full checkouts costs.

tracemalloc's peak while ``CheckoutList`` is built from the bytes (parse with exact
``Decimal`` money, then structure into models), against its peak while
``json.loads`` builds the plain objects. Also shown: what each result keeps alive
once the call returns. Reported as a ratio; no target.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable

from tillpoint import _serde
from tillpoint.models import CheckoutList

from . import payloads
from ._measure import Row, fmt_bytes, median

__all__ = ["run"]


def _peak(decode: Callable[[], object]) -> tuple[int, int]:
    """(peak bytes during ``decode``, bytes still held by its result)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = decode()
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak, retained


def run(*, repeat: int = 3) -> list[Row]:
    page = payloads.checkout_page_bytes(100)

    def ours() -> object:
        return _serde.structure(_serde.loads(page), CheckoutList)

    def raw() -> object:
        return json.loads(page)

    ours()  # hooks are generated once per class: not part of a page's cost
    samples_ours = [_peak(ours) for _ in range(repeat)]
    samples_raw = [_peak(raw) for _ in range(repeat)]
    peak_ours = median(p for p, _ in samples_ours)
    peak_raw = median(p for p, _ in samples_raw)
    kept_ours = median(r for _, r in samples_ours)
    kept_raw = median(r for _, r in samples_raw)
    return [
        Row(
            "memory",
            "peak decoding a page of 100 full checkouts vs json.loads",
            fmt_bytes(peak_ours),
            fmt_bytes(peak_raw),
            peak_ours / peak_raw,
            note=f"page {len(page) // 1024} KiB",
        ),
        Row(
            "memory",
            "held by the decoded page vs json.loads objects",
            fmt_bytes(kept_ours),
            fmt_bytes(kept_raw),
            kept_ours / kept_raw,
        ),
    ]
