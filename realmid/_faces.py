"""The per-face peers: each name here has an async and a sync version, and the twin
generator swaps one for the other.

The async sources (``realmid/_async``, ``realmid/middleware/_async``) use the async names;
``python -m generator`` rewrites them into the sync twins with unasync, so ``AsyncLock``
becomes ``SyncLock``, ``settle_async`` becomes ``settle_sync``, and so on
(``generator/twins.py`` lists the pairs whose names differ by more than the prefix). What
cannot be written once for both faces lives here, as a pair.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from realmid_api.types import Response

from realmid.errors import BadRequestError

# asyncio is imported inside the functions that use it: only the async face calls them,
# when a loop runs (so it is a dict lookup by then), and `from realmid import Realm` stays
# without it.
if TYPE_CHECKING:
    import asyncio

    import redis
    import redis.asyncio

    from realmid.models import Page
    from realmid.revocation import AsyncRevocationCache, RevocationCache

    AsyncRedisClient = redis.asyncio.Redis
    SyncRedisClient = redis.Redis


class AsyncLock:
    """An ``asyncio.Lock`` per event loop, for objects that outlive the loops they serve.

    An ``asyncio.Lock`` binds to the loop it is first contended on and fails on any other
    ("bound to a different event loop"), so a handle used by two successive
    ``asyncio.run`` calls, or by a test client that starts a loop per request, would break
    on its second loop. Here each running loop gets its own lock (mutual exclusion within a
    loop is all asyncio can give; across loops there is nothing to share). Locks of closed
    loops are dropped when the next loop arrives.

    >>> import asyncio
    >>> lock = AsyncLock()
    >>> async def work() -> str:
    ...     async with lock:
    ...         return "held"
    >>> asyncio.run(work()), asyncio.run(work())
    ('held', 'held')
    """

    __slots__ = ("_guard", "_locks")

    def __init__(self) -> None:
        # id(loop) -> (loop, its lock). The loop is held strongly (its lock refers to it
        # anyway); entries go once their loop is closed.
        self._locks: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}
        self._guard = threading.Lock()  # two loops in two threads may arrive at once

    def _for_running_loop(self) -> asyncio.Lock:
        import asyncio

        loop = asyncio.get_running_loop()
        entry = self._locks.get(id(loop))
        if entry is not None and entry[0] is loop:
            return entry[1]
        with self._guard:
            for key, (other, _) in list(self._locks.items()):
                if other.is_closed():
                    del self._locks[key]
            lock = asyncio.Lock()
            self._locks[id(loop)] = (loop, lock)
            return lock

    async def __aenter__(self) -> None:
        await self._for_running_loop().acquire()

    async def __aexit__(self, *exc_info: object) -> None:
        # The same loop as __aenter__ (a task never changes loops), so the same lock.
        self._for_running_loop().release()


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
    import asyncio

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


# The background listener of a Redis revocation cache's near cache
# (realmid/_async/redis_revocation.py): an asyncio task on the async face, a daemon thread
# on the sync face. The cache's `aclose()` / `close()` stops it.
SyncListener = threading.Thread
if TYPE_CHECKING:
    AsyncListener = asyncio.Task[None]


def start_listener_async(run: Callable[[], Coroutine[Any, Any, None]]) -> AsyncListener | None:
    """Run ``run()`` as a task of the running loop; None outside one (nothing to run it on:
    the caller keeps answering from Redis)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.create_task(run(), name="realmid-revocation-listener")


def start_listener_sync(run: Callable[[], None]) -> SyncListener:
    """Run ``run()`` on a daemon thread."""
    thread = threading.Thread(target=run, name="realmid-revocation-listener", daemon=True)
    thread.start()
    return thread


def listener_alive_async(task: AsyncListener | None) -> bool:
    """True while ``task`` runs on the running loop (a task of a loop since gone is not)."""
    import asyncio

    if task is None or task.done():
        return False
    try:
        return task.get_loop() is asyncio.get_running_loop()
    except RuntimeError:  # asked outside any loop: nothing to restart it on anyway
        return True


def listener_alive_sync(thread: SyncListener | None) -> bool:
    """True while ``thread`` runs."""
    return thread is not None and thread.is_alive()


async def stop_listener_async(task: AsyncListener | None) -> None:
    """Cancel ``task`` and wait for it to end (on its own loop: a foreign one is told only)."""
    import asyncio

    if task is None or task.done():
        return
    loop = task.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:  # pragma: no cover - aclose is awaited, so a loop runs
        running = None
    if loop is not running:
        if not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def stop_listener_sync(thread: SyncListener | None) -> None:
    """The thread sees the cache's stop flag at its next wake-up (within the health interval)
    and ends; nothing to wait for here."""


async def nap_async(stop: threading.Event, seconds: float) -> None:
    """Sleep ``seconds`` (``aclose()`` cancels the task, which ends the nap)."""
    import asyncio

    if not stop.is_set():
        await asyncio.sleep(seconds)


def nap_sync(stop: threading.Event, seconds: float) -> None:
    """Sleep ``seconds``, or less if ``stop`` is set meanwhile."""
    stop.wait(seconds)


async def pause_async() -> None:
    """Let the loop run its other tasks once (the near cache's listener among them): a
    check answered locally never suspends, and a loop busy with such checks would starve it."""
    import asyncio

    await asyncio.sleep(0)


def pause_sync() -> None:
    """The listener is a thread of its own: nothing to give way to."""


def raise_if_cancelled_async() -> None:
    """Re-raise a cancellation a library swallowed (a read's timeout can turn the
    ``CancelledError`` of ``aclose()`` / ``asyncio.run``'s shutdown into a TimeoutError):
    the listener must end when its task is cancelled, not reconnect."""
    import asyncio

    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def raise_if_cancelled_sync() -> None:
    """A thread is not cancelled: the cache's stop flag ends it."""
