"""Fault injection: latency, scripted 5xx answers, dropped connections, a JWKS outage."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass
class FaultRule:
    """A scripted failure for the next ``remaining`` matching requests."""

    kind: str
    remaining: int
    status: int = 503
    path_prefix: str | None = None
    retry_after: int | None = None

    def matches(self, path: str) -> bool:
        """Whether the rule applies to a request for ``path``."""
        return self.remaining > 0 and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


class Faults:
    """The switches a test flips to see how a client copes (``emu.faults``).

    Faults apply to contract routes only, never to the ``/_emulator`` control surface.
    """

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._latency = 0.0
        self._jwks_outage = False
        self._rules: list[FaultRule] = []

    @property
    def latency(self) -> float:
        """Seconds every contract request waits before being served."""
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            self._latency = float(seconds)

    @property
    def jwks_outage(self) -> bool:
        """While True, ``/.well-known/jwks.json`` answers 503."""
        with self._lock:
            return self._jwks_outage

    @jwks_outage.setter
    def jwks_outage(self, on: bool) -> None:
        with self._lock:
            self._jwks_outage = bool(on)

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        path_prefix: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The next ``count`` requests (under ``path_prefix``) answer ``status`` (a 5xx)."""
        if not 500 <= status <= 599:
            raise ValueError("fail_next injects server errors: status must be 5xx")
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._rules.append(FaultRule("fail", count, status, path_prefix, retry_after))

    def drop_next(self, count: int = 1, *, path_prefix: str | None = None) -> None:
        """The next ``count`` requests get a response cut off mid-body (connection closed)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._rules.append(FaultRule("drop", count, path_prefix=path_prefix))

    def clear(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self._latency = 0.0
            self._jwks_outage = False
            self._rules.clear()

    def pending(self) -> int:
        """How many scripted failures are still to be served."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def take(self, path: str) -> FaultRule | None:
        """Consume one scripted failure for ``path``, if any applies (first scripted first)."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(path):
                    rule.remaining -= 1
                    taken = FaultRule(rule.kind, 1, rule.status, rule.path_prefix, rule.retry_after)
                    self._rules = [r for r in self._rules if r.remaining > 0]
                    return taken
            return None

    def snapshot(self) -> dict[str, Any]:
        """The current switches, for the control surface."""
        with self._lock:
            return {
                "latency": self._latency,
                "jwks_outage": self._jwks_outage,
                "scripted": [
                    {
                        "kind": r.kind,
                        "remaining": r.remaining,
                        "status": r.status,
                        "path_prefix": r.path_prefix,
                    }
                    for r in self._rules
                ],
            }
