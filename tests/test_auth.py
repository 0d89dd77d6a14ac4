"""Gr4vy-style token authentication: what is signed, how often, and what never leaks."""

from __future__ import annotations

import asyncio
import base64
import enum
import hashlib
import json
import logging
import math
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import jwt
import pytest
import respx
import trio
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st
from jwt.algorithms import ECAlgorithm

import tillpoint
from tillpoint import Err, Ok, TillpointCore, _transport, errors
from tillpoint.auth import (
    MAX_REFRESH_MARGIN,
    InvalidPrivateKeyError,
    MissingExtraError,
    TokenAuth,
    with_token,
)
from tillpoint.funcs import checkouts_get

from .conftest import BASE_URL, FAST_RETRIES

KEY = ec.generate_private_key(ec.SECP521R1())
PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
PUBLIC_KEY = KEY.public_key()
CHECKOUT = {"id": "c1", "currency": "USD"}


def pem_of(key: Any, fmt: serialization.PrivateFormat = serialization.PrivateFormat.PKCS8) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def secret_fragments(pem: str) -> list[str]:
    """Every base64 line of a PEM: none may show up in a message, repr or log line."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The claims of every token PyJWT is asked to sign."""
    signed: list[dict[str, Any]] = []
    real_encode = jwt.encode

    def counting_encode(payload: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        signed.append(dict(payload))
        return real_encode(payload, *args, **kwargs)

    monkeypatch.setattr(jwt, "encode", counting_encode)
    return signed


def thumbprint_from_jwk(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638, computed from PyJWT's own JWK export rather than tillpoint's code."""
    jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    required = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


# --- what is signed ---


def test_token_verifies_with_the_public_key_and_carries_gr4vy_claims() -> None:
    clock = Clock(math.floor(time.time()) + 0.75)
    auth = with_token(PEM, expires_in=900, clock=clock)

    token = auth()
    claims = jwt.decode(token, PUBLIC_KEY, algorithms=["ES512"])
    header = jwt.get_unverified_header(token)

    iat = math.floor(clock.now)
    assert claims["scopes"] == ["*.read", "*.write"]
    assert (claims["iat"], claims["nbf"], claims["exp"]) == (iat, iat, iat + 900)
    assert claims["iss"] == f"tillpoint/{tillpoint.__version__}"
    assert uuid.UUID(claims["jti"]).version == 4
    assert set(claims) == {"scopes", "iat", "nbf", "exp", "iss", "jti"}
    assert header["alg"] == "ES512"
    assert header["kid"] == auth.kid == thumbprint_from_jwk(PUBLIC_KEY)


def test_signature_is_raw_ecdsa_p521_sha512() -> None:
    # Checked without PyJWT: JWS ES512 is r || s, 66 bytes each, over "header.payload".
    token = with_token(PEM)()
    signing_input, _, signature_b64 = token.rpartition(".")
    signature = base64.urlsafe_b64decode(signature_b64 + "=" * (-len(signature_b64) % 4))
    assert len(signature) == 132
    r, s = int.from_bytes(signature[:66], "big"), int.from_bytes(signature[66:], "big")
    PUBLIC_KEY.verify(encode_dss_signature(r, s), signing_input.encode(), ec.ECDSA(hashes.SHA512()))


def test_kid_is_the_rfc7638_thumbprint_whatever_the_coordinates() -> None:
    # A P-521 coordinate's top byte is zero half the time: the JWK must keep it padded.
    keys = [ec.generate_private_key(ec.SECP521R1()) for _ in range(12)]
    short = [k for k in keys if k.public_key().public_numbers().x.bit_length() <= 65 * 8]
    assert short, "expected at least one key with a short x coordinate among 12"

    for key in keys:
        auth = with_token(key)
        assert auth.kid == thumbprint_from_jwk(key.public_key())
        assert jwt.get_unverified_header(auth())["kid"] == auth.kid


def test_optional_claims_issuer_session_and_embed() -> None:
    auth = with_token(
        PEM,
        scopes=["embed"],
        checkout_session_id="4137b1cf-39ac-42a8-bad6-1c680d5dab6b",
        embed_params={"amount": 1299, "currency": "USD", "buyer_external_identifier": "b-1"},
        issuer="acme-backend",
    )

    claims = jwt.decode(auth(), PUBLIC_KEY, algorithms=["ES512"])

    assert claims["scopes"] == ["embed"]
    assert claims["iss"] == "acme-backend"
    assert claims["checkout_session_id"] == "4137b1cf-39ac-42a8-bad6-1c680d5dab6b"
    assert claims["embed"] == {
        "amount": 1299,
        "currency": "USD",
        "buyer_external_identifier": "b-1",
    }


class Scope(str, enum.Enum):
    """Like gr4vy's JWTScope: a str enum whose value is the scope name."""

    CHECKOUT_SESSIONS_READ = "checkout-sessions.read"
    CHECKOUT_SESSIONS_WRITE = "checkout-sessions.write"


def test_scopes_accept_str_enums_and_drop_repeats() -> None:
    auth = with_token(
        PEM,
        scopes=(
            Scope.CHECKOUT_SESSIONS_READ,
            "checkout-sessions.write",
            Scope.CHECKOUT_SESSIONS_READ,
        ),
    )

    assert auth.scopes == ("checkout-sessions.read", "checkout-sessions.write")
    claims = jwt.decode(auth(), PUBLIC_KEY, algorithms=["ES512"])
    assert claims["scopes"] == ["checkout-sessions.read", "checkout-sessions.write"]


# --- which keys are accepted ---


def _encrypted_pem() -> tuple[str, str]:
    encryption = serialization.BestAvailableEncryption(b"hunter22")
    pem = KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()
    return pem, "hunter22"


@pytest.mark.parametrize(
    ("private_key", "password"),
    [
        pytest.param(PEM, None, id="pkcs8-str"),
        pytest.param(PEM.encode(), None, id="pkcs8-bytes"),
        pytest.param(pem_of(KEY, serialization.PrivateFormat.TraditionalOpenSSL), None, id="sec1"),
        pytest.param("\n        " + PEM.replace("\n", "\n        "), None, id="indented"),
        pytest.param(PEM.replace("\n", "\r\n"), None, id="crlf"),
        pytest.param(PEM.replace("\n", "\\n"), None, id="escaped-newlines-from-env"),
        pytest.param(KEY, None, id="loaded-key"),
        pytest.param(*_encrypted_pem(), id="encrypted-with-password"),
    ],
)
def test_every_form_of_the_same_key_signs_the_same_kid(private_key: Any, password: Any) -> None:
    auth = with_token(private_key, password=password)

    assert auth.kid == thumbprint_from_jwk(PUBLIC_KEY)
    jwt.decode(auth(), PUBLIC_KEY, algorithms=["ES512"])


RSA_PEM = pem_of(rsa.generate_private_key(public_exponent=65537, key_size=1024))
P256_PEM = pem_of(ec.generate_private_key(ec.SECP256R1()))
ED25519_PEM = pem_of(ed25519.Ed25519PrivateKey.generate())
PUBLIC_PEM = PUBLIC_KEY.public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
).decode()
TRUNCATED_PEM = "\n".join(PEM.splitlines()[:3] + PEM.splitlines()[-1:])


@pytest.mark.parametrize(
    ("private_key", "password", "reason"),
    [
        pytest.param(
            "not a key: s3cr3t-garbage-material", None, "not a readable PEM", id="garbage"
        ),
        pytest.param(b"\x00\x01binary-s3cr3t", None, "not a readable PEM", id="binary"),
        pytest.param("", None, "not a readable PEM", id="empty"),
        pytest.param(TRUNCATED_PEM, None, "not a readable PEM", id="truncated"),
        pytest.param(PUBLIC_PEM, None, "not a readable PEM", id="public-key"),
        pytest.param(RSA_PEM, None, "not a RSAPrivateKey", id="rsa"),
        pytest.param(ED25519_PEM, None, "not a Ed25519PrivateKey", id="ed25519"),
        pytest.param(P256_PEM, None, "not secp256r1", id="p256"),
        pytest.param(_encrypted_pem()[0], None, "encrypted: pass password=", id="no-password"),
        pytest.param(_encrypted_pem()[0], "wrong", "password is wrong", id="wrong-password"),
        pytest.param(PEM, "unneeded", "not encrypted", id="needless-password"),
        pytest.param(12345, None, "not int", id="wrong-type"),
    ],
)
def test_an_unusable_key_fails_at_construction_without_echoing_it(
    private_key: Any, password: Any, reason: str
) -> None:
    with pytest.raises(InvalidPrivateKeyError) as caught:
        with_token(private_key, password=password)

    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, errors.TillpointError)
    assert reason in str(error)
    shown = f"{error!s} {error!r} {error.args!r}"
    material = private_key if isinstance(private_key, str) else repr(private_key)
    for fragment in [*secret_fragments(material), "s3cr3t"]:
        assert fragment not in shown
    # Nothing that could print the key rides along on the traceback either.
    assert error.__suppress_context__ or error.__context__ is None


# --- caching and refresh ---


def test_many_calls_sign_once_until_the_token_nears_expiry(
    signatures: list[dict[str, Any]],
) -> None:
    clock = Clock(1_700_000_000.0)
    auth = with_token(PEM, expires_in=3600, clock=clock)

    first = {auth() for _ in range(50)}
    clock.now += 3600 - MAX_REFRESH_MARGIN - 0.001  # the last moment it is still served
    first.add(auth())
    assert len(first) == 1
    assert len(signatures) == 1

    clock.now += 0.001  # 60 s left: re-sign now, while the old token still has time
    second = auth()
    assert second not in first
    assert len(signatures) == 2
    assert signatures[1]["iat"] == math.floor(clock.now)
    assert signatures[1]["jti"] != signatures[0]["jti"]
    assert {auth() for _ in range(10)} == {second}
    assert len(signatures) == 2


def test_short_lived_tokens_refresh_at_ninety_percent(signatures: list[dict[str, Any]]) -> None:
    clock = Clock(1_700_000_000.0)
    auth = with_token(PEM, expires_in=30, clock=clock)

    auth()
    clock.now += 26.9
    auth()
    assert len(signatures) == 1
    clock.now += 0.1
    auth()
    assert len(signatures) == 2


def test_an_expired_token_is_never_served(signatures: list[dict[str, Any]]) -> None:
    clock = Clock(1_700_000_000.0)
    auth = with_token(PEM, expires_in=120, clock=clock)
    auth()

    clock.now += 10_000
    claims = jwt.decode(
        auth(), PUBLIC_KEY, algorithms=["ES512"], options={"verify_exp": False, "verify_iat": False}
    )

    assert claims["exp"] > clock.now
    assert len(signatures) == 2


def test_a_clock_that_jumps_back_gets_a_fresh_token(signatures: list[dict[str, Any]]) -> None:
    clock = Clock(1_700_000_000.0)
    auth = with_token(PEM, clock=clock)
    auth()

    clock.now -= 600  # NTP step: the cached token's iat/nbf now lie in the future
    auth()

    assert len(signatures) == 2
    assert signatures[1]["nbf"] <= clock.now


@settings(max_examples=60, deadline=None)
@given(
    expires_in=st.integers(min_value=1, max_value=10**7),
    elapsed=st.floats(min_value=0, max_value=2.0),
    start=st.floats(min_value=1e9, max_value=4e9),
)
def test_refresh_happens_exactly_when_the_margin_is_reached(
    expires_in: int, elapsed: float, start: float
) -> None:
    clock = Clock(start)
    with pytest.MonkeyPatch.context() as patch:
        signed: list[dict[str, Any]] = []
        real_encode = jwt.encode
        patch.setattr(
            jwt, "encode", lambda p, *a, **k: signed.append(dict(p)) or real_encode(p, *a, **k)
        )
        auth = with_token(PEM, expires_in=expires_in, clock=clock)
        first = auth()
        clock.now += elapsed * expires_in
        second = auth()

    iat = math.floor(start)
    assert signed[0]["exp"] - signed[0]["iat"] == expires_in
    still_fresh = clock.now < iat + expires_in - min(MAX_REFRESH_MARGIN, expires_in / 10)
    assert (second == first) is still_fresh
    assert len(signed) == (1 if still_fresh else 2)
    # Whatever is served has at least the margin left: never an expired token.
    assert signed[-1]["exp"] > clock.now


# --- concurrency and event loops ---


@pytest.fixture
def slow_signing(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Signing that takes long enough for every concurrent caller to pile up behind it."""
    signed: list[dict[str, Any]] = []
    real_encode = jwt.encode

    def slow_encode(payload: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        signed.append(dict(payload))
        time.sleep(0.02)
        return real_encode(payload, *args, **kwargs)

    monkeypatch.setattr(jwt, "encode", slow_encode)
    return signed


@pytest.mark.anyio
async def test_concurrent_first_calls_sign_once(slow_signing: list[dict[str, Any]]) -> None:
    auth = with_token(PEM)
    tokens: list[str] = []

    async def in_the_loop() -> None:
        await anyio.lowlevel.checkpoint()
        tokens.append(await _transport.resolve_token(auth) or "")

    async def in_a_worker_thread() -> None:
        tokens.append(await anyio.to_thread.run_sync(auth))

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(in_a_worker_thread)
            tg.start_soon(in_the_loop)

    assert len(tokens) == 20
    assert len(set(tokens)) == 1
    assert len(slow_signing) == 1


def test_threads_racing_on_an_empty_cache_sign_once(slow_signing: list[dict[str, Any]]) -> None:
    auth = with_token(PEM)
    start = threading.Barrier(8)
    tokens: list[str] = []

    def call() -> None:
        start.wait()
        tokens.append(auth())

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(tokens)) == 1
    assert len(tokens) == 8
    assert len(slow_signing) == 1


def test_a_module_level_core_keeps_signing_across_event_loops(
    signatures: list[dict[str, Any]],
) -> None:
    # A serverless module: the core and its auth outlive each invocation's event loop,
    # and one invocation may have died mid-request.
    clock = Clock()
    auth = with_token(PEM, expires_in=600, clock=clock)
    core = TillpointCore(bearer_auth=auth, server_url=BASE_URL)
    sent: list[str] = []

    async def invocation() -> object:
        return await checkouts_get(core, "c1")

    async def abandoned() -> None:
        in_flight = asyncio.Event()

        async def stuck(request: httpx.Request) -> httpx.Response:
            in_flight.set()
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

        route.mock(side_effect=stuck)
        task = asyncio.ensure_future(checkouts_get(core, "c1"))
        await asyncio.wait_for(in_flight.wait(), 10)  # in flight when the loop goes away
        route.mock(side_effect=record)
        assert not task.done()

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(200, json=CHECKOUT)

    with respx.mock(base_url=BASE_URL) as router:
        route = router.get("/checkouts/c1").mock(side_effect=record)
        results = [asyncio.run(invocation())]
        asyncio.run(abandoned())
        results.append(asyncio.run(invocation()))
        clock.now += 600  # expired between invocations: the next loop signs
        results.append(asyncio.run(invocation()))
        clock.now += 600
        results.append(trio.run(invocation))

    assert all(isinstance(r, Ok) for r in results)
    assert len(signatures) == 3
    assert len(sent) == 4
    assert sent[0] == sent[1] != sent[2] != sent[3]
    assert all(header.startswith("Bearer ey") for header in sent)


# --- on the wire ---


@pytest.mark.anyio
async def test_core_sends_the_jwt_as_a_bearer_token_on_every_attempt(
    mock_api: respx.MockRouter, signatures: list[dict[str, Any]]
) -> None:
    statuses = [503, 502]  # two retryable failures, then success for good

    def respond(request: httpx.Request) -> httpx.Response:
        if statuses:
            return httpx.Response(statuses.pop(0))
        return httpx.Response(200, json=CHECKOUT)

    route = mock_api.get("/checkouts/c1").mock(side_effect=respond)
    auth = with_token(PEM, scopes=["checkout-sessions.read"])

    async with TillpointCore(
        bearer_auth=auth, server_url=BASE_URL, retry_config=FAST_RETRIES
    ) as core:
        first = await checkouts_get(core, "c1")
        second = await checkouts_get(core.with_options(timeout_ms=5_000), "c1")

    assert isinstance(first, Ok)
    assert isinstance(second, Ok)
    headers = [call.request.headers["authorization"] for call in route.calls]
    assert len(headers) == 4  # three attempts, then one
    assert len(set(headers)) == 1
    scheme, token = headers[0].split(" ")
    assert scheme == "Bearer"
    claims = jwt.decode(token, PUBLIC_KEY, algorithms=["ES512"])
    assert claims["scopes"] == ["checkout-sessions.read"]
    assert len(signatures) == 1


@pytest.mark.anyio
async def test_no_key_or_token_in_logs_reprs_or_errors(
    mock_api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    auth = with_token(PEM, expires_in=300, clock=clock)
    token = auth()

    def echo_token(request: httpx.Request) -> httpx.Response:
        # A misbehaving server that reflects the credential back in its error body.
        return httpx.Response(
            401, json={"type": "error", "message": f"bad {request.headers['authorization']}"}
        )

    mock_api.get("/checkouts/ok").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=CHECKOUT)]
    )
    mock_api.get("/checkouts/denied").mock(side_effect=echo_token)
    mock_api.get("/checkouts/down").mock(side_effect=httpx.ConnectError("refused"))

    caplog.set_level(logging.DEBUG, logger="tillpoint")
    async with TillpointCore(
        bearer_auth=auth, server_url=BASE_URL, retry_config=FAST_RETRIES
    ) as core:
        ok = await checkouts_get(core, "ok")  # a retry, then success
        denied = await checkouts_get(core, "denied")
        clock.now += 300  # and a re-sign mid-session
        down = await checkouts_get(core, "down")
        fresh = auth()

    assert isinstance(ok, Ok)
    assert isinstance(denied, Err)
    assert isinstance(denied.error, errors.Error401)
    assert isinstance(down, Err)
    assert fresh != token

    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert "retrying" in logged
    assert "signed a new ES512 token" in logged
    shown = [
        logged,
        repr(auth),
        str(auth),
        repr(core),
        str(denied.error),
        repr(denied.error),
        denied.error.body,
        str(down.error),
        repr(denied),
    ]
    for text in shown:
        for secret in [token, fresh, *secret_fragments(PEM)]:
            assert secret not in text
    assert auth.kid in repr(auth)


# --- arguments ---


@settings(max_examples=80, deadline=None)
@given(scopes=st.lists(st.text(max_size=12), max_size=4))
def test_scopes_are_validated(scopes: list[str]) -> None:
    valid = bool(scopes) and all(s and not any(c.isspace() for c in s) for s in scopes)
    if valid:
        auth = with_token(KEY, scopes=scopes)
        assert auth.scopes == tuple(dict.fromkeys(scopes))
    else:
        with pytest.raises(ValueError, match="scope"):
            with_token(KEY, scopes=scopes)


@settings(max_examples=80, deadline=None)
@given(
    expires_in=st.one_of(
        st.integers(min_value=-(10**6), max_value=10**9),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
    )
)
def test_expires_in_must_be_whole_positive_seconds(expires_in: Any) -> None:
    if isinstance(expires_in, bool):
        with pytest.raises(TypeError, match="expires_in"):
            with_token(KEY, expires_in=expires_in)
    elif math.isfinite(expires_in) and expires_in == int(expires_in) and expires_in >= 1:
        auth = with_token(KEY, expires_in=expires_in)
        assert auth.expires_in == int(expires_in)
        assert isinstance(auth.expires_in, int)
    else:
        with pytest.raises(ValueError, match="expires_in"):
            with_token(KEY, expires_in=expires_in)


@pytest.mark.parametrize(
    ("kwargs", "exception", "message"),
    [
        ({"scopes": "*.read"}, TypeError, r"collection of scope names, e.g. \['\*.read'\]"),
        ({"scopes": [b"*.read"]}, TypeError, "each scope must be a str"),
        ({"expires_in": "3600"}, TypeError, "number of seconds"),
        ({"embed_params": {"amount": 1}}, ValueError, "needs the 'embed' scope"),
        ({"scopes": ["embed"], "embed_params": {"when": object()}}, TypeError, "JSON"),
        ({"scopes": ["embed"], "embed_params": ["amount"]}, TypeError, "mapping"),
        ({"checkout_session_id": ""}, ValueError, "checkout_session_id must not be empty"),
        ({"checkout_session_id": 7}, TypeError, "checkout_session_id must be a str"),
        ({"issuer": " "}, ValueError, "issuer must not be empty"),
    ],
)
def test_bad_arguments_fail_at_construction(
    kwargs: dict[str, Any], exception: type[Exception], message: str
) -> None:
    with pytest.raises(exception, match=message):
        with_token(PEM, **kwargs)


# --- packaging: the extra is optional ---


@pytest.mark.parametrize("module", ["jwt", "cryptography.hazmat.primitives.asymmetric"])
def test_a_missing_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # "import <module>" now fails

    with pytest.raises(MissingExtraError, match=r"pip install 'tillpoint\[jwt\]'") as caught:
        with_token(PEM)

    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, errors.TillpointError)


def test_importing_tillpoint_auth_needs_neither_pyjwt_nor_cryptography() -> None:
    code = (
        "import sys\n"
        "sys.modules['jwt'] = sys.modules['cryptography'] = None\n"
        "import tillpoint\n"
        "auth = tillpoint.auth\n"
        "assert auth.with_token is tillpoint.auth.with_token\n"
        "try:\n"
        "    auth.with_token('k')\n"
        "except ImportError as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.startswith("MissingExtraError ")
    assert "pip install 'tillpoint[jwt]'" in out.stdout


def test_tillpoint_auth_resolves_lazily_to_the_module() -> None:
    assert tillpoint.auth is sys.modules["tillpoint.auth"]
    assert tillpoint.auth.with_token is with_token
    assert isinstance(with_token(PEM), TokenAuth)
