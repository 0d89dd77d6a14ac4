"""tillpoint: an async-first Python SDK for checkout APIs.

Public names are loaded on first use (PEP 562), so ``import tillpoint`` costs
almost nothing: serverless cold starts pay only for what they touch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import errors, funcs, models
    from .core import TillpointCore
    from .hooks import Hooks
    from .result import Err, Ok, Result
    from .retries import BackoffStrategy, RetryConfig, RetryQuota
    from .sdk import Tillpoint

__all__ = [
    "BackoffStrategy",
    "Err",
    "Hooks",
    "Ok",
    "Result",
    "RetryConfig",
    "RetryQuota",
    "Tillpoint",
    "TillpointCore",
    "__version__",
    "errors",
    "funcs",
    "models",
]

_WHERE = {
    "BackoffStrategy": ".retries",
    "Err": ".result",
    "Hooks": ".hooks",
    "Ok": ".result",
    "Result": ".result",
    "RetryConfig": ".retries",
    "RetryQuota": ".retries",
    "Tillpoint": ".sdk",
    "TillpointCore": ".core",
}
_SUBMODULES = {"errors", "funcs", "models", "sandbox", "testing", "auth"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
