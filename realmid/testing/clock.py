"""The emulator's clock: wall time plus an offset tests can move forward."""

from __future__ import annotations

import threading
import time


class Clock:
    """``time.time()`` shifted by ``offset`` seconds; every expiry the emulator computes uses it.

    Tests move time with :meth:`advance` instead of sleeping, so a 15-minute token expiry
    is observable in milliseconds.
    """

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        # Its own small lock: the clock is read on every request and must never wait on
        # the state lock (which may be held by a test thread seeding data).
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        """Seconds added to the wall clock."""
        with self._lock:
            return self._offset

    @offset.setter
    def offset(self, value: float) -> None:
        with self._lock:
            self._offset = float(value)

    def now(self) -> float:
        """The emulator's current time, unix seconds."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("the emulator clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()
