"""Wire models: attrs classes, snake_case in Python.

Digital River objects (camelCase on the wire) are in ``models.checkouts``; Gr4vy
checkout sessions (snake_case on the wire) in ``models.sessions``; error bodies in
``models.errors``. Everything is re-exported here.
"""

from ._base import UNSET, Model, Unset
from .checkouts import *  # noqa: F403
from .checkouts import __all__ as _checkouts_all
from .errors import *  # noqa: F403
from .errors import __all__ as _errors_all
from .sessions import *  # noqa: F403
from .sessions import __all__ as _sessions_all

__all__ = ["UNSET", "Model", "Unset", *_checkouts_all, *_sessions_all, *_errors_all]
