"""What a sandbox knows: its stores, its clock, its armed faults, and the lock around them.

The ASGI app (:mod:`._app`) serves a :class:`SandboxState`; :class:`~._sandbox.Sandbox`
is a state that can also build that app. Keeping the state here is what lets the
app depend on it without the sandbox and the app importing each other.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from ._checkout_store import CheckoutStore
from ._clock import Clock, system_clock, utc
from ._faults import FaultRegistry
from ._payments import SourceStore
from ._sessions import SessionStore

__all__ = ["SandboxState"]


class SandboxState:
    def __init__(self, clock: Clock | None = None, seed_sources: bool = True) -> None:
        self.clock: Clock = clock or system_clock
        # Handlers run on the server's event loop while tests may reset or
        # inspect state from another thread; every store operation holds this.
        self.lock = threading.RLock()
        self.sources = SourceStore(self.now)
        self.checkouts = CheckoutStore(self.now, self.sources)
        self.sessions = SessionStore(self.now)
        self.faults = FaultRegistry()
        self.seed_sources = seed_sources
        self.reset()

    def now(self) -> datetime:
        return utc(self.clock())

    def reset(self) -> None:
        """Forget every checkout, session, source and armed fault; re-seed sources."""
        with self.lock:
            self.checkouts.clear()
            self.sessions.clear()
            self.sources.clear()
            self.faults.clear()
            if self.seed_sources:
                self.sources.seed()

    def create_source(self, **spec: Any) -> dict[str, Any]:
        """Python shortcut for ``POST /sandbox/sources``; returns the Source JSON."""
        with self.lock:
            return self.sources.create(spec).to_json()
