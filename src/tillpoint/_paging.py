"""Which way a listing pages, and where its next page starts. No I/O.

Digital River lists newest first. ``starting_after=X`` (or no cursor) walks toward
older records: the next page starts after the last id of this one. ``ending_before=X``
walks toward newer ones: each page holds the records just newer than its cursor, still
newest first, so the next page ends before the *first* id of this one. With both
cursors the server uses only ``ending_before``, and so does this.

Iteration walks away from the cursor: newest to oldest forwards, and oldest to newest
backwards (each backward page read in reverse), so every record comes exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

__all__ = ["following", "in_walk_order"]


class _Page(Protocol):
    @property
    def data(self) -> Sequence[Any]: ...

    @property
    def has_more(self) -> bool: ...


T = TypeVar("T")


def _backwards(filters: Mapping[str, Any]) -> bool:
    return filters.get("ending_before") is not None


def following(filters: Mapping[str, Any], page: _Page) -> dict[str, Any] | None:
    """The filters that fetch the page after ``page``, or ``None`` if it was the last."""
    if not page.has_more or not page.data:
        return None
    backwards = _backwards(filters)
    cursor = (page.data[0] if backwards else page.data[-1]).id
    if not isinstance(cursor, str) or not cursor:
        return None  # a record without an id cannot be paged from
    return {**filters, ("ending_before" if backwards else "starting_after"): cursor}


def in_walk_order(filters: Mapping[str, Any], records: Sequence[T]) -> Sequence[T]:
    """A page's records in the order the walk meets them."""
    return records[::-1] if _backwards(filters) else records
