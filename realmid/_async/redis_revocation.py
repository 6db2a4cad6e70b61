"""The revocation cache in Redis: one key per revoked ``jti``, shared by every replica, and
a local replica of the whole denylist kept in step over pub/sub (the near cache).

This is the async source (``redis.asyncio``); ``python -m generator`` derives the sync
twin (``redis.Redis``). The two faces differ in how a check keeps its deadline
(``realmid._faces.redis_exists_within_*``) and in what runs the near cache's listener (an
asyncio task here, a daemon thread on the sync face: ``realmid._faces.*_listener_*``).
``realmid.revocation`` exports both classes.

The wire protocol every writer speaks (so every near cache stays in step):

- ``revoke``: one script, atomically ``SET prefix+jti 1 EX ttl NX``, then
  ``PUBLISH channel "r <pttl_ms> <jti>"`` with the key's remaining lifetime in
  milliseconds (relative: pods need not agree on the time).
- ``evict``: one script per batch, ``DEL`` each key and ``PUBLISH channel "e <jti>"``.

A near cache trusts its replica only while its subscription is known live: it subscribed
before it loaded the keys (so no write in between is lost), and it heard from Redis (a
message or the PONG of its own PING) within the last ``timeout`` seconds. Anything else
(a dropped or re-established connection, a missing PONG, an event it does not understand,
a replica past ``max_entries``) drops the replica: checks go to Redis (``EXISTS``, fail
closed) until a fresh subscription has reloaded every key.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from realmid import _inputs, _telemetry
from realmid._faces import (
    listener_alive_async,
    nap_async,
    pause_async,
    raise_if_cancelled_async,
    redis_exists_within_async,
    start_listener_async,
    stop_listener_async,
)
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.revocation import (
    DEFAULT_MAX_TTL,
    DEFAULT_REDIS_PREFIX,
    DEFAULT_REDIS_TIMEOUT,
    MemRevocationCache,
)

if TYPE_CHECKING:
    from realmid._faces import AsyncListener, AsyncRedisClient

logger = logging.getLogger("realmid")

# The most revocations a near cache mirrors (past that it stops answering locally, never
# drops one).
DEFAULT_NEAR_CACHE_ENTRIES = 1_000_000
_CHANNEL_SUFFIX = "events"
# Reconnection backoff of the listener (doubling), and the pause before a replica that
# outgrew max_entries is tried again (revocations expire, so it may fit later).
_BACKOFF_MIN = 0.05
_BACKOFF_MAX = 2.0
_OVERFLOW_RETRY = 30.0
_LOAD_BATCH = 500

# KEYS[1] = prefix + jti; ARGV = ttl seconds, channel, jti. Returns the key's PTTL (ms).
_REVOKE_SCRIPT = """
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1], 'NX')
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PUBLISH', ARGV[2], 'r ' .. ttl .. ' ' .. ARGV[3]) end
return ttl
"""
# KEYS = prefix + jti each; ARGV = channel, then the jtis in KEYS' order.
_EVICT_SCRIPT = """
for i, key in ipairs(KEYS) do
  redis.call('DEL', key)
  redis.call('PUBLISH', ARGV[1], 'e ' .. ARGV[i + 1])
end
return #KEYS
"""
_PTTL_SCRIPT = """
local ttls = {}
for i, key in ipairs(KEYS) do ttls[i] = redis.call('PTTL', key) end
return ttls
"""


class _Resync(Exception):
    """The replica can no longer be trusted: drop it and reload."""


class _Overflow(_Resync):
    """The live denylist outgrew ``max_entries``."""


class AsyncRedisRevocationCache:
    """A revocation cache in Redis, shared by every process that points at it.

    One key per revoked ``jti`` (``prefix + jti``), written ``SET key 1 EX ttl NX`` with the
    token's remaining lifetime capped at ``max_ttl`` (default 24 h), so Redis expires it by
    itself and a forged far-future ``exp`` cannot park a key for years. Redis errors and
    deadlines surface as :class:`~realmid.errors.RealmError` (``server_error``,
    ``details["revocation_unavailable"]``), and the verifier then fails closed.

    **Near cache** (``near_cache=True``, the default). The first check starts a background
    listener (a task of the running loop on the async face, a daemon thread on the sync
    face) that subscribes to ``channel`` (default ``prefix + "events"``), then loads every
    live key under the prefix (SCAN + PTTL) into a local replica, jti → expiry. From then
    on a check is a dict lookup (``is_revoked`` and the I/O-free ``is_revoked_locally``),
    and every ``revoke`` / ``evict`` through any cache on the prefix reaches every replica
    over the channel within milliseconds. Each entry expires at its own expiry (at most
    ``max_ttl``). The replica is answered from only while the listener heard from Redis
    within the last ``timeout`` seconds (it PINGs an idle subscription every
    ``health_interval``, default ``timeout / 3``), so a Redis that stops answering stops
    the local answers within ``timeout``, as it fails an ``EXISTS``. A dropped connection,
    a missing PONG, or more than
    ``max_entries`` live revocations drop it, and checks go to Redis (below) until the
    listener has resubscribed (with backoff) and reloaded everything. Every writer on the
    prefix must be a cache of this version (it publishes what it writes); a key written
    by other means is seen at the next reload only. ``near_cache=False``: every check goes
    to Redis. The cache's owner closes it (``aclose()``), which stops the listener; a
    realm handle does not close the cache it was given.

    **Redis check** (no near cache, or the replica not in step): one ``EXISTS`` round trip
    with its own total deadline, ``timeout`` (default 0.3 s), retries included; a reply
    later than that fails the check.

    The deadline bounds the check; connecting is the client's ``socket_connect_timeout``,
    and writes (``revoke``, ``evict``) use the client as configured. Recommended client
    settings: short socket timeouts and **no retries** (redis-py retries a timed-out
    command by default, which multiplies every stall)::

        import redis.asyncio
        from redis.backoff import NoBackoff
        from redis.retry import Retry
        cache = AsyncRedisRevocationCache(
            redis.asyncio.Redis(host="redis", socket_timeout=0.3, socket_connect_timeout=0.3,
                                retry=Retry(NoBackoff(), 0)),
            timeout=0.3,
        )
        await cache.revoke(claims.jti, claims.exp)
        ...
        await cache.aclose()
    """

    def __init__(
        self,
        client: AsyncRedisClient,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
        near_cache: bool = True,
        channel: str | None = None,
        max_entries: int = DEFAULT_NEAR_CACHE_ENTRIES,
        health_interval: float | None = None,
    ) -> None:
        if not isinstance(prefix, str):
            raise BadRequestError("prefix must be a string")
        if channel is not None and (not isinstance(channel, str) or not channel):
            raise BadRequestError("channel must be a non-empty string (or None)")
        if not isinstance(near_cache, bool):
            raise BadRequestError("near_cache must be True or False")
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise BadRequestError("max_entries must be a positive integer")
        self._client = client
        self._prefix = prefix
        self._channel = channel if channel is not None else prefix + _CHANNEL_SUFFIX
        self._clock: Callable[[], float] = clock or time.time
        self._max_ttl = _inputs.duration(max_ttl, "max_ttl", allow_zero=False)
        self._timeout = _inputs.duration(timeout, "timeout", allow_zero=False)
        if health_interval is None:
            health_interval = self._timeout / 3
        self._health = _inputs.duration(health_interval, "health_interval", allow_zero=False)
        if self._health >= self._timeout:
            raise BadRequestError("health_interval must be shorter than timeout")
        self._near = near_cache
        self._max_entries = max_entries
        # The replica the checks read: None while it is not known to be in step. Only
        # trusted until _lease_until (monotonic), which every word from Redis extends.
        self._replica: MemRevocationCache | None = None
        self._lease_until = 0.0
        self._pause_at = 0.0
        self._overflowed = False
        self._went_live = False
        self._outage_logged = False
        self._listener: AsyncListener | None = None
        self._generation = 0  # the listener that owns the replica; older ones stand down
        self._stop = threading.Event()
        self._start_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(prefix={self._prefix!r}, near_cache={self._near})"

    @property
    def max_ttl(self) -> float:
        """The longest a key is kept (seconds)."""
        return self._max_ttl

    @property
    def timeout(self) -> float:
        """The total time a check may take (seconds)."""
        return self._timeout

    @property
    def channel(self) -> str:
        """The pub/sub channel every write is announced on."""
        return self._channel

    @property
    def near_cache(self) -> bool:
        """Whether checks are answered from a local replica while it is in step."""
        return self._near

    @property
    def in_sync(self) -> bool:
        """True while checks are answered from the local replica (no round trip)."""
        return self._replica is not None and time.monotonic() < self._lease_until

    async def revoke(
        self, jti: str, expires_at: float | datetime, *, verified: bool = True
    ) -> None:
        """Deny ``jti`` until ``expires_at`` (at most ``max_ttl``); a token already past it is
        skipped. ``verified`` is accepted for the :class:`~realmid.MemRevocationCache`
        signature: Redis evicts by TTL only, and the cap bounds what unverified writes can
        park. The write is announced on the channel to every near cache."""
        jti = _inputs.jti(jti)
        key = self._prefix + jti
        # Round up: a token valid for 0.2 s more must still be denied for that 0.2 s.
        remaining = _inputs.expiry(expires_at) - self._clock()
        if remaining <= 0:
            return
        ttl = math.ceil(min(remaining, self._max_ttl))
        try:
            pttl = await self._client.eval(_REVOKE_SCRIPT, 1, key, ttl, self._channel, jti)
        except Exception as exc:
            raise _unavailable("SET failed", exc) from exc
        replica = self._replica
        if replica is not None and isinstance(pttl, int) and pttl > 0:
            # Read your writes: this process denies it now, not when the event comes back.
            try:
                self._add(replica, jti, pttl)
            except _Overflow:
                self._drop(replica, overflow=True)

    async def is_revoked(self, jti: str) -> bool:
        """From the replica while it is in step; else one ``EXISTS`` round trip, within
        ``timeout`` seconds in all."""
        jti = _inputs.jti(jti)
        local = self.is_revoked_locally(jti)
        if local is not None:
            now = time.monotonic()
            if now >= self._pause_at:  # a few times per health interval, at most
                self._pause_at = now + self._health / 4
                await pause_async()
            return local
        key = self._prefix + jti
        revoked: bool | None = None
        try:
            with _telemetry.revocation_span("redis") as span:  # the round trip only
                try:
                    revoked = await redis_exists_within_async(self._client, key, self._timeout)
                except TimeoutError as exc:
                    raise _unavailable(f"EXISTS took longer than {self._timeout:g}s", None) from exc
                except Exception as exc:
                    raise _unavailable("EXISTS failed", exc) from exc
                span.set(_telemetry.OUTCOME, "revoked" if revoked else "not_revoked")
                return revoked
        finally:
            _telemetry.revocation_checked("redis", "redis", revoked)

    def is_revoked_locally(self, jti: str) -> bool | None:
        """The replica's answer, with no I/O; None while the replica is not in step (or
        ``near_cache=False``): only :meth:`is_revoked` can tell then. Starts the listener
        on first use."""
        replica = self._replica
        if replica is None or time.monotonic() >= self._lease_until:
            if self._near:
                self._ensure_listener()
            return None
        revoked = replica._check(jti)
        _telemetry.revocation_checked("redis", "near_cache", revoked)
        return revoked

    async def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every key under the prefix (SCAN + DEL).
        Announced on the channel to every near cache."""
        try:
            if jti:
                await self._evict_batch([jti])
                return
            batch: list[str] = []
            async for key in self._client.scan_iter(match=_glob_escape(self._prefix) + "*"):
                batch.append(self._jti_of(key))
                if len(batch) >= _LOAD_BATCH:
                    await self._evict_batch(batch)
                    batch = []
            if batch:
                await self._evict_batch(batch)
        except Exception as exc:
            raise _unavailable("DEL failed", exc) from exc

    async def aclose(self) -> None:
        """Stop the near cache's listener and drop the replica; later checks go to Redis.
        The Redis client is the caller's to close."""
        self._stop.set()
        self._generation += 1
        self._replica = None
        listener, self._listener = self._listener, None
        await stop_listener_async(listener)

    # -- writes ---------------------------------------------------------------------------

    async def _evict_batch(self, jtis: list[str]) -> None:
        keys = [self._prefix + jti for jti in jtis]
        await self._client.eval(_EVICT_SCRIPT, len(keys), *keys, self._channel, *jtis)
        replica = self._replica
        if replica is not None:
            for jti in jtis:
                replica.evict(jti)

    def _jti_of(self, key: bytes | str) -> str:
        text = key.decode("utf-8", "surrogateescape") if isinstance(key, bytes) else key
        return text[len(self._prefix) :]

    # -- the replica ----------------------------------------------------------------------

    def _add(self, replica: MemRevocationCache, jti: str, pttl_ms: int) -> None:
        if not jti or len(jti) > _inputs.MAX_JTI_CHARS:
            return  # never asked: the verifier refuses such a jti before any check
        if len(replica) >= self._max_entries and not replica._check(jti):
            raise _Overflow("more live revocations than max_entries")
        replica.revoke(jti, self._clock() + pttl_ms / 1000.0)

    def _drop(self, replica: MemRevocationCache, *, overflow: bool = False) -> None:
        if self._replica is replica:
            self._replica = None
            if overflow:
                self._overflowed = True

    def _ensure_listener(self) -> None:
        if self._stop.is_set() or listener_alive_async(self._listener):
            return
        with self._start_lock:
            if self._stop.is_set() or listener_alive_async(self._listener):
                return
            self._generation += 1
            generation = self._generation
            self._listener = start_listener_async(lambda: self._listen(generation))

    def _current(self, generation: int) -> bool:
        return generation == self._generation and not self._stop.is_set()

    async def _listen(self, generation: int) -> None:
        delay = _BACKOFF_MIN
        while self._current(generation):
            self._overflowed = False
            self._went_live = False
            try:
                await self._session(generation)
            except _Overflow:
                logger.warning(
                    "realmid: revocation near cache holds more than %d entries; checks go to "
                    "Redis, retrying in %gs",
                    self._max_entries,
                    _OVERFLOW_RETRY,
                )
                self._overflowed = True
            except _Resync as exc:
                logger.info("realmid: revocation near cache resyncing (%s)", exc)
            except Exception as exc:
                # Once per outage: a Redis down for an hour is one warning, not thousands.
                logger.log(
                    logging.DEBUG if self._outage_logged else logging.WARNING,
                    "realmid: revocation near cache lost its subscription (%s); checks go "
                    "to Redis until it is back",
                    type(exc).__name__,
                )
                self._outage_logged = True
            raise_if_cancelled_async()
            if not self._current(generation):
                return
            if self._overflowed:
                await nap_async(self._stop, _OVERFLOW_RETRY)
                delay = _BACKOFF_MIN
                continue
            if self._went_live:
                delay = _BACKOFF_MIN  # it was in step: reconnect at once (after a breath)
            await nap_async(self._stop, delay)
            delay = min(delay * 2, _BACKOFF_MAX)

    async def _session(self, generation: int) -> None:
        """Subscribe, load, then follow the channel until something breaks (raised) or the
        cache is closed or the replica dropped (returned)."""
        pubsub = self._client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        replica: MemRevocationCache | None = None
        try:
            await pubsub.subscribe(self._channel)
            # Subscribed (the server confirmed it) BEFORE the SCAN: nothing is lost between.
            deadline = time.monotonic() + self._timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no SUBSCRIBE confirmation")
                message = await pubsub.get_message(timeout=left)
                if message is not None and message["type"] == "subscribe":
                    break
            replica = MemRevocationCache(
                clock=self._clock, max_entries=self._max_entries, max_ttl=self._max_ttl
            )
            await self._load(replica)
            while (message := await pubsub.get_message(timeout=0.0)) is not None:
                self._handle(replica, message)  # what was written while we loaded
            if not self._current(generation):
                return
            last_heard = time.monotonic()
            self._lease_until = last_heard + self._timeout
            self._replica = replica
            self._went_live = True
            self._outage_logged = False
            pinged: float | None = None  # when the unanswered PING went out
            while True:
                raise_if_cancelled_async()
                if not self._current(generation) or self._replica is not replica:
                    return  # closed, superseded, or dropped by a write (overflow)
                now = time.monotonic()
                # Measured from the PING, not from the last word: a listener that was kept
                # from running (a busy loop) is not a lost connection. The checks stop
                # trusting the replica at _lease_until either way.
                if pinged is not None and now >= pinged + self._timeout:
                    raise _Resync(f"no PONG within {self._timeout:g}s")
                if pinged is None and now >= last_heard + self._health:
                    await pubsub.ping()
                    pinged = now
                    len(replica)  # and sweep the expired entries meanwhile
                if pinged is not None:
                    wait = pinged + self._timeout - now
                else:
                    wait = last_heard + self._health - now
                message = await pubsub.get_message(timeout=max(wait, 0.001))
                if message is None:
                    continue
                last_heard = time.monotonic()
                self._lease_until = last_heard + self._timeout
                pinged = None
                self._handle(replica, message)
        finally:
            if replica is not None:
                self._drop(replica)
            with contextlib.suppress(Exception):  # the connection may be gone already
                await pubsub.aclose()  # type: ignore[no-untyped-call,unused-ignore]

    async def _load(self, replica: MemRevocationCache) -> None:
        keys: list[Any] = []
        async for key in self._client.scan_iter(match=_glob_escape(self._prefix) + "*", count=1000):
            keys.append(key)
            if len(keys) >= _LOAD_BATCH:
                await self._load_batch(replica, keys)
                keys = []
        if keys:
            await self._load_batch(replica, keys)

    async def _load_batch(self, replica: MemRevocationCache, keys: list[Any]) -> None:
        ttls = await self._client.eval(_PTTL_SCRIPT, len(keys), *keys)
        for key, ttl in zip(keys, ttls, strict=True):
            if ttl == -2:
                continue  # gone since the SCAN
            # -1: a key without expiry (written by other means): keep it for max_ttl.
            self._add(replica, self._jti_of(key), ttl if ttl > 0 else int(self._max_ttl * 1000))

    def _handle(self, replica: MemRevocationCache, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "pong":
            return
        if kind != "message":
            # A second "subscribe": the client reconnected on its own, and whatever was
            # published meanwhile is lost. Anything else: not a state we know.
            raise _Resync(f"unexpected {kind!r} on the subscription")
        data = message["data"]
        text = data.decode("utf-8", "surrogateescape") if isinstance(data, bytes) else str(data)
        op, _, rest = text.partition(" ")
        if op == "r":
            pttl, _, jti = rest.partition(" ")
            if not pttl.isdigit():
                raise _Resync("malformed revoke event")
            self._add(replica, jti, int(pttl))
        elif op == "e":
            replica.evict(rest)
        else:
            raise _Resync("unknown event")  # a newer writer: reload rather than guess


def _unavailable(what: str, exc: BaseException | None) -> RealmError:
    # The message names the failure, never the key (a jti is an identifier worth keeping
    # out of logs); the cause is chained for the operator.
    kind = f" ({type(exc).__name__})" if exc is not None else ""
    return RealmError(
        ErrorCode.SERVER_ERROR,
        f"revocation cache unavailable: {what}{kind}",
        details={"revocation_unavailable": True},
        cause=exc,
    )


def _glob_escape(text: str) -> str:
    # SCAN MATCH is a glob: a prefix with '*' or '[' must match itself only.
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
