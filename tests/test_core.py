"""TillpointCore: configuration, environment fallbacks, pool ownership and loops."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx
import trio

from tillpoint import Hooks, Ok, RetryConfig, TillpointCore, errors
from tillpoint.funcs import checkouts_get

from .conftest import TOKEN

CHECKOUT = {"id": "c1"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TILLPOINT_BEARER_AUTH", "TILLPOINT_SERVER_URL", "TILLPOINT_MERCHANT_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        TillpointCore("sk_test_x")  # type: ignore[misc]


def test_defaults() -> None:
    core = TillpointCore()
    assert core.server_url == "https://api.digitalriver.com"
    assert core.bearer_auth is None
    assert core.timeout_ms == 30_000
    assert core.retry_config == RetryConfig()
    assert core.merchant_account_id is None


def test_environment_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLPOINT_BEARER_AUTH", "sk_test_env")
    monkeypatch.setenv("TILLPOINT_SERVER_URL", "https://dr.example.test/")
    monkeypatch.setenv("TILLPOINT_MERCHANT_ACCOUNT_ID", "acct-env")

    core = TillpointCore()
    assert core.bearer_auth == "sk_test_env"
    assert core.server_url == "https://dr.example.test"
    assert core.merchant_account_id == "acct-env"

    explicit = TillpointCore(
        bearer_auth="sk_test_arg", server_url="https://x.test", merchant_account_id="a"
    )
    assert (explicit.bearer_auth, explicit.server_url, explicit.merchant_account_id) == (
        "sk_test_arg",
        "https://x.test",
        "a",
    )
    # A named server is an explicit choice: it wins over the environment's URL.
    assert TillpointCore(server="digitalriver").server_url == "https://api.digitalriver.com"


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({"server": "digitalriver"}, "https://api.digitalriver.com"),
        ({"server": "sandbox"}, "https://api.sandbox.example.gr4vy.app"),
        ({"server": "production", "id": "acme"}, "https://api.acme.gr4vy.app"),
        ({"server": "sandbox", "server_url": "https://override.test"}, "https://override.test"),
        ({"server_url": "http://127.0.0.1:8765"}, "http://127.0.0.1:8765"),
        ({"server_url": "http://localhost:8765/"}, "http://localhost:8765"),
        ({"server_url": "http://[::1]:8765"}, "http://[::1]:8765"),
        ({"server_url": "http://dr.internal", "allow_insecure_http": True}, "http://dr.internal"),
    ],
)
def test_servers(kwargs: dict[str, object], url: str) -> None:
    assert TillpointCore(**kwargs).server_url == url  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"server": "staging"}, "unknown server"),
        ({"server_url": "http://api.digitalriver.com"}, "refusing plain http"),
        ({"server_url": "ftp://example.com"}, "absolute http"),
        ({"server_url": "api.digitalriver.com"}, "absolute http"),
        ({"timeout_ms": 0}, "timeout_ms"),
    ],
)
def test_bad_configuration_fails_at_construction(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TillpointCore(**kwargs)  # type: ignore[arg-type]


def test_repr_hides_the_token() -> None:
    core = TillpointCore(bearer_auth=TOKEN)
    assert TOKEN not in repr(core)
    assert "<redacted>" in repr(core)
    assert TOKEN not in repr(core.with_options(timeout_ms=5))


def test_construction_does_no_io_and_builds_no_client() -> None:
    core = TillpointCore(bearer_auth=TOKEN)
    assert not core._pool.started


@pytest.mark.anyio
async def test_with_options_shares_the_pool_and_changes_only_what_was_given(
    mock_api: respx.MockRouter,
) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    hooks = Hooks()
    async with TillpointCore(bearer_auth=TOKEN, timeout_ms=1_000) as core:
        copy = core.with_options(timeout_ms=2_000, hooks=hooks)
        assert copy.timeout_ms == 2_000 and core.timeout_ms == 1_000
        assert copy.bearer_auth == TOKEN
        assert copy.hooks is hooks
        assert copy.client() is core.client()
        await checkouts_get(copy, "c1")
        with pytest.raises(ValueError, match="plain http"):
            core.with_options(server_url="http://example.com")


@pytest.mark.anyio
async def test_a_callers_client_is_used_and_never_closed(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    async with httpx.AsyncClient() as client:
        async with TillpointCore(bearer_auth=TOKEN, client=client) as core:
            assert core.client() is client
            assert isinstance(await checkouts_get(core, "c1"), Ok)
        assert not client.is_closed


@pytest.mark.anyio
async def test_the_client_tillpoint_creates_is_closed_by_aclose(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    core = TillpointCore(bearer_auth=TOKEN)
    await checkouts_get(core, "c1")
    client = core.client()
    await core.aclose()
    assert client.is_closed
    # Still usable afterwards: a new pool is made on demand.
    assert isinstance(await checkouts_get(core, "c1"), Ok)
    await core.aclose()


def test_a_module_level_core_survives_new_event_loops(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").respond(200, json=CHECKOUT)
    core = TillpointCore(bearer_auth=TOKEN)  # as at module scope in a serverless handler

    async def invocation() -> object:
        return await checkouts_get(core, "c1")

    results = [asyncio.run(invocation()) for _ in range(3)]
    results.append(trio.run(invocation))

    assert all(isinstance(r, Ok) for r in results)


@pytest.mark.anyio
async def test_hooks_run_before_each_attempt_and_once_after(mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts/c1").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=CHECKOUT)]
    )
    mock_api.get("/checkouts/gone").respond(404)
    seen: list[str] = []

    async def before(request: httpx.Request) -> httpx.Request:
        seen.append(f"before {request.url.path}")
        request.headers["x-trace"] = "t-1"
        return request

    async def success(response: httpx.Response) -> None:
        seen.append(f"success {response.status_code}")

    async def failure(response: httpx.Response | None, error: errors.TillpointError) -> None:
        seen.append(f"error {type(error).__name__}")

    fast = RetryConfig(max_attempts=2)
    hooks = Hooks(before_request=before, after_success=[success], after_error=failure)
    async with TillpointCore(bearer_auth=TOKEN, hooks=hooks, retry_config=fast) as core:
        with pytest.MonkeyPatch.context() as patch:
            from tillpoint import _loop

            async def no_sleep(_: float) -> None:
                return None

            patch.setattr(_loop, "sleep", no_sleep)
            await checkouts_get(core, "c1")
            await checkouts_get(core, "gone")
            await checkouts_get(core, " ")  # rejected before sending: after_error only

    assert seen == [
        "before /checkouts/c1",
        "before /checkouts/c1",
        "success 200",
        "before /checkouts/gone",
        "error Error404",
        "error InvalidRequestError",
    ]
    assert mock_api.calls.last.request.headers["x-trace"] == "t-1"
