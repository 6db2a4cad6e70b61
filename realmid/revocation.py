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

:class:`TokensClient` / :class:`AsyncTokensClient` are the token-level surface the realm
exposes as ``realm.tokens`` (mark a token revoked, gate a request, evict, count).
"""

from __future__ import annotations

import heapq
import inspect
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar, runtime_checkable

from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError, is_code

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "DEFAULT_REDIS_PREFIX",
    "AsyncRedisRevocationCache",
    "AsyncRevocationCache",
    "MemRevocationCache",
    "RedisRevocationCache",
    "RevocationCache",
]

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_REDIS_PREFIX = "realmid:revoked:"
# Expired entries a write removes on its way, so a cache fed only expired or short-lived
# revocations stays small without a background thread: each write pays for a few old ones.
_SWEEP_PER_WRITE = 8
_MAX_JTI_CHARS = 1024


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


def _check_jti(jti: object) -> str:
    if not isinstance(jti, str) or not jti or len(jti) > _MAX_JTI_CHARS:
        raise BadRequestError(f"jti must be a non-empty string of at most {_MAX_JTI_CHARS} chars")
    return jti


def _unix_seconds(expires_at: float | datetime) -> float:
    if isinstance(expires_at, datetime):
        if expires_at.tzinfo is None:
            # A naive datetime would be read in the host's zone: off by hours, silently.
            raise BadRequestError("expires_at must be a timezone-aware datetime (or unix seconds)")
        return expires_at.timestamp()
    if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
        raise BadRequestError("expires_at must be unix seconds (a number) or a datetime")
    value = float(expires_at)
    if not math.isfinite(value):
        raise BadRequestError("expires_at must be finite")
    return value


class MemRevocationCache:
    """A single-process revocation cache: thread-safe, O(1) lookups, bounded memory.

    Entries live until their token's expiry. Expired entries go lazily on read, and each
    write also sweeps a few of the oldest-expiring ones, so memory follows the number of
    *live* revocations, not the number ever made. ``max_entries`` is the hard bound: when
    it is reached with live entries only, the one that would expire soonest is dropped
    first (it is the revocation with the least time left to matter).

    >>> cache = MemRevocationCache(clock=lambda: 1_000.0)
    >>> cache.revoke("jti-1", expires_at=1_600.0)
    >>> cache.is_revoked("jti-1"), cache.is_revoked("jti-2"), len(cache)
    (True, False, 1)
    >>> cache.evict()  # empty jti = every entry
    >>> len(cache)
    0
    """

    def __init__(
        self, clock: Callable[[], float] | None = None, max_entries: int = 1_000_000
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise BadRequestError("max_entries must be a positive integer")
        if clock is not None and not callable(clock):
            raise BadRequestError("clock must be a function returning unix seconds (or None)")
        self._clock: Callable[[], float] = clock or time.time
        self._max = max_entries
        # jti -> expiry; reads take no lock (a dict lookup is atomic), writes do.
        self._entries: dict[str, float] = {}
        # (expiry, jti) min-heap: the sweep order. A record whose expiry no longer matches
        # the dict is stale (the jti was evicted or re-revoked) and is skipped.
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemRevocationCache(entries={len(self._entries)}, max_entries={self._max})"

    def __len__(self) -> int:
        """The number of live (unexpired) revocations."""
        with self._lock:
            self._sweep(self._clock(), limit=None)
            return len(self._entries)

    def revoke(self, jti: str, expires_at: float | datetime) -> None:
        """Deny ``jti`` until ``expires_at`` (unix seconds or a datetime); past expiry: no-op."""
        jti = _check_jti(jti)
        expires = _unix_seconds(expires_at)
        with self._lock:
            now = self._clock()
            self._sweep(now, limit=_SWEEP_PER_WRITE)
            if expires <= now:
                return  # the token is already dead; nothing to deny
            current = self._entries.get(jti)
            if current is not None and current >= expires:
                return
            if current is None and len(self._entries) >= self._max:
                self._sweep(now, limit=None)
                while len(self._entries) >= self._max:
                    self._drop_soonest()
            self._entries[jti] = expires
            heapq.heappush(self._heap, (expires, jti))
            if len(self._heap) > 2 * len(self._entries) + 64:
                # Re-revoking live jtis with later expiries leaves stale heap records.
                self._heap = [(exp, key) for key, exp in self._entries.items()]
                heapq.heapify(self._heap)

    def is_revoked(self, jti: str) -> bool:
        """True while ``jti`` is denied; an expired entry is removed on the way."""
        expires = self._entries.get(jti)
        if expires is None:
            return False
        if expires > self._clock():
            return True
        with self._lock:
            if self._entries.get(jti) == expires:
                del self._entries[jti]
        return False

    def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every entry."""
        with self._lock:
            if jti:
                self._entries.pop(jti, None)
            else:
                self._entries.clear()
                self._heap.clear()

    def _sweep(self, now: float, limit: int | None) -> None:
        heap, entries = self._heap, self._entries
        done = 0
        while heap and heap[0][0] <= now and (limit is None or done < limit):
            expires, jti = heapq.heappop(heap)
            if entries.get(jti) == expires:
                del entries[jti]
            done += 1

    def _drop_soonest(self) -> None:
        while self._heap:
            expires, jti = heapq.heappop(self._heap)
            if self._entries.get(jti) == expires:
                del self._entries[jti]
                return
        self._entries.clear()  # unreachable unless heap and dict disagree; stay bounded


def _redis_error(action: str, exc: BaseException) -> RealmError:
    # The message names the failure, never the key (a jti is an identifier worth keeping
    # out of logs); the cause is chained for the operator.
    return RealmError(
        ErrorCode.SERVER_ERROR,
        f"revocation cache unavailable: {action} failed ({type(exc).__name__})",
        details={"revocation_unavailable": True},
        cause=exc,
    )


class _RedisKeys:
    def __init__(self, prefix: str, clock: Callable[[], float] | None) -> None:
        if not isinstance(prefix, str):
            raise BadRequestError("prefix must be a string")
        self._prefix = prefix
        self._clock: Callable[[], float] = clock or time.time

    def key(self, jti: str) -> str:
        return self._prefix + jti

    def ttl(self, expires_at: float | datetime) -> int:
        # Round up: a token valid for 0.2 s more must still be denied for that 0.2 s.
        return math.ceil(_unix_seconds(expires_at) - self._clock())


class RedisRevocationCache:
    """A revocation cache in Redis, shared by every process that points at it.

    One key per revoked ``jti`` (``prefix + jti``), written ``SET key 1 EX ttl NX`` with the
    token's remaining lifetime, so Redis expires it by itself. A check is one ``EXISTS``
    round trip. Redis errors surface as :class:`~realmid.errors.RealmError`
    (``server_error``, ``details["revocation_unavailable"]``), and the verifier then fails
    closed. Give the client ``socket_timeout`` / ``socket_connect_timeout`` so a stuck Redis
    cannot stall requests::

        import redis
        cache = RedisRevocationCache(
            redis.Redis(host="redis", socket_timeout=0.5, socket_connect_timeout=0.5)
        )
        cache.revoke(claims.jti, claims.exp)
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._client = client
        self._keys = _RedisKeys(prefix, clock)

    def __repr__(self) -> str:
        return f"RedisRevocationCache(prefix={self._keys._prefix!r})"

    def revoke(self, jti: str, expires_at: float | datetime) -> None:
        """Deny ``jti`` until ``expires_at``; a token already past it is skipped."""
        ttl = self._keys.ttl(expires_at)
        key = self._keys.key(_check_jti(jti))
        if ttl <= 0:
            return
        try:
            self._client.set(key, b"1", ex=ttl, nx=True)
        except Exception as exc:
            raise _redis_error("SET", exc) from exc

    def is_revoked(self, jti: str) -> bool:
        """One ``EXISTS`` round trip."""
        try:
            return bool(self._client.exists(self._keys.key(jti)))
        except Exception as exc:
            raise _redis_error("EXISTS", exc) from exc

    def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every key under the prefix (SCAN + DEL)."""
        try:
            if jti:
                self._client.delete(self._keys.key(jti))
                return
            batch: list[Any] = []
            for key in self._client.scan_iter(match=_glob_escape(self._keys._prefix) + "*"):
                batch.append(key)
                if len(batch) >= 500:
                    self._client.delete(*batch)
                    batch.clear()
            if batch:
                self._client.delete(*batch)
        except Exception as exc:
            raise _redis_error("DEL", exc) from exc


class AsyncRedisRevocationCache:
    """:class:`RedisRevocationCache` on ``redis.asyncio.Redis``: same keys, awaitable calls.

    ::

        import redis.asyncio
        cache = AsyncRedisRevocationCache(redis.asyncio.Redis(socket_timeout=0.5))
        await cache.revoke(claims.jti, claims.exp)
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._client = client
        self._keys = _RedisKeys(prefix, clock)

    def __repr__(self) -> str:
        return f"AsyncRedisRevocationCache(prefix={self._keys._prefix!r})"

    async def revoke(self, jti: str, expires_at: float | datetime) -> None:
        """Deny ``jti`` until ``expires_at``; a token already past it is skipped."""
        ttl = self._keys.ttl(expires_at)
        key = self._keys.key(_check_jti(jti))
        if ttl <= 0:
            return
        try:
            await self._client.set(key, b"1", ex=ttl, nx=True)
        except Exception as exc:
            raise _redis_error("SET", exc) from exc

    async def is_revoked(self, jti: str) -> bool:
        """One ``EXISTS`` round trip."""
        try:
            return bool(await self._client.exists(self._keys.key(jti)))
        except Exception as exc:
            raise _redis_error("EXISTS", exc) from exc

    async def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every key under the prefix (SCAN + DEL)."""
        try:
            if jti:
                await self._client.delete(self._keys.key(jti))
                return
            batch: list[Any] = []
            async for key in self._client.scan_iter(match=_glob_escape(self._keys._prefix) + "*"):
                batch.append(key)
                if len(batch) >= 500:
                    await self._client.delete(*batch)
                    batch.clear()
            if batch:
                await self._client.delete(*batch)
        except Exception as exc:
            raise _redis_error("DEL", exc) from exc


def _glob_escape(text: str) -> str:
    # SCAN MATCH is a glob: a prefix with '*' or '[' must match itself only.
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)


# ----------------------------------------------------------------------- realm.tokens


def _jti_and_exp(access_token: object) -> tuple[str, float] | None:
    from realmid.verify import unverified_claims  # verify imports this module

    payload = unverified_claims(access_token)
    if payload is None:
        return None
    jti, exp = payload.get("jti"), payload.get("exp")
    if not isinstance(jti, str) or not jti or len(jti) > _MAX_JTI_CHARS:
        return None
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not math.isfinite(exp):
        return None
    return jti, float(exp)


def _revoked_error() -> TokenRevokedError:
    return TokenRevokedError()


def _is_transport_failure(exc: BaseException) -> bool:
    if is_code(exc, ErrorCode.NETWORK):
        return True
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a hard dependency
        return False
    return isinstance(exc, httpx.TransportError)


def _evict(cache: Any, jti: str) -> Any:
    evict = getattr(cache, "evict", None)
    if evict is None:
        raise BadRequestError(f"{type(cache).__name__} has no evict(): it cannot forget entries")
    return evict(jti)


def cache_for_async_face(
    cache: RevocationCache | AsyncRevocationCache,
) -> RevocationCache | AsyncRevocationCache:
    """An AsyncRealm takes a sync or an async cache."""
    return cache


def cache_for_sync_face(cache: RevocationCache | AsyncRevocationCache) -> RevocationCache:
    """A Realm needs a sync cache: an async one would hand back coroutines nobody awaits."""
    if inspect.iscoroutinefunction(getattr(cache, "is_revoked", None)):
        raise BadRequestError(
            f"{type(cache).__name__} is an async revocation cache; use it with AsyncRealm, "
            "or give Realm a sync one (MemRevocationCache, RedisRevocationCache)"
        )
    return cache  # type: ignore[return-value]
