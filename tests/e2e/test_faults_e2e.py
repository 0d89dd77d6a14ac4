"""Fault injection through the SDK over real HTTP: what a user's retry tests would see.

Faults are injected both ways the sandbox documents: the ``x-sandbox-fault`` header on
one call (``http_headers=``), and rules armed with ``POST /sandbox/faults``. Every
attempt is counted with a ``before_request`` hook, and every wait the retry loop takes
is recorded, so a ``Retry-After`` is seen to be obeyed without timing anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from tillpoint import Err, Ok, RetryConfig, Tillpoint, TillpointCore, _loop, errors, models
from tillpoint.funcs import checkouts_create, checkouts_get, checkouts_list, sessions_get
from tillpoint.sandbox import Sandbox

from .support import counting, create, seed_002

pytestmark = pytest.mark.anyio

FAULT = "x-sandbox-fault"


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry loop sleeps, recorded (and still slept)."""
    recorded: list[float] = []

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)
        await anyio.sleep(seconds)

    monkeypatch.setattr(_loop, "sleep", sleep)
    return recorded


@pytest.fixture
async def control(
    served: tuple[Sandbox, str], sandbox: Sandbox
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=served[1]) as client:
        yield client


async def arm(control: httpx.AsyncClient, **rule: Any) -> dict[str, Any]:
    response = await control.post("/sandbox/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
async def checkout_id(core: TillpointCore) -> str:
    return str((await create(core, seed_002())).id)


# -- a status, with Retry-After ---------------------------------------------------


async def test_a_header_fault_hits_every_attempt_of_that_call_only(
    core: TillpointCore, checkout_id: str, waits: list[float]
) -> None:
    counted, attempts = counting(core)
    fault = {FAULT: "status=503;retry_after=0"}

    result = await checkouts_get(counted, checkout_id, http_headers=fault)

    assert isinstance(result, Err) and isinstance(result.error, errors.Error503)
    assert result.error.headers["retry-after"] == "0"
    assert result.error.request_id  # the fault answers in Digital River's dialect
    data = result.error.data
    assert isinstance(data, models.DigitalRiverErrorBody) and data.type == "service_unavailable"
    assert attempts == [f"GET /checkouts/{checkout_id}"] * 4  # max_attempts
    assert waits == [0.0, 0.0, 0.0]  # Retry-After: 0 replaced the backoff
    # The next call carries no header, so it is not faulted.
    assert isinstance(await checkouts_get(counted, checkout_id), Ok)
    assert len(attempts) == 5


async def test_a_retry_after_beyond_the_budget_returns_at_once(
    core: TillpointCore, tp: Tillpoint, checkout_id: str, waits: list[float]
) -> None:
    counted, attempts = counting(core)
    fault = {FAULT: "status=429;retry_after=60"}  # the budget is 5 s

    result = await checkouts_get(counted, checkout_id, http_headers=fault)

    assert isinstance(result, Err) and isinstance(result.error, errors.Error429)
    assert result.error.headers["retry-after"] == "60"
    assert (len(attempts), waits) == (1, [])
    with pytest.raises(errors.Error429):
        await tp.checkouts.get(checkout_id, http_headers=fault)


async def test_armed_rules_fault_the_next_n_matching_requests(
    core: TillpointCore, control: httpx.AsyncClient, checkout_id: str, waits: list[float]
) -> None:
    counted, attempts = counting(core)
    await arm(
        control,
        match={"method": "GET", "path": "/checkouts/*"},
        status=503,
        retry_after="0",
        count=2,
    )
    armed = await control.get("/sandbox/faults")
    assert [(r["status"], r["count"]) for r in armed.json()["data"]] == [(503, 2)]

    # A list (GET /checkouts) does not match "/checkouts/*": it is not faulted.
    assert isinstance(await checkouts_list(counted), Ok)
    assert (await control.get("/sandbox/faults")).json()["data"][0]["count"] == 2

    result = await checkouts_get(counted, checkout_id)

    assert isinstance(result, Ok) and result.value.id == checkout_id
    assert attempts == ["GET /checkouts"] + [f"GET /checkouts/{checkout_id}"] * 3
    assert waits == [0.0, 0.0]
    assert (await control.get("/sandbox/faults")).json()["data"] == []  # used up


async def test_a_500_on_create_is_retried_only_with_the_callers_key(
    core: TillpointCore, control: httpx.AsyncClient, waits: list[float]
) -> None:
    counted, attempts = counting(core)
    await arm(control, match={"method": "POST", "path": "/checkouts"}, status=500, count=2)

    unkeyed = await checkouts_create(counted, seed_002())
    assert isinstance(unkeyed, Err) and isinstance(unkeyed.error, errors.Error500)
    assert len(attempts) == 1  # a 500 may have done something: no blind retry

    keyed = await checkouts_create(counted, seed_002(), idempotency_key="order-7")
    assert isinstance(keyed, Ok), keyed
    assert len(attempts) == 3  # one 500 (the rule's second), then the checkout
    listed = await checkouts_list(core)
    assert isinstance(listed, Ok) and [c.id for c in listed.value.data] == [keyed.value.id]


async def test_clearing_the_rules_disarms_them(
    core: TillpointCore, control: httpx.AsyncClient, checkout_id: str
) -> None:
    await arm(control, status=503, count=5)  # no match: every API request
    assert (await control.delete("/sandbox/faults")).status_code == 204

    counted, attempts = counting(core)
    assert isinstance(await checkouts_get(counted, checkout_id), Ok)
    assert len(attempts) == 1


async def test_gr4vy_routes_answer_faults_in_gr4vys_dialect(core: TillpointCore) -> None:
    result = await sessions_get(
        core,
        "0c7d0a49-0000-4000-8000-000000000000",
        http_headers={FAULT: "status=429;retry_after=60"},
    )

    assert isinstance(result, Err) and isinstance(result.error, errors.Error429)
    data = result.error.data
    assert isinstance(data, models.Gr4vyErrorBody)
    assert (data.code, data.status) == ("too_many_requests", 429)


# -- a delay ------------------------------------------------------------------------


async def test_a_delay_beyond_the_timeout_is_an_api_timeout_error(
    core: TillpointCore, control: httpx.AsyncClient, checkout_id: str
) -> None:
    counted, attempts = counting(core)
    await arm(control, match={"path": f"/checkouts/{checkout_id}"}, delay_ms=400, count=4)

    result = await checkouts_get(counted, checkout_id, timeout_ms=50)

    assert isinstance(result, Err) and type(result.error) is errors.APITimeoutError
    assert result.error.path == f"/checkouts/{checkout_id}"
    assert len(attempts) == 4  # a read is safe to retry after a timeout


async def test_one_slow_answer_is_ridden_out_by_a_retry(
    core: TillpointCore, control: httpx.AsyncClient, checkout_id: str
) -> None:
    counted, attempts = counting(core)
    # The retry's healthy answer must arrive within the same per-attempt timeout, so the
    # timeout is generous for a loopback answer on a loaded machine (50 ms was not), and
    # the slow answer is slower than it by far: the outcome does not depend on speed.
    await arm(control, match={"path": f"/checkouts/{checkout_id}"}, delay_ms=6_000)

    result = await checkouts_get(counted, checkout_id, timeout_ms=1_500)

    assert isinstance(result, Ok) and result.value.id == checkout_id
    assert len(attempts) == 2


async def test_a_delay_within_the_timeout_is_just_slow(
    core: TillpointCore, checkout_id: str
) -> None:
    counted, attempts = counting(core)

    result = await checkouts_get(counted, checkout_id, http_headers={FAULT: "delay_ms=20"})

    assert isinstance(result, Ok) and result.value.id == checkout_id
    assert len(attempts) == 1


async def test_the_facade_raises_the_timeout(tp: Tillpoint, checkout_id: str) -> None:
    with pytest.raises(errors.APITimeoutError):
        await tp.checkouts.get(
            checkout_id,
            timeout_ms=50,
            retries=RetryConfig.none(),
            http_headers={FAULT: "delay_ms=400"},
        )


# -- a dropped connection -----------------------------------------------------------


async def test_a_dropped_connection_is_an_api_connection_error(
    core: TillpointCore, checkout_id: str
) -> None:
    counted, attempts = counting(core)

    result = await checkouts_get(counted, checkout_id, http_headers={FAULT: "drop_connection=true"})

    assert isinstance(result, Err) and type(result.error) is errors.APIConnectionError
    assert len(attempts) == 4


async def test_one_dropped_connection_is_ridden_out_by_a_retry(
    core: TillpointCore, tp: Tillpoint, control: httpx.AsyncClient, checkout_id: str
) -> None:
    counted, attempts = counting(core)
    await arm(control, match={"method": "GET"}, drop_connection=True)

    result = await checkouts_get(counted, checkout_id)

    assert isinstance(result, Ok) and result.value.id == checkout_id
    assert len(attempts) == 2
    with pytest.raises(errors.APIConnectionError):
        await tp.checkouts.get(
            checkout_id,
            retries=RetryConfig.none(),
            http_headers={FAULT: "drop_connection=1"},
        )
