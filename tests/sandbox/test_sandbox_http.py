"""The sandbox over real HTTP on 127.0.0.1 (``serve_in_thread``) and ``python -m``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sandbox_support import DR_AUTH, GR4VY_AUTH, seed_002_body

from tillpoint import Err, TillpointCore, errors, models
from tillpoint.funcs import checkouts_create
from tillpoint.sandbox import Sandbox, serve_in_thread
from tillpoint.sandbox._serve import KEEP_ALIVE_TIMEOUT, server_options
from tillpoint.testing import FakeClock


@pytest.fixture
def live(
    served: tuple[Sandbox, str], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> tuple[Sandbox, str]:
    """The session's served sandbox (tests/conftest.py), emptied and on the fake clock."""
    monkeypatch.setattr(served[0], "clock", clock)
    return served


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
    # What it advertises is what uvicorn does, by default and when asked otherwise.
    assert calls[0][1]["timeout_keep_alive"] == KEEP_ALIVE_TIMEOUT
    assert ("Keep-Alive", f"timeout={KEEP_ALIVE_TIMEOUT}") in calls[0][1]["headers"]
    main(["--keep-alive", "12"])
    assert calls[2][1]["timeout_keep_alive"] == 12
    assert ("Keep-Alive", "timeout=12") in calls[2][1]["headers"]
    assert all(callable(app) for app, _ in calls)


# --- keep-alive -----------------------------------------------------------------------


def test_the_server_advertises_its_own_keep_alive_timeout(live: tuple[Sandbox, str]) -> None:
    _, base_url = live
    # Longer than a client's usual idle expiry (httpx: 5 s), so clients let go first.
    assert KEEP_ALIVE_TIMEOUT >= 30
    with httpx.Client(base_url=base_url, headers=DR_AUTH) as client:
        for response in (client.get("/checkouts"), client.get("/checkouts/nope")):
            assert response.headers["keep-alive"] == f"timeout={KEEP_ALIVE_TIMEOUT}"


def test_a_custom_keep_alive_timeout_is_the_one_advertised() -> None:
    import uvicorn

    # The same value reaches uvicorn's idle timeout and the header.
    config = uvicorn.Config(Sandbox().app, **server_options(7))
    assert config.timeout_keep_alive == 7
    with serve_in_thread(Sandbox(), keep_alive_timeout=7) as base_url:
        response = httpx.get(f"{base_url}/checkouts", headers=DR_AUTH)
    assert response.headers["keep-alive"] == "timeout=7"


# --- drop_after_commit: stored, then the connection drops -----------------------------


@pytest.mark.parametrize("form", ["header", "rule"])
def test_drop_after_commit_over_http_stores_the_checkout_and_sends_nothing(
    tillpoint_sandbox: Sandbox, tillpoint_server_url: str, form: str
) -> None:
    headers = dict(DR_AUTH)
    with httpx.Client(base_url=tillpoint_server_url, headers=DR_AUTH) as client:
        if form == "header":
            headers["x-sandbox-fault"] = "drop_after_commit=true"
        else:
            armed = client.post(
                "/sandbox/faults",
                json={"match": {"method": "POST", "path": "/checkouts"}, "drop_after_commit": True},
            )
            assert armed.status_code == 201
            assert armed.json()["drop_after_commit"] is True
        # The server closes the connection without a status line: the client sees a
        # disconnect, not an HTTP error.
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/checkouts", json=seed_002_body(upstreamId="order-7"), headers=headers)
        found = client.get("/checkouts", params={"upstreamIds": "order-7"}).json()["data"]
    assert [c["upstreamId"] for c in found] == ["order-7"]
    assert len(tillpoint_sandbox.checkouts.list([])["data"]) == 1
    assert tillpoint_sandbox.faults.list() == []


@pytest.mark.anyio
async def test_the_sdk_sees_a_dropped_connection_after_a_stored_create(
    tillpoint_sandbox: Sandbox, tillpoint_server_url: str
) -> None:
    tillpoint_sandbox.faults.add({"match": {"method": "POST"}, "drop_after_commit": True})
    body = models.CheckoutCreate(
        currency="USD", items=[models.Item(sku_id="sku_1", quantity=1, price=Decimal("5"))]
    )
    async with TillpointCore(bearer_auth="sk_test_drop", server_url=tillpoint_server_url) as core:
        result = await checkouts_create(core, body)
    # Ambiguous for the client (it cannot know the create was stored), so it is an
    # error, and the create was not blindly sent again.
    assert isinstance(result, Err)
    assert type(result.error) is errors.APIConnectionError
    assert len(tillpoint_sandbox.checkouts.list([])["data"]) == 1
