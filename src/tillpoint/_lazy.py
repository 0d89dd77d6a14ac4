"""Names a module exports from elsewhere, imported the first time one is used (PEP 562).

``import tillpoint`` should cost almost nothing, and defining attrs classes is most of
what importing the models costs: so the package, ``tillpoint.models``, and the request
bodies ``models.checkouts`` and ``models.sessions`` re-export load on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["exported_lazily"]


def exported_lazily(
    namespace: dict[str, Any], where: Mapping[str, str], submodules: Collection[str] = ()
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the module whose globals are ``namespace``.

    ``where`` maps each name to the module it comes from, relative to the package
    (``".retries"``); a name in ``submodules`` is that submodule of a package. The first
    look-up imports the module and stores the name among the globals, so the next one
    is a plain global, as if it had been imported at the top.
    """
    package = namespace["__package__"]
    module_name = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        if name in submodules:
            value = importlib.import_module(f".{name}", module_name)
        elif name in where:
            value = getattr(importlib.import_module(where[name], package), name)
        else:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    return __getattr__
