"""Fault injection: armed rules and the per-request header, in-process."""

from __future__ import annotations

import httpx
import pytest
from sandbox_support import GR4VY_AUTH, seed_002_body

from tillpoint.sandbox import Sandbox, _faults


@pytest.mark.anyio
async def test_status_fault_with_retry_after(dr: httpx.AsyncClient) -> None:
    armed = await dr.post(
        "/sandbox/faults",
        json={
            "match": {"method": "post", "path": "/checkouts"},
            "status": 503,
            "retry_after": "1",
            "count": 2,
        },
    )
    assert armed.status_code == 201
    assert armed.json()["count"] == 2
    for _ in range(2):
        response = await dr.post("/checkouts", json=seed_002_body())
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert "x-dr-requestid" in response.headers
        assert response.json() == {
            "type": "service_unavailable",
            "errors": [{"code": "service_unavailable", "message": "Service Unavailable"}],
        }
    assert (await dr.post("/checkouts", json=seed_002_body())).status_code == 201
    assert (await dr.get("/sandbox/faults")).json() == {"data": []}


@pytest.mark.anyio
async def test_rules_match_method_and_path_prefix(dr: httpx.AsyncClient) -> None:
    checkout = (await dr.post("/checkouts", json=seed_002_body())).json()
    await dr.post(
        "/sandbox/faults",
        json={
            "match": {"method": "GET", "path": "/checkouts/*"},
            "status": 429,
            "retry_after": "2",
        },
    )
    assert (
        await dr.get("/checkouts")
    ).status_code == 200  # "/checkouts" is not under "/checkouts/".
    assert (
        await dr.post(f"/checkouts/{checkout['id']}", json={})
    ).status_code == 200  # Wrong method.
    response = await dr.get(f"/checkouts/{checkout['id']}")
    assert response.status_code == 429
    assert response.json()["type"] == "too_many_requests"
    assert (await dr.get(f"/checkouts/{checkout['id']}")).status_code == 200


@pytest.mark.anyio
async def test_rules_are_listed_and_cleared(dr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    await dr.post("/sandbox/faults", json={"status": 500, "count": 3})
    sandbox.faults.add({"match": {"path": "/checkout/sessions"}, "delay_ms": 5})
    rules = (await dr.get("/sandbox/faults")).json()["data"]
    assert [(r["status"], r["count"], r["match"]) for r in rules] == [
        (500, 3, {"method": None, "path": None}),
        (None, 1, {"method": None, "path": "/checkout/sessions"}),
    ]
    response = await dr.delete("/sandbox/faults")
    assert response.status_code == 204
    assert (await dr.get("/sandbox/faults")).json() == {"data": []}
    assert (await dr.get("/checkouts")).status_code == 200


@pytest.mark.anyio
async def test_gr4vy_faults_speak_gr4vy(gr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add(
        {"match": {"path": "/checkout/sessions"}, "status": 502, "retry_after_ms": 1500}
    )
    response = await gr.post("/checkout/sessions")
    assert response.status_code == 502
    assert response.headers["retry-after-ms"] == "1500"
    assert "retry-after" not in response.headers
    assert response.json() == {
        "type": "error",
        "code": "bad_gateway",
        "status": 502,
        "message": "Request could not be processed",
        "details": [],
    }
    assert (await gr.post("/checkout/sessions")).status_code == 201


@pytest.mark.anyio
async def test_custom_body(dr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add({"status": 500, "body": {"oops": True}})
    response = await dr.get("/checkouts")
    assert response.status_code == 500
    assert response.json() == {"oops": True}


@pytest.mark.anyio
async def test_delay_then_normal_handling(
    dr: httpx.AsyncClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sandbox's sleeps are recorded, not waited for: what is asserted is the delay
    # the fault asked for, never a stopwatch.
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(_faults.anyio, "sleep", record)
    sandbox.faults.add({"match": {"path": "/checkouts"}, "delay_ms": 60})
    response = await dr.get("/checkouts")
    assert response.status_code == 200
    assert slept == [0.06]
    await dr.get("/checkouts")  # the rule is used up: no delay this time
    assert slept == [0.06]


@pytest.mark.anyio
async def test_drop_connection_in_process(dr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add({"match": {"method": "GET"}, "drop_connection": True})
    with pytest.raises(httpx.TransportError):
        await dr.get("/checkouts")
    assert (await dr.get("/checkouts")).status_code == 200


@pytest.mark.anyio
async def test_drop_after_commit_in_process_stores_then_fails(
    dr: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.faults.add(
        {"match": {"method": "POST", "path": "/checkouts"}, "drop_after_commit": True}
    )
    with pytest.raises(httpx.TransportError):
        await dr.post("/checkouts", json=seed_002_body(upstreamId="order-1"))
    stored = (await dr.get("/checkouts", params={"upstreamIds": "order-1"})).json()["data"]
    assert [c["upstreamId"] for c in stored] == ["order-1"]
    with pytest.raises(httpx.TransportError):
        await dr.post(
            "/checkouts",
            json=seed_002_body(upstreamId="order-2"),
            headers={"x-sandbox-fault": "drop_after_commit=true"},
        )
    assert len((await dr.get("/checkouts")).json()["data"]) == 2


@pytest.mark.anyio
async def test_a_rejected_request_under_drop_after_commit_commits_nothing(
    dr: httpx.AsyncClient,
) -> None:
    # The request is handled as usual, refusal included; only the answer is lost.
    with pytest.raises(httpx.TransportError):
        await dr.post(
            "/checkouts",
            json={"currency": "USD", "items": []},
            headers={"x-sandbox-fault": "drop_after_commit=1"},
        )
    assert (await dr.get("/checkouts")).json()["data"] == []


@pytest.mark.anyio
async def test_per_request_header(dr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add({"status": 500})  # The header wins and leaves this rule armed.
    response = await dr.get("/checkouts", headers={"x-sandbox-fault": "status=503; retry_after=1"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    with pytest.raises(httpx.TransportError):
        await dr.get("/checkouts", headers={"x-sandbox-fault": "drop_connection=true"})
    assert len(sandbox.faults.list()) == 1
    assert (await dr.get("/checkouts")).status_code == 500
    assert (await dr.get("/checkouts")).status_code == 200


@pytest.mark.anyio
async def test_bad_header_is_400(dr: httpx.AsyncClient, gr: httpx.AsyncClient) -> None:
    response = await dr.get("/checkouts", headers={"x-sandbox-fault": "status=soon"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "x-sandbox-fault"
    response = await gr.post("/checkout/sessions", headers={"x-sandbox-fault": "explode=1"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "explode=1" in response.json()["message"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("spec", "code", "parameter"),
    [
        ({"count": 2}, "missing_parameter", "status"),
        ({"status": 503, "count": 0}, "invalid_parameter", "count"),
        ({"status": 99}, "invalid_parameter", "status"),
        ({"status": 503, "when": "now"}, "unknown_parameter", "when"),
        ({"status": 503, "match": {"host": "x"}}, "unknown_parameter", "host"),
        ({"drop_after_commit": "yes"}, "invalid_parameter", "drop_after_commit"),
        ({"status": 503, "drop_after_commit": True}, "invalid_parameter", "drop_after_commit"),
        (
            {"drop_connection": True, "drop_after_commit": True},
            "invalid_parameter",
            "drop_after_commit",
        ),
    ],
)
async def test_bad_rules_are_400(
    dr: httpx.AsyncClient, spec: dict[str, object], code: str, parameter: str
) -> None:
    response = await dr.post("/sandbox/faults", json=spec)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code
    assert response.json()["errors"][0]["parameter"] == parameter


@pytest.mark.anyio
async def test_control_routes_are_never_faulted(dr: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.faults.add({"status": 503, "count": 5})
    assert (await dr.get("/sandbox/faults")).status_code == 200
    assert (await dr.post("/sandbox/reset")).status_code == 204
    assert sandbox.faults.list() == []


def test_faults_from_python_are_thread_safe_enough() -> None:
    sandbox = Sandbox()
    rule = sandbox.faults.add({"match": {"path": "/checkouts*"}, "status": 503})
    assert rule["match"] == {"method": None, "path": "/checkouts*"}
    assert sandbox.faults.take("GET", "/checkouts/abc") is not None
    assert sandbox.faults.take("GET", "/checkouts/abc") is None
    assert GR4VY_AUTH
