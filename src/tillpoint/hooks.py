"""Async hooks around every request, for tracing, metrics and request signing.

Each hook is an ``async`` callable (so it works under asyncio and trio alike):

* ``before_request(request)`` runs before every attempt, retries included, and may
  return a replacement ``httpx.Request`` (or ``None`` to keep it);
* ``after_success(response)`` runs once per call that ends in ``Ok``;
* ``after_error(response, error)`` runs once per call that ends in ``Err``
  (``response`` is ``None`` when none arrived).

A hook that raises propagates its exception: hooks are your code, and hiding their
failures would hide bugs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Optional

import attrs

if TYPE_CHECKING:
    import httpx

    from .errors import TillpointError

__all__ = ["AfterError", "AfterSuccess", "BeforeRequest", "Hooks"]

BeforeRequest = Callable[["httpx.Request"], Awaitable[Optional["httpx.Request"]]]
AfterSuccess = Callable[["httpx.Response"], Awaitable[None]]
AfterError = Callable[[Optional["httpx.Response"], "TillpointError"], Awaitable[None]]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return (value,) if callable(value) else tuple(value)


@attrs.frozen(kw_only=True)
class Hooks:
    """Hooks to run; each argument takes one async callable or a sequence of them."""

    before_request: Sequence[BeforeRequest] = attrs.field(default=(), converter=_as_tuple)
    after_success: Sequence[AfterSuccess] = attrs.field(default=(), converter=_as_tuple)
    after_error: Sequence[AfterError] = attrs.field(default=(), converter=_as_tuple)

    def __bool__(self) -> bool:
        return bool(self.before_request or self.after_success or self.after_error)
