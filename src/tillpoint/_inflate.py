"""Decompressing a response body with its size bounded as it streams (no gzip bomb).

httpx inflates each chunk it receives in one go: 64 KiB of gzip can hold 64 MiB of
zeros, so a body limit checked after each chunk comes a thousand times too late.
Here every step asks zlib for at most what the limit still allows (plus one byte,
to see that there is more), so the memory used stays near the limit.

tillpoint asks for gzip and deflate only (``Accept-Encoding``); a body coded with
them several times over (``gzip, gzip``) is inflated stage by stage, each stage held
to the same limit. A body in any other coding is left to httpx.
"""

from __future__ import annotations

import zlib

__all__ = ["ACCEPT_ENCODING", "Inflater", "Stacked", "inflater_for"]

ACCEPT_ENCODING = "gzip, deflate"
"""The codings tillpoint can decode within its limit."""

_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


class Inflater:
    """One coding's decompressor; ``decompress`` never returns more than ``room + 1`` bytes."""

    __slots__ = ("_raw_deflate_tried", "_z")

    def __init__(self, wbits: int) -> None:
        self._z = zlib.decompressobj(wbits)
        # "deflate" is meant to be zlib-wrapped, but some servers send it raw (as
        # httpx and browsers accept): retried as raw if the first bytes are not zlib.
        self._raw_deflate_tried = wbits != zlib.MAX_WBITS

    def decompress(self, data: bytes, room: int) -> bytes:
        """Inflate ``data``: at most ``room`` bytes, or ``room + 1`` to say there is more.

        Raises ``zlib.error`` for a body that is not in its coding.
        """
        z = self._z
        try:
            out = z.decompress(data, room + 1)  # max_length 0 would mean "no limit"
        except zlib.error:
            if self._raw_deflate_tried:
                raise
            self._raw_deflate_tried = True
            self._z = z = zlib.decompressobj(-zlib.MAX_WBITS)
            out = z.decompress(data, room + 1)
        self._raw_deflate_tried = True
        while z.unconsumed_tail and len(out) <= room:
            out += z.decompress(z.unconsumed_tail, room + 1 - len(out))
        return out

    def flush(self) -> bytes:
        return self._z.flush()


_UNBOUNDED = 1 << 62


class Stacked:
    """Codings applied one after the other (``Content-Encoding: deflate, gzip``),
    undone last first. Every stage is held to ``room``: a stage producing more says
    the body is over the limit, as the last stage would."""

    __slots__ = ("_stages",)

    def __init__(self, stages: list[Inflater]) -> None:
        self._stages = stages

    def decompress(self, data: bytes, room: int) -> bytes:
        for stage in self._stages:
            data = stage.decompress(data, room)
            if len(data) > room:
                break
        return data

    def flush(self) -> bytes:
        out = b""
        for n, stage in enumerate(self._stages):
            # What a stage still holds goes through the stages after it.
            rest = stage.flush()
            for later in self._stages[n + 1 :]:
                rest = later.decompress(rest, _UNBOUNDED)  # the caller checks the total
            out += rest
        return out


def inflater_for(content_encoding: str | None) -> Inflater | Stacked | None:
    """An inflater for the body's coding(s); ``None`` when httpx should decode it."""
    if content_encoding is None:
        return None
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings or any(c not in _WBITS for c in codings):
        return None
    stages = [Inflater(_WBITS[c]) for c in reversed(codings)]
    return stages[0] if len(stages) == 1 else Stacked(stages)
