"""tillpoint for synchronous code: Flask and Django views, a plain Lambda handler, scripts.

::

    from tillpoint.sync import Tillpoint, checkouts_get

    with Tillpoint(bearer_auth="sk_test_…") as tp:
        checkout = tp.checkouts.get("chk_123")
        for checkout in tp.checkouts.list(currency="USD"):
            ...

    result = checkouts_get(core, "chk_123")  # Ok or Err, as tillpoint.funcs.checkouts_get

The eleven functions of ``tillpoint.funcs`` under the same names, with the same
parameters and per-call options, returning ``Ok``/``Err``; and the raising façade.
They are the async ones, run to completion on the calling thread over an
``httpx.Client`` (see ``_run``): the retry loop, hooks, auth, error mapping and
decoding are the same code. The same ``TillpointCore`` serves async and sync calls,
from any number of threads.

Hooks and ``bearer_auth`` callables run inline, so a sync call needs plain (sync)
ones. Calling from inside a running event loop raises ``TypeError``: await the async
function there instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import funcs as _funcs

if TYPE_CHECKING:
    from ._facade import CheckoutPager, Checkouts, Sessions, Tillpoint
    from ._run import blocking

    checkouts_attach_source = blocking(_funcs.checkouts_attach_source)
    checkouts_create = blocking(_funcs.checkouts_create)
    checkouts_delete = blocking(_funcs.checkouts_delete)
    checkouts_detach_source = blocking(_funcs.checkouts_detach_source)
    checkouts_get = blocking(_funcs.checkouts_get)
    checkouts_list = blocking(_funcs.checkouts_list)
    checkouts_update = blocking(_funcs.checkouts_update)
    sessions_create = blocking(_funcs.sessions_create)
    sessions_delete = blocking(_funcs.sessions_delete)
    sessions_get = blocking(_funcs.sessions_get)
    sessions_update = blocking(_funcs.sessions_update)

__all__ = [
    "CheckoutPager",
    "Checkouts",
    "Sessions",
    "Tillpoint",
]
__all__ += _funcs.__all__  # the eleven functions, by their async names

_FACADE = frozenset({"CheckoutPager", "Checkouts", "Sessions", "Tillpoint"})


def __getattr__(name: str) -> Any:
    # Loaded on first use, like tillpoint.funcs: a handler that only reads checkouts
    # never builds the session models.
    if name in _FACADE:
        from . import _facade

        value = getattr(_facade, name)
    elif name in _funcs.__all__:
        from ._run import blocking

        value = blocking(getattr(_funcs, name))
        value.__module__ = __name__
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
