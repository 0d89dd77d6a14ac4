"""Gr4vy-style token authentication: ES512 JWTs signed with your private key.

::

    from tillpoint import TillpointCore
    from tillpoint.auth import with_token

    core = TillpointCore(server="sandbox", id="acme", bearer_auth=with_token(PRIVATE_KEY_PEM))

``with_token`` needs the ``jwt`` extra (``pip install 'tillpoint[jwt]'``: PyJWT and
cryptography). Importing this module does not; only calling ``with_token`` does.

The tokens carry the claims Gr4vy's own SDKs sign — ``scopes``, ``iss``, ``iat``,
``nbf``, ``exp``, ``jti`` and, optionally, ``checkout_session_id`` and ``embed`` — and
a ``kid`` header holding the RFC 7638 thumbprint of the key. Unlike Gr4vy's SDK, which
signs a new token for every request, a token is cached and re-signed only when
little of its lifetime is left (see :class:`TokenAuth`); and a bad key fails at
``with_token(...)``, not at the first request.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import TillpointError

if TYPE_CHECKING:
    from types import ModuleType

    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey

__all__ = [
    "DEFAULT_SCOPES",
    "InvalidPrivateKeyError",
    "MissingExtraError",
    "TokenAuth",
    "jwk_thumbprint",
    "with_token",
]

logger = logging.getLogger("tillpoint.auth")

DEFAULT_SCOPES = ("*.read", "*.write")
"""Gr4vy's default: read and write access to everything the key may touch."""

MAX_REFRESH_MARGIN = 60.0
"""Re-sign when less than 10% of a token's lifetime, capped at this many seconds, is left."""

_INSTALL_HINT = "pip install 'tillpoint[jwt]'"


class MissingExtraError(TillpointError, ImportError):
    """``with_token`` was called without the ``jwt`` extra (PyJWT and cryptography) installed."""


class InvalidPrivateKeyError(TillpointError, ValueError):
    """The private key cannot sign ES512 tokens: not a key, not EC, or not on curve P-521."""


class TokenAuth:
    """A ``bearer_auth`` callable returning a cached ES512 JWT, signed anew near expiry.

    Make one with :func:`with_token`. Calling it returns the current token: the same
    string on every call (and on every retry) until less than 10% of the token's
    lifetime — and at most :data:`MAX_REFRESH_MARGIN` seconds — is left; then the
    next call signs a fresh one. So a one-hour token is re-signed after 59 minutes,
    a 30-second token after 27 seconds, and a token in flight always has time to
    reach the server.

    It is a plain synchronous callable on purpose: signing takes a fraction of a
    millisecond, once per token lifetime, so it is done inline under a
    ``threading.Lock`` instead of on a worker thread under an async lock. With no
    ``await`` between checking the cache and filling it, concurrent first calls in
    one event loop sign once, callers in several threads sign once, and there is no
    lock bound to an event loop — the same object keeps working across separate
    ``asyncio.run()`` calls and under trio, and can be called from sync code.

    Neither the key nor a token appears in its repr.
    """

    __slots__ = (
        "_clock",
        "_jwt",
        "_key",
        "_kid",
        "_lock",
        "_margin",
        "_static_claims",
        "_token",
        "expires_in",
        "scopes",
    )

    def __init__(
        self,
        *,
        jwt_module: ModuleType,
        key: EllipticCurvePrivateKey,
        kid: str,
        static_claims: dict[str, Any],
        scopes: tuple[str, ...],
        expires_in: int,
        clock: Callable[[], float],
    ) -> None:
        self._jwt = jwt_module
        self._key = key
        self._kid = kid
        self._static_claims = static_claims
        self.scopes = scopes
        self.expires_in = expires_in
        self._clock = clock
        self._margin = min(MAX_REFRESH_MARGIN, expires_in / 10)
        self._lock = threading.Lock()
        # (token, iat, refresh_at), replaced as a whole so a reader needs no lock.
        self._token: tuple[str, int, float] | None = None

    @property
    def kid(self) -> str:
        """The key id in every token's header: the RFC 7638 thumbprint of the public key."""
        return self._kid

    def __call__(self) -> str:
        cached = self._token
        now = self._clock()
        if cached is not None and cached[1] <= now < cached[2]:
            return cached[0]
        with self._lock:
            cached = self._token
            now = self._clock()
            # A clock that went back before ``iat`` would leave a token the server
            # may call not-yet-valid; signing again is cheaper than finding out.
            if cached is not None and cached[1] <= now < cached[2]:
                return cached[0]
            token, iat = self._sign(now)
            self._token = (token, iat, iat + self.expires_in - self._margin)
            return token

    def _sign(self, now: float) -> tuple[str, int]:
        iat = math.floor(now)
        claims = {
            "scopes": list(self.scopes),
            **self._static_claims,
            "iat": iat,
            "nbf": iat,
            "exp": iat + self.expires_in,
            "jti": str(uuid.uuid4()),
        }
        token: str = self._jwt.encode(
            claims, self._key, algorithm="ES512", headers={"kid": self._kid}
        )
        logger.debug(
            "signed a new ES512 token (kid %s, valid for %d s)", self._kid, self.expires_in
        )
        return token, iat

    def __repr__(self) -> str:
        return f"TokenAuth(kid={self._kid!r}, scopes={self.scopes!r}, expires_in={self.expires_in})"


def with_token(
    private_key: str | bytes | EllipticCurvePrivateKey,
    *,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    expires_in: int = 3600,
    checkout_session_id: str | None = None,
    embed_params: Mapping[str, Any] | None = None,
    issuer: str | None = None,
    password: str | bytes | None = None,
    clock: Callable[[], float] = time.time,
) -> TokenAuth:
    """A ``bearer_auth`` callable that signs Gr4vy-style ES512 JWTs with ``private_key``.

    * ``private_key`` — a PEM string or bytes (PKCS#8 or SEC1; literal ``\\n``
      sequences, as environment variables often hold them, are accepted), or a loaded
      ``cryptography`` ``EllipticCurvePrivateKey``. ES512 means curve P-521.
      Encrypted PEM takes ``password``.
    * ``scopes`` — the ``scopes`` claim (default ``("*.read", "*.write")``).
    * ``expires_in`` — token lifetime in whole seconds (default 3600).
    * ``checkout_session_id`` — pins the token to one checkout session.
    * ``embed_params`` — Gr4vy Embed parameters pinned in the ``embed`` claim; needs
      the ``"embed"`` scope, and must be JSON-serialisable.
    * ``issuer`` — the ``iss`` claim (default ``"tillpoint/<version>"``).
    * ``clock`` — seconds since the epoch; replace it in tests.

    Everything is checked here, so a bad key or argument fails at start-up, not at
    the first request: :class:`InvalidPrivateKeyError` for the key (its message
    never contains key material), ``TypeError``/``ValueError`` for the rest, and
    :class:`MissingExtraError` when PyJWT or cryptography is not installed.
    """
    jwt_module = _require_jwt_extra()
    scope_list = _check_scopes(scopes)
    lifetime = _check_expires_in(expires_in)
    static_claims: dict[str, Any] = {
        "iss": _check_text("issuer", issuer, f"tillpoint/{__version__}")
    }
    if checkout_session_id is not None:
        static_claims["checkout_session_id"] = _check_text(
            "checkout_session_id", checkout_session_id, None
        )
    if embed_params is not None:
        static_claims["embed"] = _check_embed(embed_params, scope_list)
    key = _load_key(private_key, password)
    return TokenAuth(
        jwt_module=jwt_module,
        key=key,
        kid=jwk_thumbprint(key),
        static_claims=static_claims,
        scopes=scope_list,
        expires_in=lifetime,
        clock=clock,
    )


def jwk_thumbprint(key: EllipticCurvePrivateKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC key's public half."""
    numbers = key.public_key().public_numbers()
    size = (key.curve.key_size + 7) // 8
    # RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
    canonical = json.dumps(
        {
            "crv": _JWK_CURVE_NAMES[key.curve.name],
            "kty": "EC",
            "x": _b64url(numbers.x.to_bytes(size, "big")),
            "y": _b64url(numbers.y.to_bytes(size, "big")),
        },
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


_JWK_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _require_jwt_extra() -> ModuleType:
    try:
        import jwt
        from cryptography.hazmat.primitives import serialization  # noqa: F401
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            "tillpoint.auth.with_token needs PyJWT and cryptography, which come with the "
            f"'jwt' extra: {_INSTALL_HINT}"
        ) from exc
    return jwt


def _load_key(
    private_key: str | bytes | EllipticCurvePrivateKey, password: str | bytes | None
) -> EllipticCurvePrivateKey:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        key: object = private_key
    elif isinstance(private_key, (str, bytes)):
        data = private_key.encode() if isinstance(private_key, str) else private_key
        if b"\n" not in data and b"\\n" in data:
            data = data.replace(b"\\n", b"\n")
        # Indented (a triple-quoted constant) or CRLF PEM is still PEM.
        data = b"\n".join(line.strip() for line in data.strip().splitlines())
        secret = password.encode() if isinstance(password, str) else password
        # Every failure below is re-raised "from None": the parser's own messages
        # and context are not worth the risk of carrying key material along.
        try:
            key = serialization.load_pem_private_key(data, password=secret)
        except TypeError:
            reason = (
                "the PEM private key is encrypted: pass password="
                if secret is None
                else "a password was given but the PEM private key is not encrypted"
            )
            raise InvalidPrivateKeyError(reason) from None
        except (ValueError, UnsupportedAlgorithm):
            raise InvalidPrivateKeyError(
                "private_key is not a readable PEM private key (or the password is wrong); "
                "expected an EC P-521 key in PEM form, e.g. '-----BEGIN PRIVATE KEY-----…'"
            ) from None
    else:
        raise InvalidPrivateKeyError(
            "private_key must be a PEM str or bytes, or a cryptography EllipticCurvePrivateKey, "
            f"not {type(private_key).__name__}"
        )
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise InvalidPrivateKeyError(
            f"ES512 needs an EC private key on curve P-521, not a {_describe(key)}"
        )
    if not isinstance(key.curve, ec.SECP521R1):
        raise InvalidPrivateKeyError(
            f"ES512 needs an EC key on curve P-521 (secp521r1), not {key.curve.name}"
        )
    return key


def _describe(key: object) -> str:
    # "RSAPrivateKey", "Ed25519PrivateKey", … — the type names the key kind, not its bytes.
    for cls in type(key).__mro__:
        if cls.__module__.startswith("cryptography.hazmat.primitives.asymmetric"):
            return cls.__name__
    return type(key).__name__


def _check_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    if isinstance(scopes, (str, bytes)):
        raise TypeError(f"scopes must be a collection of scope names, e.g. [{scopes!r}]")
    result: list[str] = []
    for scope in scopes:
        if not isinstance(scope, str):
            raise TypeError(f"each scope must be a str, not {type(scope).__name__}")
        # str.__str__ unwraps str enums (such as gr4vy's JWTScope) to their value.
        name = str.__str__(scope)
        if not name or name != name.strip() or any(c.isspace() for c in name):
            raise ValueError(f"scope names are non-empty and contain no whitespace: {name!r}")
        if name not in result:
            result.append(name)
    if not result:
        raise ValueError("scopes must name at least one scope")
    return tuple(result)


def _check_expires_in(expires_in: object) -> int:
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)):
        raise TypeError(f"expires_in must be a number of seconds, not {type(expires_in).__name__}")
    if not math.isfinite(expires_in) or expires_in != int(expires_in) or expires_in < 1:
        raise ValueError(f"expires_in must be a whole number of seconds >= 1, not {expires_in!r}")
    return int(expires_in)


def _check_text(name: str, value: object, default: str | None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def _check_embed(embed_params: Mapping[str, Any], scopes: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(embed_params, Mapping):
        raise TypeError(f"embed_params must be a mapping, not {type(embed_params).__name__}")
    if "embed" not in scopes:
        # Gr4vy's SDK silently drops the claim in this case; saying so is kinder.
        raise ValueError("embed_params needs the 'embed' scope: scopes=['embed', …]")
    params = dict(embed_params)
    try:
        json.dumps(params, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"embed_params must be JSON-serialisable: {exc}") from None
    return params
