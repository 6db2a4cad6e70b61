"""The per-face peers: each name here has an async and a sync version, and the twin
generator swaps one for the other.

The async sources (``realmid/_async``, ``realmid/middleware/_async``) use the async names;
``python -m generator`` rewrites them into the sync twins with unasync, so ``AsyncLock``
becomes ``SyncLock``, ``settle_async`` becomes ``settle_sync``, and so on
(``generator/twins.py`` lists the pairs whose names differ by more than the prefix). What
cannot be written once for both faces lives here, as a pair.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from realmid_api.types import Response

from realmid.errors import BadRequestError

if TYPE_CHECKING:
    import redis
    import redis.asyncio

    from realmid.models import Page
    from realmid.revocation import AsyncRevocationCache, RevocationCache

    AsyncRedisClient = redis.asyncio.Redis
    SyncRedisClient = redis.Redis

AsyncLock = asyncio.Lock
SyncLock = threading.Lock

# A generated endpoint function: `<module>.asyncio_detailed` / `<module>.sync_detailed`.
AsyncOp = Callable[..., Awaitable[Response[Any]]]
SyncOp = Callable[..., Response[Any]]

T = TypeVar("T")

# Fetches one page: (cursor, limit) -> Page. The sync twin's fetch returns the page itself.
AsyncPageFetch = Callable[[str | None, int | None], Awaitable["Page[T]"]]
SyncPageFetch = Callable[[str | None, int | None], "Page[T]"]

# What an awaited call gives back: `Awaitable[T]` on the async face, plain `T` on the sync.
AsyncResult = Awaitable[T]
SyncResult = Annotated[T, "returned directly"]


async def settle_async(method: Callable[..., Any], *args: Any) -> Any:
    """Call a pluggable's method (e.g. a revocation cache's) and await it if it is async."""
    value = method(*args)
    if inspect.isawaitable(value):
        return await value
    return value


def settle_sync(method: Callable[..., Any], *args: Any) -> Any:
    """The sync face's pluggables are sync: call and return."""
    return method(*args)


def cache_for_async_face(
    cache: RevocationCache | AsyncRevocationCache,
) -> RevocationCache | AsyncRevocationCache:
    """An AsyncRealm takes a sync or an async revocation cache."""
    return cache


def cache_for_sync_face(cache: RevocationCache | AsyncRevocationCache) -> RevocationCache:
    """A Realm needs a sync cache: an async one would hand back coroutines nobody awaits."""
    if inspect.iscoroutinefunction(getattr(cache, "is_revoked", None)):
        raise BadRequestError(
            f"{type(cache).__name__} is an async revocation cache; use it with AsyncRealm, "
            "or give Realm a sync one (MemRevocationCache, RedisRevocationCache)"
        )
    return cache  # type: ignore[return-value]


async def redis_exists_within_async(client: AsyncRedisClient, key: str, timeout: float) -> bool:
    """``EXISTS key`` within ``timeout`` seconds in all, retries included; TimeoutError past it."""
    async with asyncio.timeout(timeout):
        return bool(await client.exists(key))


def redis_exists_within_sync(client: SyncRedisClient, key: str, timeout: float) -> bool:
    """``EXISTS key`` within ``timeout`` seconds in all; TimeoutError past it.

    redis-py's sync client has no total deadline (it retries a timed-out command by
    default), so the command runs on a connection taken from the client's pool, once, and
    the reply is read with what is left of the deadline. A connection whose reply may still
    be on its way is dropped, never reused.
    """
    pool = getattr(client, "connection_pool", None)
    if pool is None or getattr(client, "connection", None) is not None:
        # A client without a pool of its own (single-connection, a wrapper): its own
        # timeouts are the only bound.
        return bool(client.exists(key))
    start = time.monotonic()
    conn = pool.get_connection()
    try:
        conn.send_command("EXISTS", key)
        remaining = timeout - (time.monotonic() - start)
        if remaining <= 0:
            raise TimeoutError
        try:
            reply = conn.read_response(timeout=remaining)
        except Exception as exc:
            if type(exc).__name__ == "TimeoutError":  # redis.exceptions.TimeoutError
                raise TimeoutError from exc
            raise
    except BaseException:
        conn.disconnect()
        raise
    finally:
        pool.release(conn)
    return bool(reply)
