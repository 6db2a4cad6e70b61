"""The revocation cache in Redis: one key per revoked ``jti``, shared by every replica.

This is the async source (``redis.asyncio``); ``python -m generator`` derives the sync
twin (``redis.Redis``). The two faces differ only in how a check keeps its deadline
(``realmid._faces.redis_exists_within_*``). ``realmid.revocation`` exports both classes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from realmid import _inputs
from realmid._faces import redis_exists_within_async
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.revocation import DEFAULT_MAX_TTL, DEFAULT_REDIS_PREFIX, DEFAULT_REDIS_TIMEOUT

if TYPE_CHECKING:
    from realmid._faces import AsyncRedisClient


class AsyncRedisRevocationCache:
    """A revocation cache in Redis, shared by every process that points at it.

    One key per revoked ``jti`` (``prefix + jti``), written ``SET key 1 EX ttl NX`` with the
    token's remaining lifetime capped at ``max_ttl`` (default 24 h), so Redis expires it by
    itself and a forged far-future ``exp`` cannot park a key for years. A check is one
    ``EXISTS`` round trip with its own total deadline, ``timeout`` (default 0.3 s), retries
    included; a reply later than that fails the check. Redis errors and the deadline
    surface as :class:`~realmid.errors.RealmError` (``server_error``,
    ``details["revocation_unavailable"]``), and the verifier then fails closed.

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
    """

    def __init__(
        self,
        client: AsyncRedisClient,
        prefix: str = DEFAULT_REDIS_PREFIX,
        *,
        clock: Callable[[], float] | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
        timeout: float = DEFAULT_REDIS_TIMEOUT,
    ) -> None:
        if not isinstance(prefix, str):
            raise BadRequestError("prefix must be a string")
        self._client = client
        self._prefix = prefix
        self._clock: Callable[[], float] = clock or time.time
        self._max_ttl = _inputs.duration(max_ttl, "max_ttl", allow_zero=False)
        self._timeout = _inputs.duration(timeout, "timeout", allow_zero=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(prefix={self._prefix!r})"

    @property
    def max_ttl(self) -> float:
        """The longest a key is kept (seconds)."""
        return self._max_ttl

    @property
    def timeout(self) -> float:
        """The total time a check may take (seconds)."""
        return self._timeout

    async def revoke(
        self, jti: str, expires_at: float | datetime, *, verified: bool = True
    ) -> None:
        """Deny ``jti`` until ``expires_at`` (at most ``max_ttl``); a token already past it is
        skipped. ``verified`` is accepted for the :class:`~realmid.MemRevocationCache`
        signature: Redis evicts by TTL only, and the cap bounds what unverified writes can
        park."""
        key = self._prefix + _inputs.jti(jti)
        # Round up: a token valid for 0.2 s more must still be denied for that 0.2 s.
        remaining = _inputs.expiry(expires_at) - self._clock()
        if remaining <= 0:
            return
        try:
            await self._client.set(key, b"1", ex=math.ceil(min(remaining, self._max_ttl)), nx=True)
        except Exception as exc:
            raise _unavailable("SET failed", exc) from exc

    async def is_revoked(self, jti: str) -> bool:
        """One ``EXISTS`` round trip, within ``timeout`` seconds in all."""
        key = self._prefix + _inputs.jti(jti)
        try:
            return await redis_exists_within_async(self._client, key, self._timeout)
        except TimeoutError as exc:
            raise _unavailable(f"EXISTS took longer than {self._timeout:g}s", None) from exc
        except Exception as exc:
            raise _unavailable("EXISTS failed", exc) from exc

    async def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every key under the prefix (SCAN + DEL)."""
        try:
            if jti:
                await self._client.delete(self._prefix + jti)
                return
            batch: list[Any] = []
            async for key in self._client.scan_iter(match=_glob_escape(self._prefix) + "*"):
                batch.append(key)
                if len(batch) >= 500:
                    await self._client.delete(*batch)
                    batch.clear()
            if batch:
                await self._client.delete(*batch)
        except Exception as exc:
            raise _unavailable("DEL failed", exc) from exc


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
