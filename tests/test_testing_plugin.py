"""tillpoint.testing: the pytest plugin (through its entry point) and the respx helpers."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest

from tillpoint import BackoffStrategy, Err, Ok, RetryConfig, TillpointCore, errors, models
from tillpoint.funcs import checkouts_get, sessions_get
from tillpoint.testing import api_error, api_response, mock_api

pytest_plugins = ["pytester"]

USER_CONFTEST = """
import pytest

@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request):
    return request.param
"""


def passed(result: pytest.RunResult, count: int) -> None:
    result.assert_outcomes(passed=count)


def test_the_plugin_is_registered_under_pytest11() -> None:
    (entry,) = [e for e in entry_points(group="pytest11") if e.name == "tillpoint"]
    assert entry.value == "tillpoint.testing"


def test_a_users_tests_get_a_sandbox_backed_core(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(USER_CONFTEST)
    pytester.makepyfile(
        test_checkout="""
        from decimal import Decimal

        import pytest
        from tillpoint import Tillpoint, TillpointCore, models
        from tillpoint.sandbox import Sandbox

        pytestmark = pytest.mark.anyio

        async def test_create_and_read(tillpoint_core, tillpoint_sandbox):
            assert isinstance(tillpoint_core, TillpointCore)
            assert isinstance(tillpoint_sandbox, Sandbox)
            tp = Tillpoint(core=tillpoint_core)
            checkout = await tp.checkouts.create(
                models.CheckoutCreate(
                    currency="USD",
                    items=[models.Item(sku_id="sku_1", quantity=2, price=Decimal("4.50"))],
                )
            )
            assert checkout.total_amount == Decimal("9.00")
            assert (await tp.checkouts.get(checkout.id)).id == checkout.id

        async def test_every_test_starts_empty(tillpoint_core):
            page = await Tillpoint(core=tillpoint_core).checkouts.list()
            assert page.data == []

        async def test_retries_are_fast_and_faults_are_armed_on_the_sandbox(
            tillpoint_core, tillpoint_sandbox
        ):
            tillpoint_sandbox.faults.add({"match": {"method": "GET"}, "status": 503, "count": 2})
            page = await Tillpoint(core=tillpoint_core).checkouts.list()
            assert page.data == [] and tillpoint_sandbox.faults.list() == []
        """
    )
    # A conftest can override the core's options (here for one directory only).
    options = pytester.mkpydir("with_options")
    (options / "conftest.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def tillpoint_core_options():
                return {"timeout_ms": 1_234, "bearer_auth": "sk_test_mine"}
            """
        )
    )
    (options / "test_options.py").write_text(
        textwrap.dedent(
            """
            def test_options(tillpoint_core):
                assert tillpoint_core.timeout_ms == 1_234
                assert tillpoint_core.bearer_auth == "sk_test_mine"
            """
        )
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    passed(result, 7)  # three tests under asyncio and trio, and the options test


def test_the_fixtures_come_from_the_tillpoint_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_needs_it(tillpoint_core):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:tillpoint")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'tillpoint_core' not found*"])


def test_code_configured_from_the_environment_reaches_the_served_sandbox(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(USER_CONFTEST)
    pytester.makepyfile(
        """
        import os
        from decimal import Decimal

        import pytest
        from tillpoint import Tillpoint, models

        pytestmark = pytest.mark.anyio

        async def test_from_env(tillpoint_env, tillpoint_server_url, tillpoint_sandbox):
            assert tillpoint_env == tillpoint_server_url == os.environ["TILLPOINT_SERVER_URL"]
            assert tillpoint_server_url.startswith("http://127.0.0.1:")
            async with Tillpoint() as tp:  # everything from the environment
                created = await tp.checkouts.create(
                    models.CheckoutCreate(
                        currency="USD",
                        items=[models.Item(sku_id="sku_1", quantity=1, price=Decimal("1"))],
                    )
                )
            assert tillpoint_sandbox.checkouts.get(created.id) is not None
        """
    )
    passed(pytester.runpytest("-p", "no:cacheprovider"), 2)


def run_python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_importing_the_plugin_is_cheap() -> None:
    done = run_python(
        """
        import sys
        import tillpoint.testing
        heavy = {"httpx", "starlette", "uvicorn", "respx", "anyio", "tillpoint.sandbox"}
        print(sorted(heavy & set(sys.modules)))
        """
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_the_plugin_is_harmless_without_the_sandbox_extra(pytester: pytest.Pytester) -> None:
    # A fresh interpreter where starlette and uvicorn cannot be imported: the plugin
    # still loads through its entry point, unrelated tests pass, and only a test
    # asking for a sandbox fixture fails, saying what to install.
    pytester.makepyfile(
        """
        import sys

        def test_unrelated():
            assert "tillpoint.testing" in sys.modules

        def test_wants_the_sandbox(tillpoint_sandbox):
            pass
        """
    )
    done = run_python(
        """
        import sys

        class NotInstalled:
            def find_spec(self, name, path=None, target=None):
                if name.partition(".")[0] in {"starlette", "uvicorn"}:
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)
                return None

        sys.meta_path.insert(0, NotInstalled())
        import pytest
        raise SystemExit(pytest.main(["-p", "no:cacheprovider", "-q"]))
        """,
        cwd=pytester.path,
    )
    assert "1 passed, 1 error" in done.stdout, done.stdout + done.stderr
    assert "pip install 'tillpoint[sandbox]'" in done.stdout
    assert "During handling" not in done.stdout  # one clear line, not a chained traceback


# --- respx helpers -------------------------------------------------------------------

CHECKOUT = models.Checkout(
    id="chk_1", currency="USD", total_amount=Decimal("19.99"), upstream_id="order-7"
)


@pytest.mark.anyio
async def test_api_response_encodes_models_as_the_api_does() -> None:
    core = TillpointCore(bearer_auth="sk_test_1")
    with mock_api(core) as api:
        route = api.get("/checkouts/chk_1").mock(
            return_value=api_response(200, CHECKOUT, request_id="req-9")
        )
        result = await checkouts_get(core, "chk_1")
    assert route.called
    assert isinstance(result, Ok)
    assert result.value.total_amount == Decimal("19.99")
    assert result.value.upstream_id == "order-7"
    assert result.request_id == "req-9"
    assert result.response is not None
    assert json.loads(result.response.content)["upstreamId"] == "order-7"
    assert b"19.99" in result.response.content  # a JSON number, exact


@pytest.mark.anyio
async def test_api_error_builds_digital_river_error_bodies() -> None:
    core = TillpointCore(bearer_auth="sk_test_1", retry_config=RetryConfig.none())
    with mock_api(core) as api:
        api.get("/checkouts/chk_1").mock(
            return_value=api_error(
                404, code="not_found", message="Checkout 'chk_1' not found.", parameter="id"
            )
        )
        api.get("/checkouts/chk_2").mock(return_value=api_error(503, request_id="req-2"))
        missing = await checkouts_get(core, "chk_1")
        down = await checkouts_get(core, "chk_2")

    assert isinstance(missing, Err) and isinstance(missing.error, errors.Error404)
    data = missing.error.data
    assert isinstance(data, models.DigitalRiverErrorBody)
    assert data.type == "not_found" and data.codes == ["not_found"]
    assert data.errors and data.errors[0].parameter == "id"
    assert isinstance(down.error, errors.Error503)
    assert down.error.request_id == "req-2"
    assert isinstance(down.error.data, models.DigitalRiverErrorBody)
    assert down.error.data.type == "service_unavailable"


@pytest.mark.anyio
async def test_api_error_builds_gr4vy_error_bodies() -> None:
    core = TillpointCore(bearer_auth="tok", server="sandbox", id="acme")
    with mock_api(core) as api:
        api.get("/checkout/sessions/s1").mock(return_value=api_error(404, api="gr4vy"))
        result = await sessions_get(core, "s1")
    assert isinstance(result.error, errors.Error404)
    assert isinstance(result.error.data, models.Gr4vyErrorBody)
    assert result.error.data.code == "not_found"
    assert result.error.data.status == 404
    with pytest.raises(ValueError, match="no parameter"):
        api_error(400, api="gr4vy", parameter="amount")


@pytest.mark.anyio
async def test_one_response_serves_every_retry() -> None:
    fast = RetryConfig(
        backoff=BackoffStrategy(initial_interval=1, max_interval=1, max_elapsed_time=1_000),
        max_attempts=3,
    )
    core = TillpointCore(bearer_auth="sk_test_1", retry_config=fast)
    with mock_api(core) as api:
        route = api.get("/checkouts/chk_1").mock(return_value=api_response(503))
        result = await checkouts_get(core, "chk_1")
    assert isinstance(result.error, errors.Error503)
    assert route.call_count == 3


@pytest.mark.anyio
async def test_mock_api_defaults_to_the_cores_default_server() -> None:
    core = TillpointCore(bearer_auth="sk_test_1")  # no server given
    with mock_api() as api:
        route = api.get("/checkouts/chk_1").mock(return_value=api_response(200, CHECKOUT))
        assert (await checkouts_get(core, "chk_1")).ok
    assert route.called


def test_mock_api_takes_a_base_url() -> None:
    with mock_api("http://127.0.0.1:9/") as api:
        route = api.get("/x").respond(204)
        assert httpx.get("http://127.0.0.1:9/x").status_code == 204
    assert route.called


def test_an_empty_body_and_extra_headers() -> None:
    response = api_response(204, headers={"retry-after": "1"})
    assert response.content == b""
    assert response.headers["retry-after"] == "1"
    assert "content-type" not in response.headers


def test_mock_api_without_respx_says_which_extra_installs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "respx", None)  # as if respx were not installed
    with pytest.raises(ImportError, match=r"pip install 'tillpoint\[testing\]'") as caught:
        mock_api()
    assert caught.value.name == "respx"


def test_the_fake_clock_moves_only_when_told() -> None:
    from tillpoint.sandbox import Sandbox
    from tillpoint.testing import FakeClock

    clock = FakeClock()
    sandbox = Sandbox(clock=clock)
    assert sandbox.now() == clock() == clock()
    clock.advance(90)
    assert sandbox.now() == clock.now
    assert clock.now.isoformat() == "2030-01-01T12:01:30+00:00"
