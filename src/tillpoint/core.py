"""``TillpointCore``: configuration, and a handle on the connection pool it shares.

Construction does no I/O and builds no client: the first request does, so a core
can be made at import time in a serverless module. The pools (one client per event
loop, one for sync calls, one SSL context for all) live in ``_pool.py``; every
request goes through ``_transport.send``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import attrs

from ._keywords import keywords_of, refuse_unknown, suggesting
from ._logging import configure_from_env
from ._pool import Pool, Verify
from ._retrying import Quotas
from .hooks import Hooks
from .retries import RetryConfig

if TYPE_CHECKING:
    from types import TracebackType

    import httpx
    from typing_extensions import Self, Unpack

__all__ = ["SERVERS", "BearerAuth", "CoreOptions", "TillpointCore"]

BearerAuth = str | Callable[[], str] | Callable[[], Awaitable[str]]
"""A token, or a sync or async callable returning one; callables run on every attempt."""

SERVERS: dict[str, str] = {
    "digitalriver": "https://api.digitalriver.com",
    "sandbox": "https://api.sandbox.{id}.gr4vy.app",
    "production": "https://api.{id}.gr4vy.app",
}
"""Named servers; ``{id}`` is the Gr4vy instance id (the ``id`` argument)."""

DEFAULT_TIMEOUT_MS = 30_000
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_MAX_KEEPALIVE_CONNECTIONS = DEFAULT_MAX_CONNECTIONS
"""Keep every connection the pool opens: under load, a connection dropped when idle is
a new TCP and TLS handshake for the next request."""
DEFAULT_KEEPALIVE_EXPIRY_MS = 4_000
"""Drop an idle connection before the servers that close theirs at 5 s (uvicorn, Node and
many proxies) do: a request written onto a connection being closed is an ambiguous failure.
A server's ``Keep-Alive: timeout=N`` hint shortens it further (see ``_keepalive``)."""


def _is_loopback(host: str) -> bool:
    # An IP literal is judged as an address: "127.0.0.1.evil.example" is a DNS name
    # that merely starts like one, and may resolve anywhere.
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    host = host.lower().rstrip(".")
    return host == "localhost" or host.endswith(".localhost")  # RFC 6761: always loopback


def check_server_url(url: str, *, allow_insecure_http: bool) -> str:
    """Return ``url`` without a trailing slash, or raise ``ValueError`` if it is unsafe."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"server_url must be an absolute http(s) URL, not {url!r}")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise ValueError(
            f"refusing plain http:// to {parts.hostname}: the bearer token would cross the "
            "network unencrypted. Use https://, a loopback host, or allow_insecure_http=True."
        )
    return url.rstrip("/")


class CoreOptions(TypedDict, total=False):
    """The keywords ``TillpointCore(...)`` and ``Tillpoint(...)`` take (see
    :class:`TillpointCore` for each one's meaning and default)."""

    bearer_auth: BearerAuth | None
    server_url: str | None
    server: Literal["digitalriver", "sandbox", "production"] | str | None
    id: str | None
    merchant_account_id: str | None
    retry_config: RetryConfig | None
    timeout_ms: int | None
    client: httpx.AsyncClient | httpx.Client | None
    hooks: Hooks | None
    api_version: str | None
    max_response_bytes: int
    max_connections: int
    max_keepalive_connections: int
    keepalive_expiry_ms: int
    allow_insecure_http: bool
    verify: Verify


CORE_OPTIONS = keywords_of(CoreOptions)
"""The names of ``CoreOptions``, for the constructors that take them."""


@attrs.frozen(kw_only=True)
class _Config:
    bearer_auth: BearerAuth | None = attrs.field(repr=False)
    server_url: str
    merchant_account_id: str | None
    retry_config: RetryConfig
    timeout_ms: int
    hooks: Hooks
    api_version: str | None
    max_response_bytes: int
    allow_insecure_http: bool


class TillpointCore:
    """Configuration and connection pool for the functions in ``tillpoint.funcs``.

    Arguments (all keyword-only; each falls back to an environment variable or a default):

    * ``bearer_auth`` — a token, or a sync/async callable returning one, resolved on
      every attempt (``TILLPOINT_BEARER_AUTH``);
    * ``server_url`` — wins over ``server`` (``TILLPOINT_SERVER_URL``); ``server`` names
      one of ``SERVERS`` (default ``"digitalriver"``), with ``id`` filling Gr4vy's
      ``{id}`` (default ``"example"``);
    * ``merchant_account_id`` — Gr4vy's ``x-gr4vy-merchant-account-id``
      (``TILLPOINT_MERCHANT_ACCOUNT_ID``);
    * ``retry_config`` — see :class:`RetryConfig`; ``timeout_ms`` per attempt (30 s);
    * ``client`` — your own ``httpx.AsyncClient`` (for async calls) or ``httpx.Client``
      (for ``tillpoint.sync`` calls); tillpoint never closes it;
    * ``hooks`` — :class:`tillpoint.hooks.Hooks`;
    * ``api_version`` — sent as ``DigitalRiver-Version`` (unset: ``2021-12-13``, the
      version the models describe);
    * ``max_response_bytes`` — a larger body is an error, not a memory spike (32 MiB);
    * ``max_connections``/``max_keepalive_connections`` — the pool tillpoint creates
      (100/100: every connection it opens is kept for reuse);
    * ``keepalive_expiry_ms`` — how long an idle connection is kept (4 s, under the
      common 5 s at which servers close theirs; shorter when a server's
      ``Keep-Alive: timeout=N`` says so);
    * ``allow_insecure_http`` — permit ``http://`` to a non-loopback host;
    * ``verify`` — TLS verification for the clients tillpoint makes: ``True`` (the
      CA bundle, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), ``False``, a path to CA
      certificates, or an ``ssl.SSLContext``. Each setting's context is built once
      per process and shared by every pool.

    Close it with ``await core.aclose()`` or ``async with core:``; from sync code,
    with ``core.close()``.
    """

    __slots__ = ("_config", "_pool", "_quotas")

    def __init__(self, **options: Unpack[CoreOptions]) -> None:
        refuse_unknown("TillpointCore", options, CORE_OPTIONS)
        bearer_auth = options.get("bearer_auth")
        timeout_ms = options.get("timeout_ms")
        max_response_bytes = options.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)
        allow_insecure_http = options.get("allow_insecure_http", False)
        keepalive_expiry_ms = options.get("keepalive_expiry_ms", DEFAULT_KEEPALIVE_EXPIRY_MS)
        configure_from_env()  # TILLPOINT_LOG=debug|info
        if bearer_auth is None:
            bearer_auth = os.environ.get("TILLPOINT_BEARER_AUTH") or None
        if timeout_ms is not None and timeout_ms <= 0:
            raise ValueError("timeout_ms must be > 0")
        if max_response_bytes <= 0:
            raise ValueError("max_response_bytes must be > 0")
        if keepalive_expiry_ms < 0:
            raise ValueError("keepalive_expiry_ms must be >= 0")
        self._config = _Config(
            bearer_auth=bearer_auth,
            server_url=_resolve_server(
                options.get("server_url"),
                options.get("server"),
                options.get("id"),
                allow_insecure_http,
            ),
            merchant_account_id=options.get("merchant_account_id")
            or os.environ.get("TILLPOINT_MERCHANT_ACCOUNT_ID")
            or None,
            retry_config=options.get("retry_config") or RetryConfig(),
            timeout_ms=timeout_ms or DEFAULT_TIMEOUT_MS,
            hooks=options.get("hooks") or Hooks(),
            api_version=options.get("api_version"),
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
        )
        limits = (
            options.get("max_connections", DEFAULT_MAX_CONNECTIONS),
            options.get("max_keepalive_connections", DEFAULT_MAX_KEEPALIVE_CONNECTIONS),
            keepalive_expiry_ms / 1000,
        )
        self._pool = Pool(options.get("client"), limits, options.get("verify", True))
        self._quotas = Quotas()
        """The retry-quota token buckets this core's calls (and its copies') share."""

    # --- configuration, read-only ---

    @property
    def server_url(self) -> str:
        return self._config.server_url

    @property
    def merchant_account_id(self) -> str | None:
        return self._config.merchant_account_id

    @property
    def retry_config(self) -> RetryConfig:
        return self._config.retry_config

    @property
    def timeout_ms(self) -> int:
        return self._config.timeout_ms

    @property
    def hooks(self) -> Hooks:
        return self._config.hooks

    @property
    def api_version(self) -> str | None:
        """The ``DigitalRiver-Version`` asked for; ``None`` sends the default, ``2021-12-13``."""
        return self._config.api_version

    @property
    def max_response_bytes(self) -> int:
        return self._config.max_response_bytes

    @property
    def allow_insecure_http(self) -> bool:
        return self._config.allow_insecure_http

    @property
    def bearer_auth(self) -> BearerAuth | None:
        return self._config.bearer_auth

    @suggesting
    def with_options(
        self,
        *,
        bearer_auth: BearerAuth | None = None,
        server_url: str | None = None,
        merchant_account_id: str | None = None,
        retry_config: RetryConfig | None = None,
        timeout_ms: int | None = None,
        hooks: Hooks | None = None,
        api_version: str | None = None,
        max_response_bytes: int | None = None,
    ) -> TillpointCore:
        """A copy with some options changed, sharing this core's connection pool."""
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "bearer_auth": bearer_auth,
                "merchant_account_id": merchant_account_id,
                "retry_config": retry_config,
                "timeout_ms": timeout_ms,
                "hooks": hooks,
                "api_version": api_version,
                "max_response_bytes": max_response_bytes,
            }.items()
            if v is not None
        }
        if server_url is not None:
            changes["server_url"] = check_server_url(
                server_url, allow_insecure_http=self._config.allow_insecure_http
            )
        copy = object.__new__(TillpointCore)
        copy._config = attrs.evolve(self._config, **changes)
        copy._pool = self._pool
        copy._quotas = self._quotas
        return copy

    # --- lifecycle ---

    def client(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` this event loop's requests go through (made on first use)."""
        return self._pool.for_this_loop()[0]

    async def aclose(self) -> None:
        """Close this loop's pool and the sync pool, if tillpoint made them.

        A client you passed in stays open. Pools other event loops made close as
        those loops end.
        """
        await self._pool.aclose()

    def close(self) -> None:
        """From sync code: close the pool ``tillpoint.sync`` calls used, if tillpoint made it.

        Event loops' pools close as their loops end (or by ``await core.aclose()``).
        """
        self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        auth = "None" if self._config.bearer_auth is None else "<redacted>"
        return (
            f"TillpointCore(server_url={self._config.server_url!r}, bearer_auth={auth}, "
            f"merchant_account_id={self._config.merchant_account_id!r}, "
            f"timeout_ms={self._config.timeout_ms}, retry_config={self._config.retry_config!r})"
        )


def _resolve_server(
    server_url: str | None, server: str | None, id: str | None, allow_insecure_http: bool
) -> str:
    if server_url is None and server is None:
        server_url = os.environ.get("TILLPOINT_SERVER_URL") or None
    if server_url is None:
        name = server or "digitalriver"
        if name not in SERVERS:
            raise ValueError(f"unknown server {name!r}; expected one of {sorted(SERVERS)}")
        server_url = SERVERS[name].format(id=id or "example")
    return check_server_url(server_url, allow_insecure_http=allow_insecure_http)
