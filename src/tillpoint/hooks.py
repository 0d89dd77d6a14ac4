"""Hooks around every call, for tracing, metrics and request signing.

Pass them to the core as ``TillpointCore(hooks=Hooks(...))`` (or give one code path its
own set with ``core.with_options(hooks=...)``). Each argument of :class:`Hooks` takes one
callable or a sequence of them, run in order; a hook may be ``async def`` (the usual
kind, and it works under asyncio and trio alike) or a plain function:

* ``before_request(request)`` runs before every attempt, retries included, after
  tillpoint has set its own headers. It may return a replacement ``httpx.Request``, or
  ``None`` to keep the one it was given (which it may have changed in place).
* ``after_success(response)`` runs once per call that ends in ``Ok``, with the final
  ``httpx.Response``.
* ``after_error(response, error)`` runs once per call that ends in ``Err``, with the
  error that call returns; ``response`` is ``None`` when no response arrived (a
  connection failure, a timeout, or a request rejected before it was sent).

A hook that raises does not lose the call: its exception is raised as a
:class:`HookError`, chained from the original (``__cause__``) and carrying the call's
``result`` (the ``Ok`` or ``Err`` that an after-hook saw; ``None`` for
``before_request``, which runs before there is one). The remaining hooks of that
stage are skipped. Hooks are your code, so their failures surface rather than being
swallowed — but a metrics hook that breaks after a checkout was created still lets
you find the checkout's id. Cancellation is never wrapped: it propagates as is.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

import attrs

if TYPE_CHECKING:
    import httpx

    from .errors import TillpointError
    from .result import Err, Ok

__all__ = ["AfterError", "AfterSuccess", "BeforeRequest", "HookError", "Hooks"]

_MaybeRequest = Optional["httpx.Request"]

BeforeRequest = Callable[["httpx.Request"], Union[Awaitable[_MaybeRequest], _MaybeRequest]]
"""``(request) -> request | None``, sync or async."""
AfterSuccess = Callable[["httpx.Response"], Awaitable[None] | None]
"""``(response) -> None``, sync or async."""
AfterError = Callable[[Optional["httpx.Response"], "TillpointError"], Awaitable[None] | None]
"""``(response | None, error) -> None``, sync or async."""

Stage = Literal["before_request", "after_success", "after_error"]


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return (value,) if callable(value) else tuple(value)


@attrs.frozen(kw_only=True)
class Hooks:
    """Hooks to run; each argument takes one callable or a sequence of them."""

    before_request: Sequence[BeforeRequest] = attrs.field(default=(), converter=_as_tuple)
    after_success: Sequence[AfterSuccess] = attrs.field(default=(), converter=_as_tuple)
    after_error: Sequence[AfterError] = attrs.field(default=(), converter=_as_tuple)

    def __bool__(self) -> bool:
        return bool(self.before_request or self.after_success or self.after_error)


class HookError(Exception):
    """A hook raised; ``__cause__`` is its exception, ``result`` what the call returned.

    Not a :class:`~tillpoint.errors.TillpointError`: it reports a bug in a hook, not a
    failure of the API, so a handler that maps API failures to responses (a 502, say)
    does not hide it.
    """

    stage: Stage
    """Which kind of hook raised."""
    hook: Callable[..., object]
    """The hook itself."""
    result: Ok[Any] | Err[Any] | None
    """The call's result; ``None`` when a ``before_request`` hook raised."""

    def __init__(
        self, stage: Stage, hook: Callable[..., object], result: Ok[Any] | Err[Any] | None
    ) -> None:
        name = getattr(hook, "__qualname__", None) or repr(hook)
        super().__init__(f"{stage} hook {name} raised")
        self.stage = stage
        self.hook = hook
        self.result = result


async def _call(hook: Callable[..., object], *args: object) -> object:
    value = hook(*args)
    if inspect.isawaitable(value):
        value = await value
    return value


async def run_before_request(hooks: Hooks, request: httpx.Request) -> httpx.Request:
    """Run ``before_request`` hooks in order; each sees the previous one's request."""
    for hook in hooks.before_request:
        try:
            replacement = await _call(hook, request)
        except Exception as exc:
            raise HookError("before_request", hook, None) from exc
        if replacement is not None:
            request = replacement  # type: ignore[assignment]
    return request


async def run_after(hooks: Hooks, result: Ok[Any] | Err[Any]) -> None:
    """Run ``after_success`` or ``after_error`` hooks for a finished call's ``result``."""
    if result.ok:  # not isinstance: hooks need not import the result classes
        for success_hook in hooks.after_success:
            try:
                await _call(success_hook, result.response)
            except Exception as exc:
                raise HookError("after_success", success_hook, result) from exc
    else:
        for error_hook in hooks.after_error:
            try:
                await _call(error_hook, result.response, result.error)
            except Exception as exc:
                raise HookError("after_error", error_hook, result) from exc
