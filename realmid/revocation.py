"""Access-token revocation: the ``jti`` denylist the verifier consults (SPEC §6.7).

Access tokens are stateless RS256 JWTs: once minted they verify on signature and ``exp``
alone until they expire. A revocation cache closes that window on the partner's side: on
logout (or detected theft) the token's ``jti`` is parked until the token's own ``exp``, and
the verifier refuses it meanwhile with :class:`~realmid.errors.TokenRevokedError`.

Three implementations, one contract (:class:`RevocationCache` / :class:`AsyncRevocationCache`):

- :class:`MemRevocationCache`: one process, thread-safe, O(1), memory bounded.
- :class:`RedisRevocationCache` (``redis.Redis``) and :class:`AsyncRedisRevocationCache`
  (``redis.asyncio.Redis``): shared by every replica; needs the ``redis`` extra.

Every replica must see a revocation for it to mean anything, so multi-replica deployments
want Redis. A cache that cannot answer makes the verifier fail closed (the request is
refused with a :class:`~realmid.errors.RealmError`), never open.

The Redis pair is one implementation with a generated sync twin
(``realmid/_async/redis_revocation.py``). ``realm.tokens``, the token-level surface over a
cache (mark a token revoked, gate a request, evict, the logout policy), is
``realmid/_async/tokens.py``.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from realmid import _inputs, _telemetry
from realmid._inputs import MAX_JTI_CHARS
from realmid.errors import BadRequestError

if TYPE_CHECKING:
    from realmid._async.redis_revocation import AsyncRedisRevocationCache
    from realmid._sync.redis_revocation import RedisRevocationCache

__all__ = [
    "DEFAULT_MAX_TTL",
    "DEFAULT_REDIS_PREFIX",
    "DEFAULT_REDIS_TIMEOUT",
    "MAX_JTI_CHARS",
    "AsyncRedisRevocationCache",
    "AsyncRevocationCache",
    "MemRevocationCache",
    "RedisRevocationCache",
    "RevocationCache",
]

DEFAULT_REDIS_PREFIX = "realmid:revoked:"
# Expired entries a write removes on its way, so a cache fed only expired or short-lived
# revocations stays small without a background thread: each write pays for a few old ones.
_SWEEP_PER_WRITE = 8
# The longest any entry is kept, whatever the token's own ``exp`` says: an ``exp`` is read
# from tokens that may be unverified, and a far-future one must not pin memory or Redis.
# Keep it at least your realm's access-token lifetime (Realm ID's is far below a day).
DEFAULT_MAX_TTL = 24 * 3600.0
# The total time a Redis revocation check may take before the verifier fails closed.
DEFAULT_REDIS_TIMEOUT = 0.3


@runtime_checkable
class RevocationCache(Protocol):
    """The pluggable ``jti`` denylist (the reference's ``RevocationCache``), sync face.

    ``is_revoked`` is on the hot path of every authenticated request: keep it to one cheap
    lookup. An exception from either method makes the verifier fail closed.
    """

    def revoke(self, jti: str, expires_at: float) -> None:
        """Deny ``jti`` until ``expires_at`` (unix seconds, the token's ``exp``)."""

    def is_revoked(self, jti: str) -> bool:
        """True while ``jti`` is denied."""


@runtime_checkable
class AsyncRevocationCache(Protocol):
    """:class:`RevocationCache` for asyncio: the same two methods, awaitable."""

    async def revoke(self, jti: str, expires_at: float) -> None:
        """Deny ``jti`` until ``expires_at`` (unix seconds, the token's ``exp``)."""

    async def is_revoked(self, jti: str) -> bool:
        """True while ``jti`` is denied."""


class MemRevocationCache:
    """A single-process revocation cache: thread-safe, O(1) lookups, bounded memory.

    Entries live until their token's expiry, capped at ``max_ttl`` seconds from the write
    (default 24 h: an ``exp`` may come from an unverified token and must not pin memory).
    Expired entries go lazily on read, and each write also sweeps a few of the
    oldest-expiring ones, so memory follows the number of *live* revocations.

    **Two tiers.** ``revoke(jti, exp)`` records a *verified* revocation (the caller holds
    the token's verified claims, as after ``realm.verify``). ``revoke(..., verified=False)``
    records an *unverified* one: ``realm.tokens.mark_revoked`` uses it when it could not
    prove the token's signature. ``max_entries`` is the hard bound, and when it is reached
    an unverified entry is dropped first (the soonest-expiring one); a verified entry is
    never dropped to make room for an unverified one (the unverified write is then
    skipped). So a caller feeding unsigned far-future tokens to ``mark_revoked`` can fill
    the unverified tier with junk but can never flush a genuine revocation. Only verified
    writes, when the cache holds nothing else, displace verified entries (soonest first).

    >>> cache = MemRevocationCache(clock=lambda: 1_000.0)
    >>> cache.revoke("jti-1", expires_at=1_600.0)
    >>> cache.is_revoked("jti-1"), cache.is_revoked("jti-2"), len(cache)
    (True, False, 1)
    >>> cache.evict()  # empty jti = every entry
    >>> len(cache)
    0
    """

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        max_entries: int = 1_000_000,
        *,
        max_ttl: float = DEFAULT_MAX_TTL,
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise BadRequestError("max_entries must be a positive integer")
        if clock is not None and not callable(clock):
            raise BadRequestError("clock must be a function returning unix seconds (or None)")
        self._clock: Callable[[], float] = clock or time.time
        _telemetry.load()  # now, not in the first is_revoked (see realmid._telemetry._mi)
        self._max = max_entries
        self._max_ttl = _inputs.duration(max_ttl, "max_ttl", allow_zero=False)
        # jti -> expiry; reads take no lock (a dict lookup is atomic), writes do.
        self._entries: dict[str, float] = {}
        # The jtis of `_entries` recorded unverified, and their (expiry, jti) min-heap: the
        # eviction order. A record that no longer matches is stale and skipped.
        self._unverified: set[str] = set()
        self._uheap: list[tuple[float, str]] = []
        # (expiry, jti) min-heap of every entry: the sweep order. A record whose expiry no
        # longer matches the dict is stale (the jti was evicted or re-revoked) and is skipped.
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemRevocationCache(entries={len(self._entries)}, max_entries={self._max})"

    def __len__(self) -> int:
        """The number of live (unexpired) revocations."""
        with self._lock:
            self._sweep(self._clock(), limit=None)
            return len(self._entries)

    @property
    def max_ttl(self) -> float:
        """The longest an entry is kept (seconds from its write)."""
        return self._max_ttl

    def revoke(self, jti: str, expires_at: float | datetime, *, verified: bool = True) -> None:
        """Deny ``jti`` until ``expires_at`` (unix seconds or a datetime), at most
        ``max_ttl`` from now; past expiry: no-op. ``verified=False`` for a jti read from a
        token whose signature was not checked (see the class docstring)."""
        jti = _inputs.jti(jti)
        expires = _inputs.expiry(expires_at)
        with self._lock:
            now = self._clock()
            self._sweep(now, limit=_SWEEP_PER_WRITE)
            if expires <= now:
                return  # the token is already dead; nothing to deny
            expires = min(expires, now + self._max_ttl)
            entries, unverified = self._entries, self._unverified
            current = entries.get(jti)
            if current is not None:
                if jti not in unverified:
                    if not verified or current >= expires:
                        return  # unverified input never touches a verified entry
                elif verified:
                    unverified.discard(jti)  # promoted; its stale uheap record is skipped
                    expires = max(expires, current)
                elif current >= expires:
                    return
            elif len(entries) >= self._max:
                self._sweep(now, limit=None)
                while len(entries) >= self._max:
                    if not self._drop_unverified():
                        if not verified:
                            return  # full of verified entries: they win
                        self._drop_soonest()
            entries[jti] = expires
            heapq.heappush(self._heap, (expires, jti))
            if not verified:
                unverified.add(jti)
                heapq.heappush(self._uheap, (expires, jti))
            if len(self._heap) + len(self._uheap) > 3 * len(entries) + 64:
                # Re-revoking live jtis with later expiries leaves stale heap records.
                self._heap = [(exp, key) for key, exp in entries.items()]
                heapq.heapify(self._heap)
                self._uheap = [(entries[key], key) for key in unverified]
                heapq.heapify(self._uheap)

    def is_revoked(self, jti: str) -> bool:
        """True while ``jti`` is denied; an expired entry is removed on the way."""
        expires = self._entries.get(jti)
        revoked = expires is not None and (expires > self._clock() or self._check(jti))
        mi = _telemetry._mi  # a test with no call in it: metrics on?
        if mi is not None and mi._METER_PROVIDER is not None:
            _telemetry.revocation_checked("memory", "memory", revoked)
        return revoked

    def _check(self, jti: str) -> bool:
        """:meth:`is_revoked`, uncounted (a Redis near cache's replica answers with it)."""
        expires = self._entries.get(jti)
        if expires is None:
            return False
        if expires > self._clock():
            return True
        with self._lock:
            if self._entries.get(jti) == expires:
                del self._entries[jti]
                self._unverified.discard(jti)
        return False

    # The contract Verifier.verify_local asks (True or False when the answer needs no I/O,
    # None when it would): this cache always answers, so it is is_revoked itself (no
    # wrapper: it is called on every guarded request).
    is_revoked_locally = is_revoked

    def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every entry."""
        with self._lock:
            if jti:
                self._entries.pop(jti, None)
                self._unverified.discard(jti)
            else:
                self._entries.clear()
                self._heap.clear()
                self._unverified.clear()
                self._uheap.clear()

    def _sweep(self, now: float, limit: int | None) -> None:
        heap, entries, unverified = self._heap, self._entries, self._unverified
        done = 0
        while heap and heap[0][0] <= now and (limit is None or done < limit):
            expires, jti = heapq.heappop(heap)
            if entries.get(jti) == expires:
                del entries[jti]
                unverified.discard(jti)
            done += 1
        uheap = self._uheap
        while uheap and uheap[0][0] <= now:  # expired ones are gone from `entries` already
            _, jti = heapq.heappop(uheap)
            if jti not in entries:
                unverified.discard(jti)

    def _drop_unverified(self) -> bool:
        uheap, entries, unverified = self._uheap, self._entries, self._unverified
        while uheap:
            expires, jti = heapq.heappop(uheap)
            if jti in unverified and entries.get(jti) == expires:
                del entries[jti]
                unverified.discard(jti)
                return True
        return False

    def _drop_soonest(self) -> None:
        while self._heap:
            expires, jti = heapq.heappop(self._heap)
            if self._entries.get(jti) == expires:
                del self._entries[jti]
                self._unverified.discard(jti)
                return
        self._entries.clear()  # unreachable unless heap and dict disagree; stay bounded
        self._unverified.clear()


def __getattr__(name: str) -> Any:
    # The Redis caches are generated twins (realmid/_async/redis_revocation.py and its sync
    # peer); imported on first use, so `import realmid.revocation` stays light.
    if name == "RedisRevocationCache":
        from realmid._sync.redis_revocation import RedisRevocationCache

        return RedisRevocationCache
    if name == "AsyncRedisRevocationCache":
        from realmid._async.redis_revocation import AsyncRedisRevocationCache

        return AsyncRedisRevocationCache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
