"""``tillpoint.sync.Tillpoint``: the raising façade, for synchronous code.

Each method is the async façade's own method run by ``blocking``: the same
signature, the same behaviour, nothing written again. ``checkouts.list(...)`` drives
the async pager's iterators one step at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, ParamSpec

from .. import sdk
from ._run import blocking, iterate

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self, Unpack

    from ..core import CoreOptions, TillpointCore
    from ..models.checkouts import Checkout, CheckoutList

__all__ = ["CheckoutPager", "Checkouts", "Sessions", "Tillpoint"]

P = ParamSpec("P")

_ASYNC_PAGES = "`async for` over tp.checkouts.list(...) on a tillpoint.Tillpoint"


class Tillpoint:
    """The raising façade over a :class:`~tillpoint.TillpointCore`, for sync code.

    Takes the same keyword arguments as ``TillpointCore``, or an existing ``core=``
    (which async code may share). ``with tillpoint.sync.Tillpoint(...) as tp:`` closes
    the pool it used on the way out; so does ``tp.close()``.
    """

    def __init__(
        self, *, core: TillpointCore | None = None, **options: Unpack[CoreOptions]
    ) -> None:
        facade = sdk.Tillpoint(core=core, **options)
        self.core = facade.core
        self.checkouts = Checkouts(facade.checkouts)
        self.sessions = Sessions(facade.sessions)

    def close(self) -> None:
        """Close the connection pool sync calls used (a client you passed stays open)."""
        self.core.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"tillpoint.sync.Tillpoint({self.core!r})"


class Checkouts:
    """``tp.checkouts``: Digital River checkouts; every method blocks, and raises on failure."""

    def __init__(self, checkouts: sdk.Checkouts) -> None:
        self.list = _paging(checkouts.list)
        self.create = blocking(checkouts.create)
        self.get = blocking(checkouts.get)
        self.update = blocking(checkouts.update)
        self.delete = blocking(checkouts.delete)
        self.attach_source = blocking(checkouts.attach_source)
        self.detach_source = blocking(checkouts.detach_source)


class Sessions:
    """``tp.sessions``: Gr4vy checkout sessions; every method blocks, and raises on failure."""

    def __init__(self, sessions: sdk.Sessions) -> None:
        self.create = blocking(sessions.create)
        self.get = blocking(sessions.get)
        self.update = blocking(sessions.update)
        self.delete = blocking(sessions.delete)


class CheckoutPager:
    """What ``tp.checkouts.list()`` returns: ``for`` over every checkout on every page.

    ``.pages()`` iterates page by page; ``.first_page()`` fetches only the first.
    """

    def __init__(self, pager: sdk.CheckoutPager) -> None:
        self._pager = pager

    def first_page(self) -> CheckoutList:
        """The first page alone (what awaiting the async pager gives)."""
        pages = self.pages()
        try:
            return next(pages)
        finally:
            pages.close()

    def pages(self) -> Generator[CheckoutList, None, None]:
        """Every page, following the cursor while ``has_more``."""
        return iterate(self._pager.pages(), "tp.checkouts.list().pages()", _ASYNC_PAGES)

    def __iter__(self) -> Iterator[Checkout]:
        return iterate(aiter(self._pager), "tp.checkouts.list()", _ASYNC_PAGES)


def _paging(list_checkouts: Callable[P, sdk.CheckoutPager]) -> Callable[P, CheckoutPager]:
    """The async façade's ``list``, returning the sync pager (same filters, same typing)."""

    def list_(*args: P.args, **kwargs: P.kwargs) -> CheckoutPager:
        return CheckoutPager(list_checkouts(*args, **kwargs))

    list_.__doc__ = list_checkouts.__doc__
    return list_
