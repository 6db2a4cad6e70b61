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

import asyncio
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

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_REDIS_PREFIX = "realmid:revoked:"
# Expired entries a write removes on its way, so a cache fed only expired or short-lived
# revocations stays small without a background thread: each write pays for a few old ones.
_SWEEP_PER_WRITE = 8
# The longest jti anything accepts: the verifier refuses a longer one as ``malformed``
# (realmid.verify re-exports this constant) and every cache refuses to store it, so a token
# that verifies can always be revoked.
MAX_JTI_CHARS = 1024
_MAX_JTI_CHARS = MAX_JTI_CHARS
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


def _check_jti(jti: object) -> str:
    if not isinstance(jti, str) or not jti or len(jti) > _MAX_JTI_CHARS:
        raise BadRequestError(f"jti must be a non-empty string of at most {_MAX_JTI_CHARS} chars")
    return jti


def _positive_seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequestError(f"{name} must be a number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise BadRequestError(f"{name} must be a finite, positive number of seconds")
    return seconds


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
        self._max = max_entries
        self._max_ttl = _positive_seconds(max_ttl, "max_ttl")
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
        jti = _check_jti(jti)
        expires = _unix_seconds(expires_at)
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
        if expires is None:
            return False
        if expires > self._clock():
            return True
        with self._lock:
            if self._entries.get(jti) == expires:
                del self._entries[jti]
                self._unverified.discard(jti)
        return False

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
    def __init__(
        self,
        prefix: str,
        clock: Callable[[], float] | None,
        max_ttl: float,
        timeout: float,
    ) -> None:
        if not isinstance(prefix, str):
            raise BadRequestError("prefix must be a string")
        self._prefix = prefix
        self._clock: Callable[[], float] = clock or time.time
        self.max_ttl = _positive_seconds(max_ttl, "max_ttl")
        self.timeout = _positive_seconds(timeout, "timeout")

    def key(self, jti: str) -> str:
        return self._prefix + jti

    def ttl(self, expires_at: float | datetime) -> int:
        # Round up: a token valid for 0.2 s more must still be denied for that 0.2 s.
        remaining = _unix_seconds(expires_at) - self._clock()
        if remaining <= 0:
            return 0
        return math.ceil(min(remaining, self.max_ttl))


def _timed_out(timeout: float) -> RealmError:
    return RealmError(
        ErrorCode.SERVER_ERROR,
        f"revocation cache unavailable: EXISTS took longer than {timeout:g}s",
        details={"revocation_unavailable": True},
    )


class RedisRevocationCache:
    """A revocation cache in Redis, shared by every process that points at it.

    One key per revoked ``jti`` (``prefix + jti``), written ``SET key 1 EX ttl NX`` with the
    token's remaining lifetime capped at ``max_ttl`` (default 24 h), so Redis expires it by
    itself and a forged far-future ``exp`` cannot park a key for years. A check is one
    ``EXISTS`` round trip with its own total deadline, ``timeout`` (default 0.3 s): it runs
    on a connection taken from the client's pool, with no retry, and a reply later than
    the deadline fails the check (the connection is dropped). Redis errors and the deadline
    surface as :class:`~realmid.errors.RealmError` (``server_error``,
    ``details["revocation_unavailable"]``), and the verifier then fails closed.

    The deadline bounds the command; connecting is the client's ``socket_connect_timeout``,
    and writes (``revoke``, ``evict``) use the client as configured. Recommended client
    settings: short socket timeouts and **no retries** (redis-py retries a timed-out
    command by default, which multiplies every stall)::

        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry
        cache = RedisRevocationCache(
            redis.Redis(host="redis", socket_timeout=0.3, socket_connect_timeout=0.3,
                        retry=Retry(NoBackoff(), 0)),
            timeout=0.3,
        )
        cache.revoke(claims.jti, claims.exp)
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        self._client = client
        self._keys = _RedisKeys(prefix, clock, max_ttl, timeout)

    def __repr__(self) -> str:
        return f"RedisRevocationCache(prefix={self._keys._prefix!r})"

    @property
    def max_ttl(self) -> float:
        """The longest a key is kept (seconds)."""
        return self._keys.max_ttl

    def revoke(self, jti: str, expires_at: float | datetime, *, verified: bool = True) -> None:
        """Deny ``jti`` until ``expires_at`` (at most ``max_ttl``); a token already past it is
        skipped. ``verified`` is accepted for the :class:`MemRevocationCache` signature:
        Redis evicts by TTL only, and the cap bounds what unverified writes can park."""
        key = self._keys.key(_check_jti(jti))
        ttl = self._keys.ttl(expires_at)
        if ttl <= 0:
            return
        try:
            self._client.set(key, b"1", ex=ttl, nx=True)
        except Exception as exc:
            raise _redis_error("SET", exc) from exc

    def is_revoked(self, jti: str) -> bool:
        """One ``EXISTS`` round trip, within ``timeout`` seconds in all."""
        key = self._keys.key(_check_jti(jti))
        timeout = self._keys.timeout
        client = self._client
        try:
            pool = getattr(client, "connection_pool", None)
            if pool is None or getattr(client, "connection", None) is not None:
                # A client without a pool of its own (single-connection, a wrapper): its
                # own timeouts are the only bound.
                return bool(client.exists(key))
            start = time.monotonic()
            conn = pool.get_connection()
            try:
                conn.send_command("EXISTS", key)
                remaining = timeout - (time.monotonic() - start)
                if remaining <= 0:
                    conn.disconnect()
                    raise _timed_out(timeout)
                try:
                    reply = conn.read_response(timeout=remaining)
                except Exception as exc:
                    if type(exc).__name__ == "TimeoutError":
                        raise _timed_out(timeout) from exc
                    raise
            except BaseException:
                conn.disconnect()  # a reply may still be on its way: never reuse it
                raise
            finally:
                pool.release(conn)
            return bool(reply)
        except RealmError:
            raise
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
    """:class:`RedisRevocationCache` on ``redis.asyncio.Redis``: same keys, ``max_ttl`` and
    ``timeout`` (the check runs under ``asyncio.timeout``, retries included), awaitable.

    ::

        import redis.asyncio
        from redis.backoff import NoBackoff
        from redis.retry import Retry
        cache = AsyncRedisRevocationCache(
            redis.asyncio.Redis(socket_timeout=0.3, socket_connect_timeout=0.3,
                                retry=Retry(NoBackoff(), 0)),
        )
        await cache.revoke(claims.jti, claims.exp)
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        self._client = client
        self._keys = _RedisKeys(prefix, clock, max_ttl, timeout)

    def __repr__(self) -> str:
        return f"AsyncRedisRevocationCache(prefix={self._keys._prefix!r})"

    @property
    def max_ttl(self) -> float:
        """The longest a key is kept (seconds)."""
        return self._keys.max_ttl

    async def revoke(
        self, jti: str, expires_at: float | datetime, *, verified: bool = True
    ) -> None:
        """Deny ``jti`` until ``expires_at`` (at most ``max_ttl``); a token already past it is
        skipped (``verified``: as :meth:`RedisRevocationCache.revoke`)."""
        key = self._keys.key(_check_jti(jti))
        ttl = self._keys.ttl(expires_at)
        if ttl <= 0:
            return
        try:
            await self._client.set(key, b"1", ex=ttl, nx=True)
        except Exception as exc:
            raise _redis_error("SET", exc) from exc

    async def is_revoked(self, jti: str) -> bool:
        """One ``EXISTS`` round trip, within ``timeout`` seconds in all."""
        key = self._keys.key(_check_jti(jti))
        timeout = self._keys.timeout
        try:
            async with asyncio.timeout(timeout):
                return bool(await self._client.exists(key))
        except TimeoutError as exc:
            raise _timed_out(timeout) from exc
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


def _revoke(cache: Any, jti: str, exp: float, verified: bool, max_ttl: float) -> Any:
    # The SDK's caches take the tier and cap TTLs themselves; any other cache gets the
    # protocol's two arguments, the expiry capped here.
    if isinstance(cache, MemRevocationCache | RedisRevocationCache | AsyncRedisRevocationCache):
        return cache.revoke(jti, exp, verified=verified)
    return cache.revoke(jti, min(exp, time.time() + max_ttl))


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
