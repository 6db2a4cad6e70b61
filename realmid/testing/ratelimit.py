"""Per-IP token buckets on the emulator clock."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_RATE = 1000.0


@dataclass
class _Bucket:
    tokens: float
    updated_at: float


class RateLimiter:
    """A token bucket per key (the end user's IP): ``rate`` per second, ``burst`` deep.

    Time is the emulator clock, so ``emu.advance()`` refills buckets deterministically.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        lock: threading.RLock,
        rate: float = DEFAULT_RATE,
        burst: int | None = None,
    ) -> None:
        self._clock = clock
        self._lock = lock
        self._buckets: dict[str, _Bucket] = {}
        self.rate = rate
        self.burst = burst if burst is not None else max(1, int(rate))
        self._initial = (self.rate, self.burst)

    def configure(self, rate: float, burst: int | None = None) -> None:
        """Change the limit and start every bucket full."""
        if rate <= 0:
            raise ValueError("rate must be positive")
        with self._lock:
            self.rate = float(rate)
            self.burst = burst if burst is not None else max(1, int(rate))
            self._buckets.clear()

    def restore(self) -> None:
        """Back to the limit the limiter was built with, every bucket full."""
        self.configure(*self._initial)

    def take(self, key: str) -> int | None:
        """Spend a token for ``key``: None when allowed, else whole seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            elapsed = max(0.0, now - bucket.updated_at)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
            bucket.updated_at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
