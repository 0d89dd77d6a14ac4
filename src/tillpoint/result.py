"""``Ok`` and ``Err``: what every function in :mod:`tillpoint.funcs` returns.

A result carries the ``httpx.Response`` it came from whenever there was one, so a
caller can read the status, headers and request id on success as well as failure::

    match await checkouts_get(core, checkout_id):
        case Ok(value=checkout):
            ...
        case Err(error=errors.Error404()):
            ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, Literal, NoReturn, TypeVar, Union

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = ["Err", "Ok", "Result"]

T = TypeVar("T", covariant=True)
E = TypeVar("E", bound=BaseException, covariant=True)


@attrs.frozen(slots=True)
class Ok(Generic[T]):
    """A successful call: ``value`` is the decoded body (``None`` for 204 responses)."""

    value: T
    response: httpx.Response | None = attrs.field(default=None, repr=False, eq=False)
    recovered: bool = attrs.field(default=False, kw_only=True, eq=False)
    """True when the call's own answer was lost (say, the connection dropped after a
    create was sent) and ``value`` was found by looking it up instead; ``response``
    is then the look-up's. See docs/retries.md."""

    __match_args__ = ("value",)

    def __repr__(self) -> str:
        # Bounded (see brief_repr): asyncio.run formats the result it returns.
        from .models._base import brief_repr

        recovered = ", recovered=True" if self.recovered else ""
        return f"Ok(value={brief_repr(self.value)}{recovered})"

    @property
    def ok(self) -> Literal[True]:
        return True

    @property
    def request_id(self) -> str | None:
        """The server's request id (``x-dr-requestid``), for support tickets."""
        from ._redact import request_id_of

        return request_id_of(self.response)

    def unwrap(self) -> T:
        """Return the value."""
        return self.value


@attrs.frozen(slots=True)
class Err(Generic[E]):
    """A failed call: ``error`` is a :class:`tillpoint.errors.TillpointError`."""

    error: E
    response: httpx.Response | None = attrs.field(default=None, repr=False, eq=False)

    __match_args__ = ("error",)

    @property
    def ok(self) -> Literal[False]:
        return False

    @property
    def request_id(self) -> str | None:
        from ._redact import request_id_of

        return request_id_of(self.response)

    def unwrap(self) -> NoReturn:
        """Raise the error; this is what the ``Tillpoint`` façade does."""
        raise self.error


Result = Union[Ok[T], Err[E]]
"""Either ``Ok[T]`` or ``Err[E]``; each operation names its own ``E``."""
