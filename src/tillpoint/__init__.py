"""tillpoint: an async-first Python SDK for checkout APIs.

Public names are loaded on first use (PEP 562), so ``import tillpoint`` costs
almost nothing: serverless cold starts pay only for what they touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import exported_lazily
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

__getattr__ = exported_lazily(globals(), _WHERE, _SUBMODULES)


def __dir__() -> list[str]:
    return sorted(__all__)
