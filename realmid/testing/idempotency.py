"""``Idempotency-Key``: replay the first successful answer, refuse a key reused for another body."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

KEY_TTL = 86_400


@dataclass(frozen=True)
class Remembered:
    """The first successful answer to a keyed POST."""

    fingerprint: str
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    stored_at: float
    shape: str | None = None


class KeyReused(Exception):
    """The key was first used with a different request body."""


class IdempotencyStore:
    """Answers keyed by (caller identity, method, path, key) for a day of emulator time.

    Only successes are remembered, so a request that failed (a 401 with an expired token,
    a 429, an injected 5xx) can be retried with the same key and actually run.
    """

    def __init__(self, clock: Callable[[], float], lock: threading.RLock) -> None:
        self._clock = clock
        self._lock = lock
        self._entries: dict[tuple[str, str, str, str], Remembered] = {}

    def lookup(self, scope: tuple[str, str, str, str], fingerprint: str) -> Remembered | None:
        """The remembered answer for ``scope``; raises :class:`KeyReused` on a body mismatch."""
        with self._lock:
            entry = self._entries.get(scope)
            if entry is None:
                return None
            if entry.stored_at + KEY_TTL <= self._clock():
                del self._entries[scope]
                return None
            if entry.fingerprint != fingerprint:
                raise KeyReused
            return entry

    def remember(
        self,
        scope: tuple[str, str, str, str],
        fingerprint: str,
        status: int,
        body: bytes,
        headers: dict[str, str],
        shape: str | None = None,
    ) -> None:
        """Keep a successful answer for replay (the handler's, before any profile shaping)."""
        with self._lock:
            self._entries.setdefault(
                scope,
                Remembered(fingerprint, status, body, tuple(headers.items()), self._clock(), shape),
            )
