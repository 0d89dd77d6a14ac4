"""Failures httpx raises as exceptions reach the caller as tillpoint's error values.

A body not in the coding it declares (one coding, or stacked ones such as ``gzip,
gzip``, which tillpoint inflates stage by stage within its limit) and a caller's
client closed while a call is retrying. Each on
the async functions and on ``tillpoint.sync``. ``httpx.MockTransport`` serves the
bodies as sent (respx would decode them itself before tillpoint sees them).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tillpoint.sync
from tillpoint import Err, TillpointCore, errors
from tillpoint._inflate import inflater_for
from tillpoint.funcs import checkouts_get

from .conftest import BASE_URL, FAST_RETRIES, TOKEN

CODINGS = ["gzip", "deflate", "gzip, gzip", "deflate, gzip"]
Handler = Callable[[httpx.Request], httpx.Response]


def corrupt(coding: str) -> Handler:
    """A 200 whose body is not in the ``Content-Encoding`` it declares."""
    return lambda request: httpx.Response(
        200, stream=httpx.ByteStream(b"not compressed at all"), headers={"content-encoding": coding}
    )


def core_on(client: httpx.Client | httpx.AsyncClient) -> TillpointCore:
    return TillpointCore(
        bearer_auth=TOKEN, server_url=BASE_URL, client=client, retry_config=FAST_RETRIES
    )


def assert_undecodable(result: object, coding: str) -> None:
    assert isinstance(result, Err), result
    assert type(result.error) is errors.ResponseValidationError
    assert f"not valid {coding}" in str(result.error)
    assert result.error.status_code == 200


def assert_closed(result: object, sent: list[str]) -> None:
    assert isinstance(result, Err), result
    assert type(result.error) is errors.InvalidRequestError
    assert "passed as client= is closed" in str(result.error)
    assert result.error.parameter == "client"
    assert sent == ["/checkouts/c1"]  # the retry was never sent


@pytest.mark.anyio
@pytest.mark.parametrize("coding", CODINGS)
async def test_a_corrupt_coded_body_is_a_response_validation_error(coding: str) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(corrupt(coding))) as client:
        assert_undecodable(await checkouts_get(core_on(client), "c1"), coding)


@pytest.mark.parametrize("coding", CODINGS)
def test_a_corrupt_coded_body_is_a_response_validation_error_sync(coding: str) -> None:
    with httpx.Client(transport=httpx.MockTransport(corrupt(coding))) as client:
        assert_undecodable(tillpoint.sync.checkouts_get(core_on(client), "c1"), coding)


@pytest.mark.anyio
async def test_a_client_closed_between_retries_is_an_invalid_request_error() -> None:
    sent: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        await client.aclose()
        return httpx.Response(503, headers={"retry-after": "0"})

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    assert_closed(await checkouts_get(core_on(client), "c1"), sent)


def test_a_client_closed_between_retries_is_an_invalid_request_error_sync() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        client.close()
        return httpx.Response(503, headers={"retry-after": "0"})

    client = httpx.Client(transport=httpx.MockTransport(answer))
    assert_closed(tillpoint.sync.checkouts_get(core_on(client), "c1"), sent)


@given(body=st.binary(max_size=4_000), piece=st.integers(1, 64))
def test_stacked_codings_are_undone_last_first(body: bytes, piece: int) -> None:
    sent = gzip.compress(zlib.compress(body))  # Content-Encoding: deflate, gzip
    inflater = inflater_for("deflate, gzip")
    assert inflater is not None
    out = b"".join(
        inflater.decompress(sent[n : n + piece], 10_000) for n in range(0, len(sent), piece)
    )
    assert out + inflater.flush() == body


def test_a_stacked_gzip_bomb_is_bounded_at_every_stage() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * 20_000_000))  # a few hundred bytes
    inflater = inflater_for("gzip, gzip")
    assert inflater is not None
    assert len(inflater.decompress(bomb, 1_000)) == 1_001  # "more than the room", no more
