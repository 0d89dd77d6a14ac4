"""The sandbox over real HTTP on 127.0.0.1 (``serve_in_thread``) and ``python -m``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sandbox_support import DR_AUTH, GR4VY_AUTH, FakeClock, seed_002_body

from tillpoint.sandbox import Sandbox, serve_in_thread


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, str]]:
    sandbox = Sandbox(clock=FakeClock())
    with serve_in_thread(sandbox) as base_url:
        yield sandbox, base_url


@pytest.fixture
def live(served: tuple[Sandbox, str]) -> Iterator[tuple[Sandbox, str]]:
    sandbox, _ = served
    sandbox.reset()
    yield served
    sandbox.reset()


def test_base_url_is_loopback_with_an_os_port(live: tuple[Sandbox, str]) -> None:
    _, base_url = live
    assert base_url.startswith("http://127.0.0.1:")
    assert int(base_url.rsplit(":", 1)[1]) > 0


@pytest.mark.anyio
async def test_checkout_flow_over_http(live: tuple[Sandbox, str]) -> None:
    _, base_url = live
    async with httpx.AsyncClient(base_url=base_url, headers=DR_AUTH) as client:
        created = await client.post("/checkouts", json=seed_002_body())
        assert created.status_code == 201
        assert created.headers["content-type"] == "application/json"
        checkout_id = created.json()["id"]
        await client.post(f"/checkouts/{checkout_id}/sources/src_test_store_credit_10")
        card = await client.post(f"/checkouts/{checkout_id}/sources/src_test_visa")
        assert card.json()["amount"] == 16.89
        session = (await client.get(f"/checkouts/{checkout_id}")).json()["payment"]["session"]
        assert (session["amountContributed"], session["state"]) == (26.89, "requires_confirmation")
        assert (await client.delete(f"/checkouts/{checkout_id}")).status_code == 204
        assert (await client.get(f"/checkouts/{checkout_id}")).status_code == 404


def test_gr4vy_flow_over_http_with_a_sync_client(live: tuple[Sandbox, str]) -> None:
    sandbox, base_url = live
    with httpx.Client(base_url=base_url, headers=GR4VY_AUTH) as client:
        created = client.post(
            "/checkout/sessions",
            json={"cart_items": [{"name": "x", "quantity": 1, "unit_amount": 5}]},
        )
        assert created.status_code == 201
        path = f"/checkout/sessions/{created.json()['id']}"
        assert client.get(path).status_code == 200
        clock = sandbox.clock
        assert isinstance(clock, FakeClock)
        clock.advance(3600)
        assert client.get(path).status_code == 404
        bad = client.post("/checkout/sessions", json={"nope": 1})
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["type"] == "extra_forbidden"


@pytest.mark.anyio
async def test_faults_over_http(live: tuple[Sandbox, str]) -> None:
    _, base_url = live
    async with httpx.AsyncClient(base_url=base_url, headers=DR_AUTH) as client:
        armed = await client.post(
            "/sandbox/faults",
            json={"match": {"path": "/checkouts"}, "status": 503, "retry_after": "1"},
        )
        assert armed.status_code == 201
        response = await client.get("/checkouts")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert (await client.get("/checkouts")).status_code == 200

        await client.post(
            "/sandbox/faults", json={"match": {"path": "/checkouts"}, "drop_connection": True}
        )
        with pytest.raises(httpx.TransportError):
            await client.get("/checkouts")
        assert (await client.get("/checkouts")).status_code == 200  # The server is fine afterwards.

        with pytest.raises(httpx.TransportError):
            await client.get("/checkouts", headers={"x-sandbox-fault": "drop_connection=1"})

        await client.post(
            "/sandbox/faults", json={"match": {"path": "/checkouts"}, "delay_ms": 500}
        )
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/checkouts", timeout=0.05)


def test_reset_over_http(live: tuple[Sandbox, str]) -> None:
    _, base_url = live
    with httpx.Client(base_url=base_url, headers=DR_AUTH) as client:
        client.post("/checkouts", json=seed_002_body())
        assert len(client.get("/checkouts").json()["data"]) == 1
        assert client.post("/sandbox/reset").status_code == 204
        assert client.get("/checkouts").json()["data"] == []


def test_serve_in_thread_shuts_down() -> None:
    sandbox = Sandbox()
    with serve_in_thread(sandbox) as base_url:
        assert httpx.get(f"{base_url}/checkouts", headers=DR_AUTH).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/checkouts", headers=DR_AUTH)


def test_main_parses_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from tillpoint.sandbox.__main__ import main

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs)))
    main([])
    main(["--port", "9999", "--no-seed-sources"])
    assert calls[0][1]["host"] == "127.0.0.1"
    assert calls[0][1]["port"] == 8765
    assert calls[1][1]["port"] == 9999
    assert all(callable(app) for app, _ in calls)
