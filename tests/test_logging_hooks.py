"""Logging (metadata only, ``TILLPOINT_LOG``) and hooks (arguments, retries, failures)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import anyio
import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tillpoint import (
    Err,
    Hooks,
    Ok,
    RetryConfig,
    Tillpoint,
    TillpointCore,
    _logging,
    errors,
    models,
)
from tillpoint.funcs import checkouts_create, checkouts_get
from tillpoint.hooks import HookError

from .conftest import BASE_URL, FAST_RETRIES, TOKEN

pytestmark = pytest.mark.anyio

CHECKOUT = {"id": "chk_1", "currency": "USD", "totalAmount": 9.0}
NEW_CHECKOUT = models.CheckoutCreate(
    currency="USD", items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("4.50"))]
)
METADATA = ("operation", "method", "path", "attempt", "status", "error", "elapsed_ms", "request_id")


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    logger = logging.getLogger("tillpoint")
    handler, level = Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def log_switch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process where ``TILLPOINT_LOG`` has not been honoured yet; undone afterwards."""
    logger = logging.getLogger("tillpoint")
    handlers, level = list(logger.handlers), logger.level
    monkeypatch.setattr(_logging, "_installed", None)
    monkeypatch.delenv("TILLPOINT_LOG", raising=False)
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def everything_logged(record: logging.LogRecord) -> str:
    return record.getMessage() + " " + " ".join(map(str, vars(record).values()))


# --- logging -------------------------------------------------------------------------


async def test_every_attempt_and_retry_carries_its_metadata(
    core: TillpointCore, mock_api: respx.MockRouter, records: list[logging.LogRecord]
) -> None:
    mock_api.get("/checkouts/chk_1").mock(
        side_effect=[
            httpx.Response(503, headers={"x-dr-requestid": "req-a"}),
            httpx.Response(200, json=CHECKOUT, headers={"x-dr-requestid": "req-b"}),
        ]
    )

    assert (await checkouts_get(core, "chk_1")).ok

    first, retry, second = records
    assert [r.levelno for r in records] == [logging.DEBUG, logging.INFO, logging.DEBUG]
    assert all(r.name == "tillpoint" for r in records)
    for record, status, request_id, attempt in (
        (first, 503, "req-a", 1),
        (second, 200, "req-b", 2),
    ):
        assert (record.operation, record.method, record.path) == (  # type: ignore[attr-defined]
            "checkouts_get",
            "GET",
            "/checkouts/chk_1",
        )
        assert record.status == status  # type: ignore[attr-defined]
        assert record.request_id == request_id  # type: ignore[attr-defined]
        assert record.attempt == attempt  # type: ignore[attr-defined]
        assert record.error is None  # type: ignore[attr-defined]
        assert record.elapsed_ms >= 0  # type: ignore[attr-defined]
        assert f"-> {status} (attempt {attempt}" in record.getMessage()
        assert request_id in record.getMessage()
    assert retry.attempt == 2  # type: ignore[attr-defined]
    assert retry.max_attempts == FAST_RETRIES.max_attempts  # type: ignore[attr-defined]
    assert retry.retry_in_s >= 0  # type: ignore[attr-defined]
    assert retry.getMessage().startswith("checkouts_get GET /checkouts/chk_1: retrying in ")


async def test_an_attempt_without_a_response_logs_the_error_class(
    core: TillpointCore, mock_api: respx.MockRouter, records: list[logging.LogRecord]
) -> None:
    mock_api.get("/checkouts/chk_1").mock(side_effect=httpx.ConnectError("refused"))

    result = await checkouts_get(core, "chk_1", retries=RetryConfig.none())

    assert isinstance(result.error, errors.APIConnectionError)
    (record,) = records
    assert record.status is None  # type: ignore[attr-defined]
    assert record.request_id is None  # type: ignore[attr-defined]
    assert record.error == "APIConnectionError"  # type: ignore[attr-defined]
    assert "-> APIConnectionError (attempt 1," in record.getMessage()


# Random text, behind a marker no log line could hold by chance: without it, hypothesis
# soon finds a "secret" such as "tillpoin", which every record names as its logger.
_secrets = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=8, max_size=40)
secrets = _secrets.map(lambda text: f"S3cr3t{text}")


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=secrets, secret_body=secrets, secret_header=secrets, secret_query=secrets)
async def test_logs_never_hold_headers_bodies_queries_or_tokens(
    records: list[logging.LogRecord],
    token: str,
    secret_body: str,
    secret_header: str,
    secret_query: str,
) -> None:
    records.clear()
    echo = {"errors": [{"code": "bad", "message": f"{token} {secret_body} {secret_header}"}]}
    with respx.mock(base_url=BASE_URL) as router:
        router.get("/checkouts").mock(
            side_effect=[
                httpx.Response(503, json=echo, headers={"x-echo": secret_header}),
                httpx.Response(400, json=echo, headers={"x-echo": secret_header}),
            ]
        )
        async with TillpointCore(
            bearer_auth=f"sk_{token}", server_url=BASE_URL, retry_config=FAST_RETRIES
        ) as core:
            from tillpoint.funcs import checkouts_list

            result = await checkouts_list(
                core, email=f"q{secret_query}@example.com", http_headers={"x-mine": secret_header}
            )
    assert isinstance(result, Err)
    assert len(records) == 3
    for record in records:
        logged = everything_logged(record)
        for secret in (token, secret_body, secret_header, secret_query):
            assert secret not in logged


async def test_nothing_is_formatted_when_the_logger_is_quiet(
    core: TillpointCore, mock_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The records are built only behind isEnabledFor: a quiet logger costs nothing.
    def fail(*_: object, **__: object) -> None:
        raise AssertionError("logged while the logger is quiet")

    monkeypatch.setattr("tillpoint._transport.log_attempt", fail)
    monkeypatch.setattr("tillpoint._transport.log_retry", fail)
    logger = logging.getLogger("tillpoint")
    level = logger.level
    logger.setLevel(logging.WARNING)  # setLevel, not .level =: it clears the level cache
    try:
        mock_api.get("/checkouts/chk_1").mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json=CHECKOUT)]
        )
        assert (await checkouts_get(core, "chk_1")).ok
    finally:
        logger.setLevel(level)


@pytest.mark.parametrize("value", ["debug", "DEBUG", " info "])
def test_tillpoint_log_attaches_one_handler_to_the_tillpoint_logger_only(
    log_switch: None, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    root = logging.getLogger()
    root_state = (list(root.handlers), root.level)
    logger = logging.getLogger("tillpoint")
    before = list(logger.handlers)
    monkeypatch.setenv("TILLPOINT_LOG", value)

    TillpointCore()
    TillpointCore(bearer_auth=TOKEN)

    added = [h for h in logger.handlers if h not in before]
    assert len(added) == 1 and isinstance(added[0], logging.StreamHandler)
    expected = logging.DEBUG if value.strip().lower() == "debug" else logging.INFO
    assert logger.level == expected
    assert logger.propagate
    assert (list(root.handlers), root.level) == root_state
    assert not logging.getLogger("httpx").handlers


def test_without_tillpoint_log_logging_is_left_alone(log_switch: None) -> None:
    logger = logging.getLogger("tillpoint")
    state = (list(logger.handlers), logger.level)
    TillpointCore()
    assert (list(logger.handlers), logger.level) == state


def test_an_unknown_tillpoint_log_value_warns_and_changes_nothing(
    log_switch: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = logging.getLogger("tillpoint")
    state = (list(logger.handlers), logger.level)
    monkeypatch.setenv("TILLPOINT_LOG", "verbose")
    with pytest.warns(RuntimeWarning, match="TILLPOINT_LOG='verbose'"):
        TillpointCore()
    assert (list(logger.handlers), logger.level) == state


@pytest.mark.parametrize(
    ("value", "expected_lines"),
    [("debug", ["-> 503 (attempt 1", "retrying in", "-> 200 (attempt 2"]), ("info", ["retrying"])],
)
async def test_tillpoint_log_writes_metadata_lines_to_stderr(
    log_switch: None,
    monkeypatch: pytest.MonkeyPatch,
    mock_api: respx.MockRouter,
    capsys: pytest.CaptureFixture[str],
    value: str,
    expected_lines: list[str],
) -> None:
    monkeypatch.setenv("TILLPOINT_LOG", value)
    mock_api.get("/checkouts/chk_1").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=CHECKOUT)]
    )
    async with TillpointCore(
        bearer_auth=TOKEN, server_url=BASE_URL, retry_config=FAST_RETRIES
    ) as core:
        assert (await checkouts_get(core, "chk_1")).ok

    lines = [line for line in capsys.readouterr().err.splitlines() if " tillpoint: " in line]
    assert len(lines) == len(expected_lines)
    for line, expected in zip(lines, expected_lines, strict=True):
        assert expected in line
        assert "GET /checkouts/chk_1" in line
        assert TOKEN not in line


# --- hooks ---------------------------------------------------------------------------


class Calls:
    """Hooks that record what they were given, as async or plain functions."""

    def __init__(self) -> None:
        self.before: list[httpx.Request] = []
        self.success: list[httpx.Response] = []
        self.error: list[tuple[httpx.Response | None, errors.TillpointError]] = []

    def hooks(self, *, sync: bool) -> Hooks:
        if sync:

            def before(request: httpx.Request) -> None:
                self.before.append(request)

            def success(response: httpx.Response) -> None:
                self.success.append(response)

            def error(response: httpx.Response | None, error: errors.TillpointError) -> None:
                self.error.append((response, error))

            return Hooks(before_request=before, after_success=success, after_error=error)

        async def abefore(request: httpx.Request) -> None:
            await anyio.lowlevel.checkpoint()
            self.before.append(request)

        async def asuccess(response: httpx.Response) -> None:
            await anyio.lowlevel.checkpoint()
            self.success.append(response)

        async def aerror(response: httpx.Response | None, error: errors.TillpointError) -> None:
            await anyio.lowlevel.checkpoint()
            self.error.append((response, error))

        return Hooks(before_request=[abefore], after_success=[asuccess], after_error=[aerror])


def seen_on_the_wire(request: httpx.Request) -> tuple[str, str, list[tuple[str, str]]]:
    return request.method, str(request.url), sorted(request.headers.items())


SYNC_OR_ASYNC = pytest.mark.parametrize("sync", [False, True], ids=["async", "sync"])


@SYNC_OR_ASYNC
async def test_success_hooks_see_each_request_and_the_final_response(
    core: TillpointCore, mock_api: respx.MockRouter, sync: bool
) -> None:
    route = mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)
    calls = Calls()

    result = await checkouts_get(core.with_options(hooks=calls.hooks(sync=sync)), "chk_1")

    assert isinstance(result, Ok)
    (sent,) = calls.before
    assert sent.method == "GET" and sent.url == f"{BASE_URL}/checkouts/chk_1"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert seen_on_the_wire(route.calls.last.request) == seen_on_the_wire(sent)
    assert calls.success == [result.response]
    assert calls.error == []


@SYNC_OR_ASYNC
async def test_error_hooks_see_the_response_and_the_very_error_returned(
    core: TillpointCore, mock_api: respx.MockRouter, sync: bool
) -> None:
    mock_api.get("/checkouts/gone").respond(404, json={"type": "not_found", "errors": []})
    calls = Calls()

    result = await checkouts_get(core.with_options(hooks=calls.hooks(sync=sync)), "gone")

    assert isinstance(result, Err)
    ((response, error),) = calls.error
    assert error is result.error and isinstance(error, errors.Error404)
    assert response is result.response and response is not None
    assert response.status_code == 404
    assert calls.success == []
    assert len(calls.before) == 1


@SYNC_OR_ASYNC
async def test_error_hooks_get_no_response_when_none_arrived(
    core: TillpointCore, mock_api: respx.MockRouter, sync: bool
) -> None:
    mock_api.get("/checkouts/chk_1").mock(side_effect=httpx.ConnectTimeout("slow"))
    calls = Calls()
    observed = core.with_options(hooks=calls.hooks(sync=sync), retry_config=RetryConfig.none())

    result = await checkouts_get(observed, "chk_1")

    assert calls.error == [(None, result.error)]
    assert isinstance(result.error, errors.APITimeoutError)


@SYNC_OR_ASYNC
async def test_retries_run_before_request_per_attempt_and_after_hooks_once(
    core: TillpointCore, mock_api: respx.MockRouter, sync: bool
) -> None:
    route = mock_api.post("/checkouts").mock(
        side_effect=[httpx.Response(503), httpx.Response(429), httpx.Response(201, json=CHECKOUT)]
    )
    calls = Calls()

    result = await checkouts_create(core.with_options(hooks=calls.hooks(sync=sync)), NEW_CHECKOUT)

    assert isinstance(result, Ok)
    assert len(calls.before) == 3
    assert [seen_on_the_wire(c.request) for c in route.calls] == [
        seen_on_the_wire(r) for r in calls.before
    ]
    # A fresh request per attempt, all with the call's one idempotency key.
    assert len({id(r) for r in calls.before}) == 3
    assert len({r.headers["idempotency-key"] for r in calls.before}) == 1
    assert calls.success == [result.response]
    assert result.response is not None and result.response.status_code == 201
    assert calls.error == []


async def test_retries_that_run_out_call_the_error_hook_once(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/chk_1").respond(503)
    calls = Calls()

    result = await checkouts_get(core.with_options(hooks=calls.hooks(sync=False)), "chk_1")

    assert isinstance(result.error, errors.Error503)
    assert len(calls.before) == FAST_RETRIES.max_attempts
    assert calls.error == [(result.response, result.error)]


@SYNC_OR_ASYNC
async def test_before_request_may_replace_the_request(
    core: TillpointCore, mock_api: respx.MockRouter, sync: bool
) -> None:
    route = mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)

    def signed(request: httpx.Request) -> httpx.Request:
        headers = {**request.headers, "x-signature": "sig-1"}
        return httpx.Request(
            request.method, request.url, headers=headers, extensions=request.extensions
        )

    async def async_signed(request: httpx.Request) -> httpx.Request:
        return signed(request)

    def stamp(request: httpx.Request) -> None:
        request.headers["x-second"] = "sees the replacement"
        assert request.headers["x-signature"] == "sig-1"

    first = signed if sync else async_signed
    hooks = Hooks(before_request=[first, stamp])
    assert (await checkouts_get(core.with_options(hooks=hooks), "chk_1")).ok

    sent = route.calls.last.request
    assert sent.headers["x-signature"] == "sig-1"
    assert sent.headers["x-second"] == "sees the replacement"


async def test_hooks_run_in_order(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)
    order: list[str] = []

    async def first(response: httpx.Response) -> None:
        order.append("first")

    def second(response: httpx.Response) -> None:
        order.append("second")

    hooks = Hooks(after_success=[first, second])
    assert (await checkouts_get(core.with_options(hooks=hooks), "chk_1")).ok
    assert order == ["first", "second"]


class Broken(Exception):
    pass


async def test_a_failing_after_success_hook_keeps_the_result(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.post("/checkouts").respond(201, json=CHECKOUT)
    skipped: list[httpx.Response] = []

    async def metrics(response: httpx.Response) -> None:
        raise Broken("metrics backend down")

    hooks = Hooks(after_success=[metrics, skipped.append])
    with pytest.raises(HookError) as caught:
        await checkouts_create(core.with_options(hooks=hooks), NEW_CHECKOUT)

    error = caught.value
    assert error.stage == "after_success"
    assert error.hook is metrics
    assert isinstance(error.__cause__, Broken)
    assert "after_success hook" in str(error) and "metrics" in str(error)
    # The checkout was created: its id is not lost with the hook's failure.
    assert isinstance(error.result, Ok)
    assert error.result.value.id == "chk_1"
    assert skipped == []
    assert not isinstance(error, errors.TillpointError)


async def test_a_failing_after_error_hook_keeps_the_error(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/gone").respond(404)

    def report(response: httpx.Response | None, error: errors.TillpointError) -> None:
        raise Broken("tracker down")

    with pytest.raises(HookError) as caught:
        await checkouts_get(core.with_options(hooks=Hooks(after_error=report)), "gone")

    assert caught.value.stage == "after_error"
    assert isinstance(caught.value.result, Err)
    assert isinstance(caught.value.result.error, errors.Error404)
    assert isinstance(caught.value.__cause__, Broken)


async def test_a_failing_before_request_hook_sends_nothing(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)
    later: list[Any] = []

    async def sign(request: httpx.Request) -> httpx.Request:
        raise Broken("no key")

    hooks = Hooks(before_request=[sign, later.append], after_error=later.append)
    with pytest.raises(HookError) as caught:
        await checkouts_get(core.with_options(hooks=hooks), "chk_1")

    assert caught.value.stage == "before_request"
    assert caught.value.result is None
    assert isinstance(caught.value.__cause__, Broken)
    assert not route.called
    assert later == []


async def test_the_facade_surfaces_hook_errors_too(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)

    def broken(response: httpx.Response) -> None:
        raise Broken

    tp = Tillpoint(core=core.with_options(hooks=Hooks(after_success=broken)))
    with pytest.raises(HookError) as caught:
        await tp.checkouts.get("chk_1")
    assert isinstance(caught.value.result, Ok)


async def test_cancellation_inside_a_hook_is_not_wrapped(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/chk_1").respond(200, json=CHECKOUT)
    finished: list[object] = []

    with anyio.CancelScope() as scope:

        async def cancel_the_caller(response: httpx.Response) -> None:
            scope.cancel()
            await anyio.lowlevel.checkpoint()  # raises the backend's cancellation

        hooks = Hooks(after_success=cancel_the_caller)
        finished.append(await checkouts_get(core.with_options(hooks=hooks), "chk_1"))

    assert scope.cancelled_caught
    assert finished == []


def test_hooks_take_one_callable_or_a_sequence() -> None:
    def one(request: httpx.Request) -> None:
        return None

    assert Hooks(before_request=one).before_request == (one,)
    assert Hooks(before_request=[one, one]).before_request == (one, one)
    assert not Hooks()
    assert Hooks(after_error=[lambda response, error: None])


@pytest.mark.parametrize(
    "call",
    [
        lambda core: checkouts_get(core, "  "),
        lambda core: checkouts_create(core, models.CheckoutCreate(currency="USD")),
        lambda core: checkouts_create(core, models.CheckoutCreate(items=[])),
    ],
    ids=["blank id", "create without items", "create without currency"],
)
async def test_a_request_refused_before_sending_still_reaches_after_error(
    core: TillpointCore, mock_api: respx.MockRouter, call: Any
) -> None:
    seen: list[tuple[httpx.Response | None, errors.TillpointError]] = []
    before: list[httpx.Request] = []

    def report(response: httpx.Response | None, error: errors.TillpointError) -> None:
        seen.append((response, error))

    hooked = core.with_options(hooks=Hooks(before_request=before.append, after_error=report))
    result = await call(hooked)

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.InvalidRequestError)
    assert seen == [(None, result.error)]
    assert before == []
    assert not mock_api.calls
