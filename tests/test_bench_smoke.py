"""The benchmarks (``make bench``) work: each runs end to end with tiny counts.

No timing is asserted — only that every benchmark measures what it says, returns
well-formed rows, and that a missed target never makes ``python -m bench`` fail.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import ssl
from pathlib import Path

import httpx
import pytest
from bench import __main__ as bench_main
from bench import cold_start, memory, payloads, per_call, realistic, serialisation
from bench._chart import draw
from bench._measure import Row, Target, render
from bench._server import served
from bench._tls import make_certificates

# Whole benchmark runs, if tiny: among the slowest tests (still run by make test and CI).
pytestmark = pytest.mark.slow

HAS_GR4VY = importlib.util.find_spec("gr4vy") is not None
HAS_SYNC = importlib.util.find_spec("tillpoint.sync") is not None


def check(rows: list[Row]) -> None:
    assert rows
    for row in rows:
        assert row.verdict in {"PASS", "MISS", "info"}
        assert not row.failed, row
        assert row.ratio is not None, row
        assert row.ratio > 0, row


def test_the_bench_server_speaks_tls_with_the_throwaway_ca_only(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)
    trusted = ssl.create_default_context(cafile=str(certificates.ca_file))
    with served(payloads.full_checkout_bytes(), certificates) as base_url:
        assert base_url.startswith("https://127.0.0.1:")
        url = f"{base_url}/checkouts/{payloads.CHECKOUT_ID}"
        with httpx.Client(verify=trusted, timeout=10) as client:
            assert client.get(url).json()["id"] == payloads.CHECKOUT_ID
        untrusted = httpx.Client(verify=ssl.create_default_context(), timeout=10)
        with untrusted, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted.get(url)
        port = int(base_url.rsplit(":", 1)[1])
    # The server process is gone once the block exits: nothing listens on its port.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_the_realistic_suite_produces_every_row_over_https() -> None:
    rows = realistic.run(cold_pairs=1, pairs=1, calls=2, invocations=1, rounds=1, requests=20)
    names = [row.name for row in rows]
    for figure in ("cold start", "warm invocation", "steady", "sync", "throughput"):
        assert any(name.startswith(figure) for name in names), (figure, names)
    assert {row.group for row in rows} == {"HTTPS", "serverless: one warm invocation"}
    assert sum(row.group == "serverless: one warm invocation" for row in rows) == 2
    assert "0 failed calls" in next(row.note for row in rows if "throughput" in row.name)
    for row in rows:
        if row.subject == realistic.SYNC_MISSING:
            assert not HAS_SYNC
            assert row.ratio is None
            assert row.verdict == ("MISS" if row.target else "info")
        else:
            check([row])
    assert [row.target is not None for row in rows] == [True] * 5 + [False] * 2


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
    assert rows[0].target == Target("at_most", 1.8)


def test_importtime_report_names_tillpoint_imports() -> None:
    report = cold_start.importtime_report(top=3)
    assert "import tillpoint" in report
    assert "httpx" in report


def test_serialisation() -> None:
    rows = serialisation.run(pairs=1, repeat=1)
    check(rows)
    assert len(rows) == 2


def test_memory() -> None:
    rows = memory.run(repeat=1)
    check(rows)


def test_a_miss_is_printed_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    missed = Row("g", "n", "2 ms", "1 ms", 2.0, Target("at_most", 1.5))
    assert missed.verdict == "MISS"
    assert "MISS" in render([missed])
    assert bench_main.main(["--quick", "--only", "memory", "--no-chart"]) == 0
    assert "| **memory**" in capsys.readouterr().out


def test_the_chart_is_written_even_with_an_unmeasured_row(tmp_path: Path) -> None:
    rows = [
        Row("g", "lower", "2 ms", "1 ms", 2.0, Target("at_most", 1.5)),
        Row("g", "higher", "9 req/s", "6 req/s", 1.5, Target("at_least", 1.0)),
        Row("g", "unmeasured", "n/a", "—", None, Target("at_most", 1.1), failed=True),
        Row("g", "context", "1 ms", "1 ms", 1.0),
    ]
    path = draw(rows, tmp_path / "img" / "bench.png", "smoke")
    assert path.read_bytes().startswith(b"\x89PNG")
