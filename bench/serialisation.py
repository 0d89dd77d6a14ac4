"""Serialisation: tillpoint's converter against plain ``json`` on the same data.

* encode a 100-item ``CheckoutCreate`` (unstructure + exact-``Decimal`` JSON) against
  ``json.dumps`` of the equivalent plain dict;
* decode a page of 100 full checkouts into ``CheckoutList`` (``Decimal`` parsing +
  structuring) against ``json.loads`` of the same bytes.

Reported as ratios; there is no target, since the baseline does strictly less work
(no types, floats instead of exact money).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tillpoint import _serde
from tillpoint.models import CheckoutList

from . import payloads
from ._measure import Row, fmt_seconds, interleave, median, pair_ratio, per_call_cost

__all__ = ["run"]


def run(*, pairs: int = 11, repeat: int = 20) -> list[Row]:
    create = payloads.checkout_create(100)
    wire = payloads.checkout_create_wire(100)
    page = payloads.checkout_page_bytes(100)

    def encode_ours() -> bytes:
        return _serde.dumps(_serde.unstructure(create))

    def encode_raw() -> bytes:
        return json.dumps(wire).encode()

    def decode_ours() -> CheckoutList:
        return _serde.structure(_serde.loads(page), CheckoutList)

    def decode_raw() -> Any:
        return json.loads(page)

    # Both sides must produce the same thing, or the ratio means nothing.
    assert json.loads(encode_ours()) == json.loads(encode_raw())
    assert len(decode_ours().data) == len(decode_raw()["data"])

    cases: list[tuple[str, Callable[[], object], Callable[[], object], str]] = [
        (
            "encode CheckoutCreate, 100 items vs json.dumps",
            encode_ours,
            encode_raw,
            f"{len(encode_raw()) // 1024} KiB",
        ),
        (
            "decode a page of 100 full checkouts vs json.loads",
            decode_ours,
            decode_raw,
            f"{len(page) // 1024} KiB",
        ),
    ]
    rows = []
    for name, ours, raw, note in cases:
        a, b = interleave(pairs, per_call_cost(ours, repeat), per_call_cost(raw, repeat))
        rows.append(
            Row(
                "serialisation",
                name,
                fmt_seconds(median(a)),
                fmt_seconds(median(b)),
                pair_ratio(a, b),
                note=note,
            )
        )
    return rows
