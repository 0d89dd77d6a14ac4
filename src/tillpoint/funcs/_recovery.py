"""Exactly-once creates on an API without idempotency keys: the ``LookUp`` recovery.

Digital River documents no idempotency key. A create whose answer was lost — the
connection dropped after the request was sent, a read timeout, a 500/502/504 — may or
may not have made its object, and sending it again may make a second one. What the API
offers instead is a key the caller writes into the body (``upstreamId``) and a list
filter on it (``upstreamIds``).

A create declared with a ``LookUp`` answers such a failure by listing by that key: the
object found is the create's result (``Ok(..., recovered=True)``); nothing found proves
the attempt did nothing, and the create is tried again; a look-up that fails too leaves
the original failure as the answer. The look-up's requests go through the transport
like any other and spend the call's own attempts and time budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .._transport import Lookup
from ..errors import InvalidRequestError, TillpointError
from ..result import Ok

if TYPE_CHECKING:
    from .._retrying import Retrying
    from .._transport import Recover
    from ..core import TillpointCore
    from ._operation import Operation
    from ._options import RequestOptions

__all__ = ["LookUp"]


@attrs.frozen
class LookUp:
    """Recover a create by listing by a key the caller put in its body."""

    via: Operation[Any]
    """A list operation: its value's ``data`` holds the objects."""
    key: str
    """The body's attribute holding the caller's key; the listed objects carry it too."""
    filter: str
    """``via``'s query parameter taking a list of keys."""

    def recover(
        self, core: TillpointCore, body: object, options: RequestOptions
    ) -> Recover[Ok[Any]] | None:
        """The look-up for this body, or ``None`` if it carries no key to look for."""
        key = getattr(body, self.key, None)
        if not isinstance(key, str) or not key.strip():
            return None
        # The caller's key belongs to the create; the look-up is a plain read.
        lookup_options: Any = {k: v for k, v in options.items() if k != "idempotency_key"}

        async def look_up(retrying: Retrying) -> Ok[Any] | Lookup:
            try:
                request = self.via.prepare(core, (), {self.filter: [key]}, None, lookup_options)
            except InvalidRequestError:
                return Lookup.UNKNOWN
            outcome, token = await self.via.send(core, request, retrying=retrying)
            if isinstance(outcome, TillpointError):
                return Lookup.UNKNOWN
            listed = self.via.interpret(outcome, token)
            if not isinstance(listed, Ok):
                return Lookup.UNKNOWN
            # Newest first: if a key was reused, the latest create is the one just made.
            for record in listed.value.data:
                if getattr(record, self.key, None) == key:
                    return Ok(record, outcome, recovered=True)
            return Lookup.ABSENT

        return look_up
