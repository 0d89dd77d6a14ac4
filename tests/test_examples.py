"""Every example in examples/ runs against the sandbox: in-process and over 127.0.0.1.

The sandbox fixtures come from tillpoint's own pytest plugin (``tillpoint.testing``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import trio
import uvicorn

from tillpoint import BackoffStrategy, Hooks, RetryConfig, TillpointCore
from tillpoint.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FAST = RetryConfig(backoff=BackoffStrategy(initial_interval=1, max_interval=5))
_loaded = itertools.count()


@pytest.fixture
def load_example(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Import an example file as a fresh module (its module-level code runs again)."""

    def load(name: str) -> ModuleType:
        module_name = f"tillpoint_example_{name}_{next(_loaded)}"
        spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, module_name, module)  # dataclasses look it up
        spec.loader.exec_module(module)
        return module

    yield load


@pytest.fixture
def no_server_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TILLPOINT_SERVER_URL", raising=False)
    monkeypatch.delenv("TILLPOINT_BEARER_AUTH", raising=False)


def cart(**changes: Any) -> dict[str, Any]:
    return {
        "currency": "USD",
        "email": "ann@example.com",
        "lines": [{"sku": "sku_1", "quantity": 2, "price": "4.50"}],
        **changes,
    }


# --- FastAPI --------------------------------------------------------------------------


@contextmanager
def served_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 with uvicorn, lifespan included, as in production."""
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="on", log_config=None, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "the app failed to start"
            time.sleep(0.005)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
    assert not thread.is_alive()


def test_fastapi_app_over_real_http_to_the_sandbox_from_the_environment(
    load_example: Any, tillpoint_env: str, tillpoint_sandbox: Sandbox
) -> None:
    app = load_example("fastapi_app").app  # the module's own app, configured from env
    # Real HTTP all the way: client -> uvicorn -> the app -> tillpoint -> the sandbox.
    with served_app(app) as app_url, httpx.Client(base_url=app_url) as client:
        created = client.post("/checkouts", json=cart())
        assert created.status_code == 201, created.text
        checkout = created.json()
        assert checkout["total"] == "9.0" and checkout["items"] == 1
        assert checkout["payment_state"] == "requires_source"
        assert tillpoint_sandbox.checkouts.get(checkout["id"]) is not None

        shown = client.get(f"/checkouts/{checkout['id']}")
        assert shown.status_code == 200 and shown.json() == checkout

        paid = client.post(
            f"/checkouts/{checkout['id']}/sources", json={"source_id": "src_test_visa"}
        )
        assert paid.status_code == 200, paid.text
        assert paid.json()["payment_state"] == "requires_confirmation"

        assert client.delete(f"/checkouts/{checkout['id']}").status_code == 204
        gone = client.get(f"/checkouts/{checkout['id']}")
        assert gone.status_code == 404
        assert gone.json()["error"] == "Error404" and gone.json()["request_id"]


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def fastapi_client(
    load_example: Any, sandbox: Sandbox
) -> AsyncIterator[tuple[httpx.AsyncClient, list[httpx.Request]]]:
    """The app driven through its ASGI interface, on an in-process sandbox core."""
    sent: list[httpx.Request] = []
    hooks = Hooks(before_request=sent.append)
    app = load_example("fastapi_app").create_app(
        lambda: sandbox.core(retry_config=FAST, timeout_ms=200, hooks=hooks)
    )
    # httpx.ASGITransport does not run the lifespan; enter it as a server would.
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
            yield client, sent


@pytest.mark.anyio
async def test_fastapi_app_passes_the_callers_idempotency_key_upstream(
    fastapi_client: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, sent = fastapi_client
    created = await client.post("/checkouts", json=cart(), headers={"Idempotency-Key": "k-42"})
    assert created.status_code == 201
    assert [r.headers["idempotency-key"] for r in sent] == ["k-42"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("request_", "status", "error"),
    [
        (("GET", "/checkouts/chk_missing", None), 404, "Error404"),
        (("GET", "/checkouts/%20", None), 422, "InvalidRequestError"),  # never sent
        (("POST", "/checkouts", cart(currency="usd")), 400, "Error400"),
        (("POST", "/checkouts", cart(currency="PAB")), 409, "Error409"),  # not activated
    ],
    ids=["404", "invalid-id", "upstream-400", "upstream-409"],
)
async def test_fastapi_app_maps_what_the_caller_can_fix(
    fastapi_client: tuple[httpx.AsyncClient, list[httpx.Request]],
    request_: tuple[str, str, dict[str, Any] | None],
    status: int,
    error: str,
) -> None:
    client, _ = fastapi_client
    method, path, body = request_
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["detail"]


@pytest.mark.anyio
async def test_fastapi_app_validates_its_own_input(
    fastapi_client: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, sent = fastapi_client
    response = await client.post("/checkouts", json=cart(lines=[]))
    assert response.status_code == 422
    assert sent == []  # rejected by FastAPI before tillpoint was called


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ({"drop_connection": True}, 502, "APIConnectionError"),
        ({"delay_ms": 5_000}, 504, "APITimeoutError"),  # the core's timeout is 200 ms
        ({"status": 503, "retry_after": "0"}, 503, "Error503"),
        ({"status": 500}, 502, "Error500"),
        ({"status": 401}, 502, "Error401"),  # our credentials: not the caller's fault
    ],
    ids=["connection", "timeout", "503", "500", "401"],
)
async def test_fastapi_app_maps_upstream_failures(
    fastapi_client: tuple[httpx.AsyncClient, list[httpx.Request]],
    sandbox: Sandbox,
    fault: dict[str, Any],
    status: int,
    error: str,
) -> None:
    client, sent = fastapi_client
    # Enough for every retry: the failure lasts.
    sandbox.faults.add({"match": {"method": "GET", "path": "/checkouts/*"}, "count": 99, **fault})
    response = await client.get("/checkouts/chk_1")
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert "detail" not in response.json()  # upstream details stay server-side
    assert len(sent) >= 1
    if status == 503:
        assert response.headers["retry-after"] == "1"


# --- serverless -----------------------------------------------------------------------


def lambda_events(checkout_id: str | None = None) -> list[dict[str, Any]]:
    return [
        {
            "routeKey": "POST /checkouts",
            "requestContext": {"requestId": "apigw-1"},
            "body": json.dumps(cart()),
        },
        {"routeKey": "GET /checkouts/{id}", "pathParameters": {"id": checkout_id or "?"}},
    ]


def run_lambda_invocations(module: ModuleType) -> list[dict[str, Any]]:
    """A cold start, then warm starts: one asyncio.run per invocation, one core."""
    created = module.handler(lambda_events()[0], None)
    assert created["statusCode"] == 201, created
    checkout_id = json.loads(created["body"])["id"]
    warm = [module.handler(lambda_events(checkout_id)[1], None) for _ in range(2)]
    missing = module.handler(lambda_events("chk_missing")[1], None)
    bad = module.handler({"routeKey": "POST /checkouts", "body": "{not json"}, None)
    unknown = module.handler({"routeKey": "PUT /nothing"}, None)
    return [created, *warm, missing, bad, unknown]


def check_lambda_responses(responses: list[dict[str, Any]]) -> None:
    created, first, second, missing, bad, unknown = responses
    checkout_id = json.loads(created["body"])["id"]
    for warm in (first, second):
        assert warm["statusCode"] == 200, warm
        assert json.loads(warm["body"])["id"] == checkout_id
        assert json.loads(warm["body"])["total"] == "9.0"
    assert missing["statusCode"] == 404
    assert bad["statusCode"] == 400
    assert unknown["statusCode"] == 404
    assert all(r["headers"]["content-type"] == "application/json" for r in responses)


def test_lambda_handler_survives_warm_starts_over_real_http(
    load_example: Any, tillpoint_env: str, tillpoint_sandbox: Sandbox
) -> None:
    module = load_example("lambda_handler")  # cold start: module-level core, from env
    assert module.core.server_url == tillpoint_env
    responses = run_lambda_invocations(module)
    check_lambda_responses(responses)
    # Every invocation ran on its own, new event loop, through the one module-level core.
    assert len(tillpoint_sandbox.checkouts.list([])["data"]) == 1


def test_lambda_handler_in_process(load_example: Any, no_server_in_env: None) -> None:
    module = load_example("lambda_handler")
    assert module.core.server_url == Sandbox.base_url
    check_lambda_responses(run_lambda_invocations(module))


def test_sync_lambda_handler_answers_as_the_async_one_does(
    load_example: Any, tillpoint_env: str, tillpoint_sandbox: Sandbox
) -> None:
    module = load_example("lambda_sync")  # cold start: module-level façade, from env
    assert module.tp.core.server_url == tillpoint_env
    try:
        # The same events, the same answers: no event loop, one kept-alive pool.
        check_lambda_responses(run_lambda_invocations(module))
    finally:
        module.tp.close()
    assert len(tillpoint_sandbox.checkouts.list([])["data"]) == 1


# --- Flask ----------------------------------------------------------------------------


@pytest.fixture
def flask_app(load_example: Any, tillpoint_env: str) -> Iterator[tuple[Any, list[httpx.Request]]]:
    """The app on the served sandbox, with a façade the test closes."""
    from tillpoint.sync import Tillpoint

    sent: list[httpx.Request] = []
    tp = Tillpoint(retry_config=FAST, timeout_ms=5_000, hooks=Hooks(before_request=sent.append))
    try:
        yield load_example("flask_app").create_app(tp), sent
    finally:
        tp.close()


def test_flask_app_creates_shows_and_lists_checkouts(
    flask_app: tuple[Any, list[httpx.Request]],
) -> None:
    app, sent = flask_app
    client = app.test_client()
    created = client.post("/checkouts", json=cart(), headers={"Idempotency-Key": "k-7"})
    assert created.status_code == 201, created.get_json()
    checkout = created.get_json()
    assert checkout["total"] == "9.0" and checkout["items"] == 1
    assert sent[-1].headers["idempotency-key"] == "k-7"  # passed upstream

    assert client.get(f"/checkouts/{checkout['id']}").get_json() == checkout
    listed = client.get("/checkouts", query_string={"currency": "USD"}).get_json()
    assert [c["id"] for c in listed] == [checkout["id"]]


@pytest.mark.parametrize(
    ("request_", "status", "error"),
    [
        (("GET", "/checkouts/chk_missing", None), 404, "Error404"),
        (("GET", "/checkouts/%20", None), 422, "InvalidRequestError"),  # never sent
        (("POST", "/checkouts", cart(currency="usd")), 400, "Error400"),
        (("POST", "/checkouts", {"lines": []}), 400, "bad_request"),  # refused by the app
    ],
    ids=["404", "invalid-id", "upstream-400", "unreadable-cart"],
)
def test_flask_app_maps_what_the_caller_can_fix(
    flask_app: tuple[Any, list[httpx.Request]],
    request_: tuple[str, str, dict[str, Any] | None],
    status: int,
    error: str,
) -> None:
    app, _ = flask_app
    method, path, body = request_
    response = app.test_client().open(path, method=method, json=body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"] == error
    assert response.get_json()["detail"]


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ({"status": 503, "retry_after": "0"}, 503, "Error503"),
        ({"status": 500}, 502, "Error500"),
        ({"drop_connection": True}, 502, "APIConnectionError"),
    ],
    ids=["503", "500", "connection"],
)
def test_flask_app_maps_upstream_failures(
    flask_app: tuple[Any, list[httpx.Request]],
    tillpoint_sandbox: Sandbox,
    fault: dict[str, Any],
    status: int,
    error: str,
) -> None:
    app, sent = flask_app
    tillpoint_sandbox.faults.add(
        {"match": {"method": "GET", "path": "/checkouts/*"}, "count": 99, **fault}
    )
    response = app.test_client().get("/checkouts/chk_1")
    assert response.status_code == status, response.get_json()
    assert response.get_json() == {"error": error}  # upstream details stay server-side
    assert len(sent) >= 1


def test_flask_app_serves_many_threads_through_one_pool(
    flask_app: tuple[Any, list[httpx.Request]],
) -> None:
    app, _ = flask_app
    created = app.test_client().post("/checkouts", json=cart()).get_json()
    statuses: list[int] = []

    def views() -> None:
        client = app.test_client()
        statuses.extend(client.get(f"/checkouts/{created['id']}").status_code for _ in range(5))

    threads = [threading.Thread(target=views) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 40


# --- trio -----------------------------------------------------------------------------

EXPECTED_TOTALS = {
    "order-1": Decimal("49.00"),
    "order-2": Decimal("44.98"),
    "order-3": Decimal("22.50"),
}


def test_trio_script_over_real_http(
    load_example: Any, tillpoint_env: str, tillpoint_sandbox: Sandbox
) -> None:
    module = load_example("trio_script")
    assert trio.run(module.main) == EXPECTED_TOTALS


def test_trio_script_in_process(load_example: Any, no_server_in_env: None) -> None:
    module = load_example("trio_script")
    assert trio.run(module.main) == EXPECTED_TOTALS


def test_trio_script_reports_failures_per_order(load_example: Any) -> None:
    module = load_example("trio_script")
    sandbox = Sandbox()
    # The second create fails for good; the other orders are unaffected.
    sandbox.faults.add({"match": {"method": "POST", "path": "/checkouts"}, "status": 400})
    totals = trio.run(module.main, sandbox.core(retry_config=FAST))
    assert list(totals.values()).count("Error400") == 1
    assert len(totals) == 3


# --- the asyncio worker ---------------------------------------------------------------


class InFlight:
    """Hooks counting the requests in flight (the tests make no retries)."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.done = 0
        self._changed = asyncio.Event()

    async def wait_until(self, condition: Callable[[InFlight], bool]) -> None:
        while not condition(self):
            self._changed.clear()
            await self._changed.wait()

    def hooks(self) -> Hooks:
        def before(request: httpx.Request) -> None:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self._changed.set()

        def after(*_: object) -> None:
            self.now -= 1
            self.done += 1
            self._changed.set()

        return Hooks(before_request=before, after_success=after, after_error=after)


def served_core(base_url: str, **options: Any) -> TillpointCore:
    return TillpointCore(bearer_auth="sk_test_worker", server_url=base_url, **options)


def test_worker_creates_every_order_once_with_bounded_concurrency(
    load_example: Any, tillpoint_server_url: str, tillpoint_sandbox: Sandbox
) -> None:
    worker_module = load_example("worker")
    counter = InFlight()
    # Slow answers, so requests overlap and the bound is what limits them.
    tillpoint_sandbox.faults.add({"match": {"method": "POST"}, "delay_ms": 20, "count": 1_000})
    core = served_core(tillpoint_server_url, hooks=counter.hooks())

    outcomes = asyncio.run(worker_module.main(core, worker_module.demo_orders(24), concurrency=4))

    assert len(outcomes) == 24 and all(o.checkout_id and not o.error for o in outcomes)
    assert sorted(o.order_id for o in outcomes) == sorted(f"demo-{n}" for n in range(1, 25))
    assert 2 <= counter.peak <= 4
    stored = [tillpoint_sandbox.checkouts.get(o.checkout_id) for o in outcomes]
    assert all(c is not None for c in stored)


def test_worker_records_failed_orders_and_carries_on(
    load_example: Any, tillpoint_server_url: str, tillpoint_sandbox: Sandbox
) -> None:
    worker_module = load_example("worker")
    tillpoint_sandbox.faults.add({"match": {"method": "POST"}, "status": 409, "count": 2})
    core = served_core(tillpoint_server_url, retry_config=FAST)

    outcomes = asyncio.run(worker_module.main(core, worker_module.demo_orders(6), concurrency=2))

    assert len(outcomes) == 6
    assert sum(1 for o in outcomes if o.error and o.error.startswith("Error409")) == 2


def test_worker_stop_finishes_what_it_took_and_takes_nothing_more(
    load_example: Any, tillpoint_server_url: str
) -> None:
    worker_module = load_example("worker")
    counter = InFlight()

    async def scenario() -> tuple[Any, list[Any]]:
        core = served_core(tillpoint_server_url, hooks=counter.hooks())
        worker = worker_module.CheckoutWorker(core, concurrency=3)

        async def stop_after_five() -> None:
            await counter.wait_until(lambda c: c.done >= 5)
            worker.stop()

        stopper = asyncio.create_task(stop_after_five())
        async with core:
            outcomes = await worker.run(worker_module.demo_orders(None))  # endless
        await stopper
        return worker, outcomes

    worker, outcomes = asyncio.run(scenario())
    assert worker.stopping
    assert len(outcomes) >= 5
    assert len(outcomes) == worker.taken  # every order taken was finished
    assert counter.now == 0 and counter.done == len(outcomes)


def test_worker_stops_on_sigterm_and_forgets_its_handlers(
    load_example: Any, tillpoint_server_url: str
) -> None:
    worker_module = load_example("worker")
    counter = InFlight()
    hooks = counter.hooks()
    signalled = []

    def terminate_after_three(response: httpx.Response) -> None:
        if counter.done >= 3 and not signalled:
            signalled.append(True)
            os.kill(os.getpid(), signal.SIGTERM)  # what a container stop sends

    core = served_core(
        tillpoint_server_url,
        hooks=Hooks(
            before_request=hooks.before_request,
            after_success=[*hooks.after_success, terminate_after_three],
        ),
    )
    before = signal.getsignal(signal.SIGTERM)

    outcomes = asyncio.run(worker_module.main(core, worker_module.demo_orders(None)))

    assert signalled and len(outcomes) >= 3
    assert all(o.checkout_id for o in outcomes)
    assert counter.now == 0
    assert signal.getsignal(signal.SIGTERM) == before


def test_worker_cancellation_cancels_requests_in_flight_and_leaves_no_tasks(
    load_example: Any, tillpoint_server_url: str, tillpoint_sandbox: Sandbox
) -> None:
    worker_module = load_example("worker")
    counter = InFlight()
    tillpoint_sandbox.faults.add({"match": {"method": "POST"}, "delay_ms": 10_000, "count": 100})

    async def scenario() -> list[asyncio.Task[Any]]:
        async with served_core(tillpoint_server_url, hooks=counter.hooks()) as core:
            worker = worker_module.CheckoutWorker(core, concurrency=3)
            run = asyncio.create_task(worker.run(worker_module.demo_orders(None)))
            # Every consumer waits on the slow server.
            await counter.wait_until(lambda c: c.now >= 3)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(scenario()) == []
    assert counter.done == 0  # cancelled, never turned into an outcome or an error


def test_worker_in_process(load_example: Any, no_server_in_env: None) -> None:
    worker_module = load_example("worker")
    outcomes = asyncio.run(worker_module.main(orders=worker_module.demo_orders(10)))
    assert len(outcomes) == 10 and all(o.checkout_id for o in outcomes)


def test_worker_refuses_no_concurrency(load_example: Any) -> None:
    worker_module = load_example("worker")
    with pytest.raises(ValueError, match="concurrency"):
        worker_module.CheckoutWorker(TillpointCore(), concurrency=0)


# --- quickstart (make demo) ---------------------------------------------------------


def _assert_the_whole_flow_ran(out: str) -> None:
    assert "== created checkout" in out
    # Two keyboards at 10.00 and a mouse at 24.99, taxed at Minnesota's 7.525%, shipped
    # ground (5.00) then priority (12.50): api-contract §6.1 arithmetic, to the cent.
    assert "sku_keyboard    2   20.00  1.51" in out
    assert "49.99         5.00          0.38       3.77  53.76 USD" in out
    assert "57.49        12.50          0.94       4.33  61.82 USD" in out
    assert "attached store credit 10.00 and card 51.82" in out
    assert "requires_confirmation        61.82       0.00" in out
    assert out.count("page ") >= 2
    assert "expiry kept" in out and "True" in out.split("expiry kept", 1)[1]
    assert "deleted: a read now answers 404" in out
    assert "\ndeleted checkout " in out


@pytest.mark.anyio
async def test_quickstart_runs_the_whole_flow_in_process(
    load_example: Any, no_server_in_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await load_example("quickstart").main()

    out = capsys.readouterr().out
    assert "against the embedded sandbox" in out
    _assert_the_whole_flow_ran(out)


def test_quickstart_runs_against_the_server_in_the_environment(
    load_example: Any, tillpoint_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(load_example("quickstart").main())

    out = capsys.readouterr().out
    assert f"against {tillpoint_env}" in out
    _assert_the_whole_flow_ran(out)
