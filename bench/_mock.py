"""The in-memory transport both sides of a per-call or cold-start pair share."""

from __future__ import annotations

import httpx

__all__ = ["DR_URL", "GR4VY_URL", "TOKEN", "client_for", "transport_for"]

DR_URL = "https://api.digitalriver.com"
GR4VY_URL = "https://api.sandbox.example.gr4vy.app"
TOKEN = "sk_test_bench"


def transport_for(body: bytes) -> httpx.MockTransport:
    """A transport that answers every request ``200`` with ``body`` as JSON."""
    headers = {"content-type": "application/json", "x-dr-requestid": "bench"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    return httpx.MockTransport(handler)


def client_for(body: bytes) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=transport_for(body))
