"""``Tillpoint``: the façade. Same operations as ``tillpoint.funcs``, but they return
the value and raise the error, and ``checkouts.list`` pages for you.

::

    async with Tillpoint(bearer_auth="sk_test_…") as tp:
        checkout = await tp.checkouts.create(models.CheckoutCreate(...))
        async for checkout in tp.checkouts.list(currency="USD"):
            ...
        session = await tp.sessions.create(models.CheckoutSessionCreate(amount=1299))
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any

from . import funcs
from ._keywords import keywords_of, refuse_unknown
from ._paging import following, in_walk_order
from .core import CORE_OPTIONS, TillpointCore

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self, Unpack

    from .core import CoreOptions
    from .funcs._options import RequestOptions, SessionOptions, WriteOptions
    from .funcs.checkouts_list import CheckoutsListParameters
    from .models.checkouts import Checkout, CheckoutCreate, CheckoutList, CheckoutUpdate, Source
    from .models.sessions import CheckoutSession, CheckoutSessionCreate

__all__ = ["CheckoutPager", "Checkouts", "Sessions", "Tillpoint"]


class Tillpoint:
    """The raising façade over a :class:`TillpointCore`.

    Takes the same keyword arguments as ``TillpointCore``, or an existing ``core=``.
    """

    def __init__(
        self, *, core: TillpointCore | None = None, **options: Unpack[CoreOptions]
    ) -> None:
        refuse_unknown("Tillpoint", options, CORE_OPTIONS | {"core"})
        if core is not None and options:
            raise TypeError("pass either core= or TillpointCore options, not both")
        self.core = core if core is not None else TillpointCore(**options)
        self.checkouts = Checkouts(self.core)
        self.sessions = Sessions(self.core)

    async def aclose(self) -> None:
        """Close the connection pool tillpoint created (a client you passed stays open)."""
        await self.core.aclose()

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
        return f"Tillpoint({self.core!r})"


class Checkouts:
    """``tp.checkouts``: Digital River checkouts; every method raises on failure."""

    def __init__(self, core: TillpointCore) -> None:
        self._core = core

    def list(self, **filters: Unpack[CheckoutsListParameters]) -> CheckoutPager:
        """Await for the first page, or ``async for`` over every checkout on every page.

        Takes ``checkouts_list``'s filters and options; ``.pages()`` iterates page by page.
        Iteration walks away from the cursor: from newest to oldest, or with
        ``ending_before=X`` from the checkout just newer than ``X`` to the newest.
        """
        from .funcs.checkouts_list import CheckoutsListParameters

        # Refused now, not at the first page: the mistake is in this line of the caller's.
        refuse_unknown("tp.checkouts.list", filters, keywords_of(CheckoutsListParameters))
        return CheckoutPager(self._core, dict(filters))

    async def create(self, body: CheckoutCreate, /, **options: Unpack[WriteOptions]) -> Checkout:
        """Create a checkout."""
        return (await funcs.checkouts_create(self._core, body, **options)).unwrap()

    async def get(self, checkout_id: str, /, **options: Unpack[RequestOptions]) -> Checkout:
        """Retrieve a checkout."""
        return (await funcs.checkouts_get(self._core, checkout_id, **options)).unwrap()

    async def update(
        self, checkout_id: str, body: CheckoutUpdate, /, **options: Unpack[WriteOptions]
    ) -> Checkout:
        """Update a checkout."""
        return (await funcs.checkouts_update(self._core, checkout_id, body, **options)).unwrap()

    async def delete(self, checkout_id: str, /, **options: Unpack[WriteOptions]) -> None:
        """Delete a checkout."""
        (await funcs.checkouts_delete(self._core, checkout_id, **options)).unwrap()

    async def attach_source(
        self, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
    ) -> Source:
        """Attach a payment source; returns it with the amount it now contributes."""
        result = await funcs.checkouts_attach_source(self._core, checkout_id, source_id, **options)
        return result.unwrap()

    async def detach_source(
        self, checkout_id: str, source_id: str, /, **options: Unpack[WriteOptions]
    ) -> None:
        """Detach a payment source."""
        result = await funcs.checkouts_detach_source(self._core, checkout_id, source_id, **options)
        result.unwrap()


class Sessions:
    """``tp.sessions``: Gr4vy checkout sessions; every method raises on failure.

    Each takes ``merchant_account_id=`` (sent as ``x-gr4vy-merchant-account-id``) on
    top of the usual per-call options.
    """

    def __init__(self, core: TillpointCore) -> None:
        self._core = core

    async def create(
        self, body: CheckoutSessionCreate | None = None, /, **options: Unpack[SessionOptions]
    ) -> CheckoutSession:
        """Create a checkout session (no body: an empty session)."""
        return (await funcs.sessions_create(self._core, body, **options)).unwrap()

    async def get(self, session_id: str, /, **options: Unpack[SessionOptions]) -> CheckoutSession:
        """Retrieve a checkout session."""
        return (await funcs.sessions_get(self._core, session_id, **options)).unwrap()

    async def update(
        self, session_id: str, body: CheckoutSessionCreate, /, **options: Unpack[SessionOptions]
    ) -> CheckoutSession:
        """Replace a checkout session (``expires_in`` only if you set it)."""
        return (await funcs.sessions_update(self._core, session_id, body, **options)).unwrap()

    async def delete(self, session_id: str, /, **options: Unpack[SessionOptions]) -> None:
        """Delete a checkout session."""
        (await funcs.sessions_delete(self._core, session_id, **options)).unwrap()


class CheckoutPager:
    """What ``tp.checkouts.list()`` returns: awaitable (first page) and async-iterable."""

    def __init__(self, core: TillpointCore, filters: dict[str, Any]) -> None:
        self._core = core
        self._filters = filters

    def __await__(self) -> Generator[Any, None, CheckoutList]:
        return self._page(self._filters).__await__()

    async def _page(self, filters: dict[str, Any]) -> CheckoutList:
        return (await funcs.checkouts_list(self._core, **filters)).unwrap()

    async def pages(self) -> AsyncIterator[CheckoutList]:
        """Every page, in the direction the cursor asks: ``ending_before`` walks toward
        newer checkouts, otherwise toward older ones. Each page is as the server sent
        it, newest first."""
        filters: dict[str, Any] | None = dict(self._filters)
        while filters is not None:
            page = await self._page(filters)
            yield page
            filters = following(filters, page)

    async def _checkouts(self) -> AsyncIterator[Checkout]:
        async for page in self.pages():
            for checkout in in_walk_order(self._filters, page.data):
                yield checkout

    def __aiter__(self) -> AsyncIterator[Checkout]:
        return self._checkouts()
