"""Time: an injectable clock and the two APIs' timestamp formats.

Every timestamp the sandbox produces comes from ``Sandbox(clock=...)`` so tests
can move time forward (for example to expire a Gr4vy checkout session) without
sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

__all__ = [
    "Clock",
    "format_dr",
    "format_gr4vy",
    "parse_iso_datetime",
    "system_clock",
    "utc",
]

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def utc(moment: datetime) -> datetime:
    """Normalise a clock reading: naive values are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_dr(moment: datetime) -> str:
    """``2021-03-23T17:34:17Z``: UTC, ``Z`` suffix, second precision (contract §2)."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_gr4vy(moment: datetime) -> str:
    """``2013-07-16T19:23:00.000+00:00``, the format of Gr4vy's examples (contract §5.4)."""
    return utc(moment).isoformat(timespec="milliseconds")


def parse_iso_datetime(text: str) -> datetime | None:
    """Parse an ISO-8601 date-time (``Z`` or an offset; naive means UTC).

    Returns ``None`` when ``text`` is not a date-time, so callers choose the
    error shape.  ``datetime.fromisoformat`` only learnt ``Z`` in 3.11.
    """
    candidate = text.strip()
    if len(candidate) < 10 or candidate[4:5] != "-":
        return None
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return utc(parsed)
