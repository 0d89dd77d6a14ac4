"""Standalone functions: each performs one operation and returns ``Ok`` or ``Err``.

They take the core first, path parameters positionally, the body as a model, and
per-call options as keywords. They never raise for API, network or input errors.
"""

# Imported eagerly on purpose: a lazy __getattr__ here would hand back the *module*
# once anything imported e.g. tillpoint.funcs.checkouts_get directly.
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
