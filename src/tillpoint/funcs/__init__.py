"""Standalone functions: each performs one operation and returns ``Ok`` or ``Err``.

They take the core first, path parameters positionally, the body as a model, and
per-call options as keywords. They never raise for API, network or input errors.

Each lives in the module of its own name (``tillpoint.funcs.checkouts_get``), loaded
on first use: a process that only reads checkouts never builds the session models.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checkouts_attach_source import checkouts_attach_source
    from .checkouts_create import checkouts_create
    from .checkouts_delete import checkouts_delete
    from .checkouts_detach_source import checkouts_detach_source
    from .checkouts_get import checkouts_get
    from .checkouts_list import checkouts_list
    from .checkouts_update import checkouts_update
    from .sessions_create import sessions_create
    from .sessions_delete import sessions_delete
    from .sessions_get import sessions_get
    from .sessions_update import sessions_update

__all__ = [
    "checkouts_attach_source",
    "checkouts_create",
    "checkouts_delete",
    "checkouts_detach_source",
    "checkouts_get",
    "checkouts_list",
    "checkouts_update",
    "sessions_create",
    "sessions_delete",
    "sessions_get",
    "sessions_update",
]

_OPERATIONS = frozenset(__all__)


class _Functions(types.ModuleType):
    """This package, whose attribute ``checkouts_get`` is always the *function*.

    Each name is also a submodule. Importing a submodule (``import
    tillpoint.funcs.checkouts_get``, or the first use below) makes the import system
    set the module as the package's attribute once the module has run, which would
    shadow the function — and a module ``__getattr__`` is never consulted for an
    attribute that exists. So the package puts the function there instead.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OPERATIONS and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name not in _OPERATIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module(f".{name}", __name__)  # which sets the function, above
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


sys.modules[__name__].__class__ = _Functions
