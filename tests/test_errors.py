"""Every status maps to its class; every error keeps what a support ticket needs."""

from __future__ import annotations

import pickle

import httpx
import pytest
import respx

from tillpoint import Err, Ok, RetryConfig, TillpointCore, errors
from tillpoint.funcs import checkouts_delete, checkouts_get, checkouts_list
from tillpoint.models import DigitalRiverErrorBody

from .conftest import TOKEN

pytestmark = pytest.mark.anyio

NO_RETRY = RetryConfig.none()

DR_BODY = {
    "type": "bad_request",
    "errors": [
        {
            "code": "invalid_parameter",
            "parameter": "currency",
            "message": "'YEM' is not a valid currency.",
        }
    ],
}


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.Error400),
        (401, errors.Error401),
        (403, errors.Error403),
        (404, errors.Error404),
        (405, errors.Error405),
        (406, errors.Error406),
        (408, errors.Error408),
        (409, errors.Error409),
        (422, errors.HTTPValidationError),
        (425, errors.Error425),
        (429, errors.Error429),
        (500, errors.Error500),
        (502, errors.Error502),
        (503, errors.Error503),
        (504, errors.Error504),
        (418, errors.SDKError),
        (507, errors.SDKError),
    ],
)
def test_status_classes(status: int, cls: type[errors.APIError]) -> None:
    assert errors.error_class_for_status(status) is cls
    assert issubclass(cls, errors.APIError)
    assert issubclass(cls, errors.TillpointError)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.Error400),
        (401, errors.Error401),
        (403, errors.Error403),
        (404, errors.Error404),
        (405, errors.Error405),
        (409, errors.Error409),
        (429, errors.Error429),
        (500, errors.Error500),
        (502, errors.Error502),
        (503, errors.Error503),
        (504, errors.Error504),
        (406, errors.Error406),
        (408, errors.Error408),
        (422, errors.SDKError),  # not declared by Digital River: the catch-all
        (451, errors.SDKError),
        (599, errors.SDKError),
    ],
)
async def test_each_status_returns_its_class_with_the_parsed_body(
    mock_api: respx.MockRouter, status: int, cls: type[errors.APIError]
) -> None:
    mock_api.delete("/checkouts/abc").respond(
        status, json=DR_BODY, headers={"x-dr-requestid": "rq-9"}
    )
    async with TillpointCore(bearer_auth=TOKEN, retry_config=NO_RETRY) as core:
        result = await checkouts_delete(core, "abc")

    assert isinstance(result, Err)
    error = result.error
    assert type(error) is cls
    assert isinstance(error, errors.APIError)
    assert error.status_code == status
    assert error.request_id == "rq-9" == result.request_id
    assert error.raw_response is result.response
    assert error.headers["x-dr-requestid"] == "rq-9"
    assert isinstance(error.data, DigitalRiverErrorBody)
    assert error.data.type == "bad_request"
    assert error.data.codes == ["invalid_parameter"]
    assert error.data.errors and error.data.errors[0].parameter == "currency"
    text = str(error)
    assert str(status) in text
    assert "DELETE /checkouts/abc" in text
    assert "'YEM' is not a valid currency." in text
    assert "rq-9" in text


async def test_documented_401_without_code_or_parameter(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/abc").respond(
        401,
        json={
            "type": "unauthorized",
            "errors": [{"message": "An authorization error has occurred."}],
        },
    )

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err) and isinstance(result.error, errors.Error401)
    assert result.error.server_message == "An authorization error has occurred."


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "text/html"),
        (b"", "application/json"),
        (b'{"type": "bad_gateway", "errors": ', "application/json"),  # cut short
        (b'["not", "an", "object"]', "application/json"),
        (b'{"unexpected": true}', "application/json"),
        (b'{"type": "x", "errors": "not a list"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
    ],
)
async def test_malformed_error_bodies_keep_the_class_and_raw_body(
    core: TillpointCore, mock_api: respx.MockRouter, content: bytes, content_type: str
) -> None:
    mock_api.get("/checkouts/abc").respond(
        400, content=content, headers={"content-type": content_type}
    )

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err)
    assert type(result.error) is errors.Error400
    assert result.error.data is None
    assert result.error.body == content.decode("utf-8", "replace")
    assert str(result.error).startswith("400 Bad Request on GET /checkouts/abc")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"<html>oops</html>", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"id": 42}', "id"),
        (b'{"items": {"not": "a list"}}', "items"),
        (b"[]", "Checkout"),
    ],
)
async def test_a_success_body_that_is_not_the_model_is_a_response_validation_error(
    core: TillpointCore, mock_api: respx.MockRouter, content: bytes, fragment: str
) -> None:
    mock_api.get("/checkouts/abc").respond(200, content=content, headers={"x-dr-requestid": "r1"})

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err)
    assert isinstance(result.error, errors.ResponseValidationError)
    assert fragment in str(result.error)
    assert result.error.status_code == 200
    assert result.error.body == content.decode()
    assert result.error.request_id == "r1"


async def test_a_redirect_is_not_followed_and_is_an_sdk_error(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/abc").respond(302, headers={"location": "https://elsewhere.example/"})

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err) and type(result.error) is errors.SDKError
    assert result.error.status_code == 302


async def test_transport_failures_become_connection_errors_with_the_cause(
    mock_api: respx.MockRouter,
) -> None:
    mock_api.get("/checkouts/a").mock(side_effect=httpx.ConnectError("refused"))
    mock_api.get("/checkouts/b").mock(side_effect=httpx.ReadTimeout("slow"))
    mock_api.get("/checkouts/c").mock(side_effect=httpx.RemoteProtocolError("reset"))
    async with TillpointCore(bearer_auth=TOKEN, retry_config=NO_RETRY) as core:
        refused = await checkouts_get(core, "a")
        slow = await checkouts_get(core, "b")
        reset = await checkouts_get(core, "c")

    assert isinstance(refused, Err) and type(refused.error) is errors.APIConnectionError
    assert isinstance(refused.error.__cause__, httpx.ConnectError)
    assert isinstance(slow, Err) and type(slow.error) is errors.APITimeoutError
    assert isinstance(slow.error.__cause__, httpx.ReadTimeout)
    assert "read timeout" in str(slow.error)
    assert isinstance(reset, Err) and type(reset.error) is errors.APIConnectionError
    assert "GET /checkouts/c" in str(reset.error)
    assert refused.response is None


async def test_the_token_is_redacted_from_an_echoed_error_body(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/abc").respond(401, text=f"bad token {TOKEN}")

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err)
    assert TOKEN not in result.error.body  # type: ignore[union-attr]
    assert TOKEN not in str(result.error) and TOKEN not in repr(result.error)
    assert "[REDACTED]" in result.error.body  # type: ignore[union-attr]


async def test_errors_pickle_without_the_response(
    core: TillpointCore, mock_api: respx.MockRouter
) -> None:
    mock_api.get("/checkouts/abc").respond(404, json=DR_BODY, headers={"x-dr-requestid": "r2"})

    result = await checkouts_get(core, "abc")

    assert isinstance(result, Err)
    clone = pickle.loads(pickle.dumps(result.error))
    assert type(clone) is errors.Error404
    assert str(clone) == str(result.error)
    assert clone.request_id == "r2" and clone.raw_response is None


async def test_results_match_and_unwrap(core: TillpointCore, mock_api: respx.MockRouter) -> None:
    mock_api.get("/checkouts").respond(200, json={"hasMore": False, "data": []})
    mock_api.get("/checkouts/gone").respond(404, json=DR_BODY)

    ok = await checkouts_list(core)
    err = await checkouts_get(core, "gone")

    match ok:
        case Ok(value=page):
            assert page.has_more is False
        case _:
            pytest.fail("expected Ok")
    match err:
        case Err(error=errors.Error404() as e):
            assert e.status_code == 404
        case _:
            pytest.fail("expected Err(Error404)")
    assert ok.ok is True and err.ok is False
    assert ok.unwrap().data == []
    with pytest.raises(errors.Error404):
        err.unwrap()
