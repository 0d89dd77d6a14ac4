"""Wire models: attrs classes, snake_case in Python.

Digital River objects (camelCase on the wire) are in ``models.checkouts``; error
bodies in ``models.errors``. Everything is re-exported here.
"""

from ._base import UNSET, Model, Unset
from .checkouts import *  # noqa: F403
from .checkouts import __all__ as _checkouts_all
from .errors import *  # noqa: F403
from .errors import __all__ as _errors_all

__all__ = ["UNSET", "Model", "Unset", *_checkouts_all, *_errors_all]
