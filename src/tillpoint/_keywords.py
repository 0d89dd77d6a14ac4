"""Unknown keyword arguments, refused by name with the closest accepted one.

Functions that take their options as ``**options`` (typed with a ``TypedDict`` for
mypy) would otherwise accept any keyword at run time: ``limt=5`` silently does
nothing. Every such entry point asks ``refuse_unknown`` first.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection, Mapping
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar, cast

__all__ = ["keywords_of", "refuse_unknown", "suggesting"]


@functools.cache  # the façade's list() asks on every call
def keywords_of(typed_dict: Any) -> frozenset[str]:
    """The keys a ``TypedDict`` class declares, its bases' included."""
    return frozenset(typed_dict.__required_keys__ | typed_dict.__optional_keys__)


def refuse_unknown(where: str, given: Mapping[str, object], accepted: AbstractSet[str]) -> None:
    """Raise ``TypeError`` naming the first keyword of ``given`` not in ``accepted``."""
    if given.keys() <= accepted:  # the common case, in one set operation
        return
    for name in given:
        if name not in accepted:
            raise TypeError(unknown_keyword(where, name, accepted))


def unknown_keyword(where: str, name: str, accepted: Collection[str]) -> str:
    """Python's own wording, plus the fix: the closest name, or every accepted one."""
    text = f"{where}() got an unexpected keyword argument {name!r}"
    close = closest_name(name, accepted)
    if close is not None:
        return f"{text}; did you mean {close!r}?"
    return f"{text}; it takes {', '.join(sorted(accepted))}"


def closest_name(name: str, names: Collection[str]) -> str | None:
    """The name of ``names`` most like ``name``, if any is close: for a "did you mean"."""
    import difflib  # only on error paths: not part of a cold start (0.6 ms)

    close = difflib.get_close_matches(name, sorted(names), n=1)
    return close[0] if close else None


F = TypeVar("F", bound=Callable[..., Any])


def suggesting(function: F) -> F:
    """Wrap a function with an explicit signature so an unknown keyword gets a suggestion
    (Python names it, but before 3.13 suggests nothing)."""
    accepted = frozenset(
        parameter.name
        for parameter in inspect.signature(function).parameters.values()
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    )
    where = function.__qualname__

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        refuse_unknown(where, kwargs, accepted)
        return function(*args, **kwargs)

    return cast("F", checked)
