"""Mistakes caught before they cost: each is refused before anything is sent, with a
message that names what was wrong and the fix.

The table in docs/errors.md ("Common mistakes") is the contract: one test per row
makes that mistake and checks the exact message the row shows, and that the respx
route counted no request.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

import tillpoint.sync
from tillpoint import Err, Hooks, Ok, Tillpoint, TillpointCore, errors, funcs, models
from tillpoint._keywords import keywords_of
from tillpoint.funcs.checkouts_list import _OPERATION as LIST_OPERATION
from tillpoint.funcs.checkouts_list import CheckoutsListParameters

from .conftest import BASE_URL, TOKEN

DOCS = Path(__file__).parent.parent / "docs" / "errors.md"


def documented_mistakes() -> dict[str, tuple[str, str]]:
    """docs/errors.md's table: mistake → (what you get, message), backticks removed."""
    section = DOCS.read_text(encoding="utf-8").split("## Common mistakes", 1)[1]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) == 4 and cells[2].startswith("`"):
            mistake, kind, message = (cell.replace("`", "") for cell in cells[:3])
            rows[mistake] = (kind, message)
    return rows


Outcome = BaseException | Ok[Any] | Err[Any]


async def outcome_of(action: Callable[[], Awaitable[Any]]) -> Outcome:
    try:
        return await action()  # type: ignore[no-any-return]
    except TypeError as exc:
        return exc


def scenarios(core: TillpointCore) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Each documented mistake, made: the keys are the table's first column."""
    tp = Tillpoint(core=core)
    no_token = TillpointCore(server_url=BASE_URL)

    async def build(make: Callable[[], object]) -> object:
        return make()

    async def through_a_closed_client() -> object:
        client = httpx.AsyncClient()
        await client.aclose()
        closed = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)
        return await funcs.checkouts_get(closed, checkout_id)

    checkout_id = "chk_1"
    return {
        "checkouts_list(core, limt=5)": lambda: funcs.checkouts_list(core, limt=5),  # type: ignore[call-arg]
        "tp.checkouts.get(checkout_id, timeout=0.1)": lambda: tp.checkouts.get(
            checkout_id,
            timeout=0.1,  # type: ignore[call-arg]
        ),
        'tp.checkouts.list(curency="USD")': lambda: build(
            lambda: tp.checkouts.list(curency="USD")  # type: ignore[call-arg]
        ),
        'Tillpoint(bearer_aut="sk_test_…")': lambda: build(
            lambda: Tillpoint(bearer_aut="sk_test_…")  # type: ignore[call-arg]
        ),
        'models.Item(sku_id="sku_1", quantity=1, price=0.1 + 0.2)': lambda: build(
            lambda: models.Item(sku_id="sku_1", quantity=1, price=0.1 + 0.2)  # type: ignore[arg-type]
        ),
        'models.Item(sku_id="sku_1", quantity=1, price="10.10")': lambda: build(
            lambda: models.Item(sku_id="sku_1", quantity=1, price="10.10")  # type: ignore[arg-type]
        ),
        'models.CheckoutCreate(items=[{"sku_id": "sku_1", "quantity": 1, "prize": 1}])': (
            lambda: build(
                lambda: models.CheckoutCreate(
                    items=[{"sku_id": "sku_1", "quantity": 1, "prize": 1}]  # type: ignore[list-item]
                )
            )
        ),
        "models.CheckoutSessionCreate(amount=12.99)": lambda: build(
            lambda: models.CheckoutSessionCreate(amount=12.99)  # type: ignore[arg-type]
        ),
        "No bearer_auth= and no TILLPOINT_BEARER_AUTH": lambda: funcs.checkouts_get(
            no_token, checkout_id
        ),
        "TillpointCore(client=client) after await client.aclose()": through_a_closed_client,
        "checkouts_get(core, checkout_id, timeout_ms=0)": lambda: funcs.checkouts_get(
            core, checkout_id, timeout_ms=0
        ),
        'checkouts_get(core, checkout_id, http_headers={"X-Note": "a\\r\\nb"})': (
            lambda: funcs.checkouts_get(core, checkout_id, http_headers={"X-Note": "a\r\nb"})
        ),
        'checkouts_delete(core, checkout_id, idempotency_key="clé-1")': (
            lambda: funcs.checkouts_delete(core, checkout_id, idempotency_key="clé-1")
        ),
        'checkouts_get(core, "chk_\\udc80")': lambda: funcs.checkouts_get(core, "chk_\udc80"),
    }


def test_every_documented_mistake_has_a_test_and_every_test_a_row() -> None:
    scenario_names = set(scenarios(TillpointCore(bearer_auth=TOKEN)))
    assert scenario_names == set(documented_mistakes())


@pytest.mark.anyio
@pytest.mark.parametrize("mistake", sorted(documented_mistakes()))
async def test_a_documented_mistake_gets_its_documented_message_and_sends_nothing(
    mistake: str,
    core: TillpointCore,
    mock_api: respx.MockRouter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TILLPOINT_BEARER_AUTH", raising=False)
    anything = mock_api.route().respond(204)
    kind, message = documented_mistakes()[mistake]

    outcome = await outcome_of(scenarios(core)[mistake])

    if kind == "TypeError":
        assert isinstance(outcome, TypeError)
        assert str(outcome) == message
    else:
        assert kind == "Err(InvalidRequestError)"
        assert isinstance(outcome, Err)
        assert isinstance(outcome.error, errors.InvalidRequestError)
        assert str(outcome.error) == message
        assert outcome.error.parameter is not None and outcome.error.parameter in message
    assert anything.call_count == 0


# --- unknown keywords, everywhere ----------------------------------------------------

CHECKOUT_ID, SOURCE_ID, SESSION_ID = "chk_1", "src_1", "ses_1"
BODIES: dict[str, object] = {
    "checkouts_create": models.CheckoutCreate(currency="USD"),
    "checkouts_update": models.CheckoutUpdate(email="a@example.com"),
    "sessions_update": models.CheckoutSessionCreate(amount=1299),
}
ARGUMENTS: dict[str, tuple[object, ...]] = {
    "checkouts_list": (),
    "checkouts_create": (BODIES["checkouts_create"],),
    "checkouts_get": (CHECKOUT_ID,),
    "checkouts_update": (CHECKOUT_ID, BODIES["checkouts_update"]),
    "checkouts_delete": (CHECKOUT_ID,),
    "checkouts_attach_source": (CHECKOUT_ID, SOURCE_ID),
    "checkouts_detach_source": (CHECKOUT_ID, SOURCE_ID),
    "sessions_create": (),
    "sessions_get": (SESSION_ID,),
    "sessions_update": (SESSION_ID, BODIES["sessions_update"]),
    "sessions_delete": (SESSION_ID,),
}


def test_the_argument_table_covers_every_function() -> None:
    assert set(ARGUMENTS) == set(funcs.__all__)


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(ARGUMENTS))
async def test_every_function_refuses_an_unknown_keyword_and_suggests_the_close_one(
    name: str, core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    anything = mock_api.route().respond(204)
    function = getattr(funcs, name)

    with pytest.raises(TypeError) as raised:
        await function(core, *ARGUMENTS[name], timeout=5)

    assert str(raised.value) == (
        f"{name}() got an unexpected keyword argument 'timeout'; did you mean 'timeout_ms'?"
    )
    assert anything.call_count == 0


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_every_sync_function_refuses_an_unknown_keyword(
    name: str, mock_api: respx.MockRouter
) -> None:
    anything = mock_api.route().respond(204)
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL)

    with pytest.raises(TypeError, match=f"{name}.*'retry'; did you mean 'retries'"):
        getattr(tillpoint.sync, name)(core, *ARGUMENTS[name], retry=None)

    assert anything.call_count == 0


@pytest.mark.anyio
async def test_an_option_of_another_kind_of_call_is_unknown_there(core: TillpointCore) -> None:
    # Only writes to Digital River take an idempotency key; only Gr4vy takes a merchant.
    with pytest.raises(TypeError, match=r"checkouts_get.*'idempotency_key'"):
        await funcs.checkouts_get(core, CHECKOUT_ID, idempotency_key="k")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"sessions_delete.*'idempotency_key'"):
        await funcs.sessions_delete(core, SESSION_ID, idempotency_key="k")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"checkouts_get.*'merchant_account_id'"):
        await funcs.checkouts_get(core, CHECKOUT_ID, merchant_account_id="m")  # type: ignore[call-arg]


def test_a_keyword_like_no_other_lists_what_is_accepted() -> None:
    with pytest.raises(TypeError) as raised:
        TillpointCore(xyzzy=1)  # type: ignore[call-arg]

    message = str(raised.value)
    assert message.startswith("TillpointCore() got an unexpected keyword argument 'xyzzy'; ")
    assert "bearer_auth, client," in message and "did you mean" not in message


def test_constructors_and_with_options_suggest_the_close_keyword() -> None:
    core = TillpointCore(bearer_auth=TOKEN)
    with pytest.raises(TypeError, match=r"^TillpointCore\(\).*'sever_url'.*'server_url'\?$"):
        TillpointCore(sever_url="https://x.test")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^TillpointCore.with_options\(\).*'hook'.*'hooks'\?$"):
        core.with_options(hook=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^Tillpoint\(\).*'cor'.*'core'\?$"):
        Tillpoint(cor=core)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^Tillpoint\(\).*'bearer_aut'.*'bearer_auth'\?$"):
        tillpoint.sync.Tillpoint(bearer_aut=TOKEN)  # type: ignore[call-arg]


def test_the_facade_list_refuses_at_the_call_not_at_the_first_page() -> None:
    tp = Tillpoint(bearer_auth=TOKEN)
    with pytest.raises(TypeError, match="'limt'; did you mean 'limit'"):
        tp.checkouts.list(limt=5)  # type: ignore[call-arg]
    with (
        tillpoint.sync.Tillpoint(bearer_auth=TOKEN) as sync_tp,
        pytest.raises(TypeError, match="'limt'; did you mean 'limit'"),
    ):
        sync_tp.checkouts.list(limt=5)  # type: ignore[call-arg]


def test_the_list_keywords_mypy_sees_are_the_ones_the_operation_takes() -> None:
    # CheckoutsListParameters types both checkouts_list and tp.checkouts.list.
    assert keywords_of(CheckoutsListParameters) == LIST_OPERATION._keywords
    assert set(LIST_OPERATION.query) <= keywords_of(CheckoutsListParameters)


@pytest.mark.anyio
async def test_list_filters_and_options_still_reach_the_wire(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("/checkouts").respond(200, json={"data": [], "hasMore": False})

    result = await funcs.checkouts_list(
        core, limit=5, currency="USD", http_headers={"X-Trace": "t1"}
    )

    assert isinstance(result, Ok)
    request = route.calls.last.request
    assert request.url.params.multi_items() == [("limit", "5"), ("currency", "USD")]
    assert request.headers["x-trace"] == "t1"


# --- per-call values that cannot be sent ---------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"timeout_ms": 0}, "timeout_ms"),
        ({"timeout_ms": -5}, "timeout_ms"),
        ({"timeout_ms": True}, "timeout_ms"),
        ({"timeout_ms": 2.5}, "timeout_ms"),
        ({"http_headers": [("X-A", "1")]}, "http_headers"),
        ({"http_headers": {"X A": "1"}}, "http_headers"),
        ({"http_headers": {"X-A": 1}}, "http_headers"),
        ({"http_headers": {"X-A": "ü"}}, "http_headers"),
        ({"http_headers": {"X-A": " padded"}}, "http_headers"),
        ({"retries": 3}, "retries"),
    ],
)
async def test_an_option_that_cannot_be_honoured_is_refused_before_sending(
    options: dict[str, Any], parameter: str, core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    anything = mock_api.route().respond(204)

    result = await funcs.checkouts_delete(core, CHECKOUT_ID, **options)

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == parameter
    assert parameter in str(result.error)
    assert anything.call_count == 0


@pytest.mark.anyio
async def test_a_positive_timeout_and_an_empty_header_value_are_fine(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    route = mock_api.delete(f"/checkouts/{CHECKOUT_ID}").respond(204)

    result = await funcs.checkouts_delete(
        core, CHECKOUT_ID, timeout_ms=1, http_headers={"X-Empty": ""}
    )

    assert isinstance(result, Ok)
    assert route.calls.last.request.headers["x-empty"] == ""


# --- credentials and the caller's client ---------------------------------------------


@pytest.mark.anyio
async def test_credentials_tillpoint_does_not_hold_still_let_the_call_out(
    mock_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TILLPOINT_BEARER_AUTH", raising=False)
    route = mock_api.delete(f"/checkouts/{CHECKOUT_ID}").respond(204)

    def sign(request: httpx.Request) -> None:
        request.headers["Authorization"] = "Signature abc"

    signed = TillpointCore(server_url=BASE_URL, hooks=Hooks(before_request=sign))
    bare = TillpointCore(server_url=BASE_URL)
    by_hook = await funcs.checkouts_delete(signed, CHECKOUT_ID)
    by_header = await funcs.checkouts_delete(
        bare, CHECKOUT_ID, http_headers={"authorization": "Basic eDp5"}
    )
    with_callable = TillpointCore(server_url=BASE_URL, bearer_auth=lambda: TOKEN)
    by_callable = await funcs.checkouts_delete(with_callable, CHECKOUT_ID)

    assert isinstance(by_hook, Ok) and isinstance(by_header, Ok) and isinstance(by_callable, Ok)
    sent = [call.request.headers["authorization"] for call in route.calls]
    assert sent == ["Signature abc", "Basic eDp5", f"Bearer {TOKEN}"]


def test_a_closed_sync_client_is_an_err_too(mock_api: respx.MockRouter) -> None:
    anything = mock_api.route().respond(204)
    client = httpx.Client()
    client.close()
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL, client=client)

    result = tillpoint.sync.checkouts_delete(core, CHECKOUT_ID)

    assert isinstance(result, Err) and isinstance(result.error, errors.InvalidRequestError)
    assert result.error.parameter == "client"
    assert "httpx.Client passed as client= is closed" in str(result.error)
    assert anything.call_count == 0


def test_a_closed_async_client_does_not_concern_sync_calls(mock_api: respx.MockRouter) -> None:
    # The caller's AsyncClient is for async calls; sync calls use tillpoint's own.
    route = mock_api.delete(f"/checkouts/{CHECKOUT_ID}").respond(204)
    client = httpx.AsyncClient()
    anyio.run(client.aclose)
    with tillpoint.sync.Tillpoint(bearer_auth=TOKEN, server_url=BASE_URL, client=client) as tp:
        tp.checkouts.delete(CHECKOUT_ID)
    assert route.call_count == 1


# --- any text: sent as it is, or refused ----------------------------------------------

SURROGATE = st.characters(categories=["Cs"])
ANY_TEXT = st.text(max_size=20) | st.builds(
    lambda before, surrogate, after: before + surrogate + after,
    st.text(max_size=8),
    SURROGATE,
    st.text(max_size=8),
)
"""Any text, a lone surrogate included about half the time."""


def _delete(checkout_id: str, **options: Any) -> Ok[Any] | Err[Any]:
    core = TillpointCore(bearer_auth=TOKEN, server_url=BASE_URL)
    try:
        return tillpoint.sync.checkouts_delete(core, checkout_id, **options)
    finally:
        core.close()


@pytest.mark.parametrize(
    ("parameter", "header"), [("http_headers", "x-note"), ("idempotency_key", "idempotency-key")]
)
@given(value=ANY_TEXT)
def test_a_header_value_is_sent_as_it_is_or_refused(
    parameter: str, header: str, value: str
) -> None:
    option = {"X-Note": value} if parameter == "http_headers" else value
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        route = router.delete(f"/checkouts/{CHECKOUT_ID}").respond(204)
        result = _delete(CHECKOUT_ID, **{parameter: option})
    if isinstance(result, Ok):
        assert route.calls.last.request.headers[header] == value
    else:
        assert isinstance(result.error, errors.InvalidRequestError), result.error
        assert result.error.parameter == parameter
        assert route.call_count == 0


@given(checkout_id=ANY_TEXT)
def test_an_id_is_sent_as_one_path_segment_or_refused(checkout_id: str) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.delete(url__startswith=f"{BASE_URL}/checkouts/").respond(204)
        result = _delete(checkout_id)
    if isinstance(result, Ok):
        raw_path = route.calls.last.request.url.raw_path.decode("ascii")
        segment = re.fullmatch(r"/checkouts/([^/?#]+)", raw_path)
        assert segment is not None, raw_path
        assert urllib.parse.unquote(segment.group(1), errors="strict") == checkout_id
    else:
        assert isinstance(result.error, errors.InvalidRequestError), result.error
        assert result.error.parameter == "checkout_id"
        assert route.call_count == 0


def test_money_copied_exactly_is_accepted() -> None:
    # The fix the table shows works: the refusals above are about the type, not the value.
    item = models.Item(sku_id="sku_1", quantity=1, price=Decimal("0.30"))
    assert item.price == Decimal("0.30")
