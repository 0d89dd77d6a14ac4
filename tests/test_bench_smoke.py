"""The benchmarks (``make bench``) work: each runs end to end with tiny counts.

No timing is asserted — only that every benchmark measures what it says, returns
well-formed rows, and that a missed target never makes ``python -m bench`` fail.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from bench import __main__ as bench_main
from bench import cold_start, memory, payloads, per_call, serialisation, throughput
from bench._measure import Row, Target, render

# Whole benchmark runs, if tiny: among the slowest tests (still run by make test and CI).
pytestmark = pytest.mark.slow

HAS_GR4VY = importlib.util.find_spec("gr4vy") is not None


def check(rows: list[Row]) -> None:
    assert rows
    for row in rows:
        assert row.verdict in {"PASS", "MISS", "info"}
        assert not row.failed, row
        assert row.ratio > 0, row


def test_payloads_decode_into_models_without_leftovers() -> None:
    from tillpoint import _serde
    from tillpoint.models import Checkout

    checkout = _serde.structure(_serde.loads(payloads.full_checkout_bytes()), Checkout)
    assert checkout.id == payloads.CHECKOUT_ID
    assert len(checkout.items) == 10  # type: ignore[arg-type]
    assert checkout.extra_fields == {}
    assert checkout.payment.session.id  # type: ignore[union-attr]
    page = json.loads(payloads.checkout_page_bytes(3))
    assert len(page["data"]) == 3


def test_per_call() -> None:
    rows = per_call.run(pairs=1, calls=2)
    check(rows)
    names = [row.name for row in rows]
    assert any("checkouts_get" in name for name in names)
    if HAS_GR4VY:
        assert any("gr4vy" in name for name in names)


def test_cold_start_scripts_each_make_their_call() -> None:
    rows = cold_start.run(pairs=1)
    check(rows)
    assert rows[0].target == Target("at_most", 1.5)


def test_importtime_report_names_tillpoint_imports() -> None:
    report = cold_start.importtime_report(top=3)
    assert "import tillpoint" in report
    assert "httpx" in report


def test_serialisation() -> None:
    rows = serialisation.run(pairs=1, repeat=1)
    check(rows)
    assert len(rows) == 2


def test_throughput_serves_every_call_over_loopback() -> None:
    rows = throughput.run(rounds=1, requests=20)
    check(rows)
    assert "0 failed calls" in rows[0].note


def test_memory() -> None:
    rows = memory.run(repeat=1)
    check(rows)


def test_a_miss_is_printed_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    missed = Row("g", "n", "2 ms", "1 ms", 2.0, Target("at_most", 1.5))
    assert missed.verdict == "MISS"
    assert "MISS" in render([missed])
    assert bench_main.main(["--quick", "--only", "memory"]) == 0
    assert "| **memory**" in capsys.readouterr().out
