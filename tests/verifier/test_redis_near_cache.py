"""The Redis revocation caches' near cache (issue 15, item 2), against a real redis-server.

A local replica of the whole denylist, kept in step over pub/sub: checks answer from it
with no round trip while the subscription is known live, and go to Redis (``EXISTS``,
failing closed) whenever it is not. Every "eventually" below is a poll with a generous
deadline; no test asserts a duration.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import redis
import redis.asyncio as redis_asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry
from verifier_support import RedisProcess, free_port

from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.revocation import (
    DEFAULT_REDIS_PREFIX,
    AsyncRedisRevocationCache,
    RedisRevocationCache,
)

DEADLINE = 10.0  # generous: "eventually", never a timing claim
CHANNEL = DEFAULT_REDIS_PREFIX + "events"


def client(proc: RedisProcess) -> redis.Redis:
    return redis.Redis.from_url(
        proc.url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


def async_client(proc: RedisProcess) -> redis_asyncio.Redis:
    return redis_asyncio.Redis.from_url(
        proc.url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


def exists_calls(admin: redis.Redis) -> int:
    """EXISTS commands the server has run so far (the near cache's PINGs do not count)."""
    stats = admin.info("commandstats")
    return int(stats.get("cmdstat_exists", {}).get("calls", 0))


def subscribers(admin: redis.Redis) -> int:
    return int(dict(admin.pubsub_numsub(CHANNEL))[CHANNEL.encode()])


def wait_until(predicate: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


async def await_until(predicate: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not predicate():
        assert time.monotonic() < deadline, f"never: {what}"
        await asyncio.sleep(0.005)


def in_sync(cache: RedisRevocationCache) -> bool:
    cache.is_revoked_locally("probe")  # the first check starts the listener
    return cache.in_sync


def synced(proc: RedisProcess, **options: object) -> RedisRevocationCache:
    cache = RedisRevocationCache(client(proc), **options)  # type: ignore[arg-type]
    wait_until(lambda: in_sync(cache), "the replica is in step")
    return cache


async def async_synced(
    proc: RedisProcess, **options: object
) -> tuple[AsyncRedisRevocationCache, redis_asyncio.Redis]:
    r = async_client(proc)
    cache = AsyncRedisRevocationCache(r, **options)  # type: ignore[arg-type]

    def ready() -> bool:
        cache.is_revoked_locally("probe")
        return cache.in_sync

    await await_until(ready, "the async replica is in step")
    return cache, r


def run(main: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(main())  # type: ignore[arg-type]


# ------------------------------------------------------------- answers with no round trip


def test_replica_answers_without_a_round_trip(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    writer = RedisRevocationCache(client(redis_proc), near_cache=False)
    writer.revoke("loaded", time.time() + 600)  # before the replica: found by the SCAN
    cache = synced(redis_proc)
    cache.revoke("own", time.time() + 600)
    before = exists_calls(admin)
    for _ in range(50):
        assert cache.is_revoked("loaded")
        assert cache.is_revoked("own")  # its own write, at once
        assert not cache.is_revoked("never-revoked")
        assert cache.is_revoked_locally("loaded") is True
        assert cache.is_revoked_locally("never-revoked") is False
    assert exists_calls(admin) == before
    cache.close()


def test_async_replica_answers_without_a_round_trip(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    RedisRevocationCache(admin, near_cache=False).revoke("loaded", time.time() + 600)

    async def main() -> None:
        cache, r = await async_synced(redis_proc)
        await cache.revoke("own", time.time() + 600)
        before = exists_calls(admin)
        for _ in range(50):
            assert await cache.is_revoked("loaded")
            assert await cache.is_revoked("own")
            assert not await cache.is_revoked("never-revoked")
            assert cache.is_revoked_locally("loaded") is True
        assert exists_calls(admin) == before
        await cache.aclose()
        await r.aclose()

    run(main)


def test_near_cache_off_every_check_is_an_exists(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    cache = RedisRevocationCache(client(redis_proc), near_cache=False)
    cache.revoke("x", time.time() + 600)
    before = exists_calls(admin)
    for _ in range(20):
        assert cache.is_revoked("x")
        assert cache.is_revoked_locally("x") is None
    assert exists_calls(admin) - before == 20
    assert subscribers(admin) == 0  # no listener was started
    assert not cache.in_sync


def test_async_near_cache_off_every_check_is_an_exists(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)

    async def main() -> None:
        r = async_client(redis_proc)
        cache = AsyncRedisRevocationCache(r, near_cache=False)
        await cache.revoke("x", time.time() + 600)
        before = exists_calls(admin)
        for _ in range(20):
            assert await cache.is_revoked("x")
            assert cache.is_revoked_locally("x") is None
        assert exists_calls(admin) - before == 20
        assert subscribers(admin) == 0
        await r.aclose()

    run(main)


# ---------------------------------------------------------- shared across processes' caches


def test_a_revocation_through_another_instance_is_seen(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    writer = RedisRevocationCache(client(redis_proc))  # another pod: its own client
    reader = synced(redis_proc)
    before = exists_calls(admin)
    writer.revoke("elsewhere", time.time() + 600)
    wait_until(lambda: reader.is_revoked_locally("elsewhere"), "the event reached the replica")
    assert reader.is_revoked("elsewhere")
    assert exists_calls(admin) == before  # it came over the channel, not by asking
    reader.close()


def test_async_revocation_through_another_instance_is_seen(redis_proc: RedisProcess) -> None:
    writer = RedisRevocationCache(client(redis_proc))

    async def main() -> None:
        reader, r = await async_synced(redis_proc)
        writer.revoke("elsewhere", time.time() + 600)
        await await_until(lambda: reader.is_revoked_locally("elsewhere"), "the event arrived")
        # And the other way: an async writer reaches a sync replica.
        sync_reader = synced(redis_proc)
        await reader.revoke("from-async", time.time() + 600)
        await await_until(lambda: sync_reader.is_revoked_locally("from-async"), "the event arrived")
        sync_reader.close()
        await reader.aclose()
        await r.aclose()

    run(main)


def test_evict_propagates(redis_proc: RedisProcess) -> None:
    writer = RedisRevocationCache(client(redis_proc))
    reader = synced(redis_proc)
    for jti in ("a", "b", "c"):
        writer.revoke(jti, time.time() + 600)
    wait_until(lambda: reader.is_revoked_locally("c"), "the revocations arrived")
    writer.evict("a")
    wait_until(lambda: reader.is_revoked_locally("a") is False, "the eviction arrived")
    assert reader.is_revoked_locally("b") is True
    writer.evict()  # everything under the prefix
    wait_until(lambda: reader.is_revoked_locally("b") is False, "the flush arrived")
    assert reader.is_revoked_locally("c") is False
    assert not reader.is_revoked("c")
    reader.close()


def test_async_evict_propagates(redis_proc: RedisProcess) -> None:
    reader = synced(redis_proc)

    async def main() -> None:
        writer, r = await async_synced(redis_proc)
        await writer.revoke("a", time.time() + 600)
        await writer.revoke("b", time.time() + 600)
        await await_until(lambda: reader.is_revoked_locally("b"), "the revocations arrived")
        await writer.evict("a")
        assert writer.is_revoked_locally("a") is False  # its own replica, at once
        await await_until(lambda: reader.is_revoked_locally("a") is False, "eviction arrived")
        await writer.evict()
        await await_until(lambda: reader.is_revoked_locally("b") is False, "flush arrived")
        await writer.aclose()
        await r.aclose()

    run(main)
    reader.close()


# ----------------------------------------------------------------------------- lost sync


def test_a_lost_subscription_never_misses_a_revocation(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    writer = RedisRevocationCache(client(redis_proc))
    reader = synced(redis_proc)
    # A revocation whose event is lost: written without its PUBLISH.
    admin.set(DEFAULT_REDIS_PREFIX + "unannounced", b"1", ex=600)
    assert reader.is_revoked_locally("unannounced") is False  # the replica cannot know
    assert admin.client_kill_filter(_type="pubsub") >= 1
    writer.revoke("meanwhile", time.time() + 600)  # while the subscription is down
    # Through EXISTS while stale, then from the reloaded replica: seen, and it stays seen.
    wait_until(lambda: reader.is_revoked("meanwhile"), "the revocation made meanwhile")
    wait_until(lambda: reader.is_revoked_locally("unannounced"), "the reload found the key")
    assert reader.is_revoked_locally("meanwhile") is True
    for _ in range(20):
        assert reader.is_revoked("meanwhile")
        assert reader.is_revoked("unannounced")
    reader.close()


def test_async_lost_subscription_never_misses_a_revocation(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    writer = RedisRevocationCache(client(redis_proc))

    async def main() -> None:
        reader, r = await async_synced(redis_proc)
        admin.set(DEFAULT_REDIS_PREFIX + "unannounced", b"1", ex=600)
        assert reader.is_revoked_locally("unannounced") is False
        assert admin.client_kill_filter(_type="pubsub") >= 1
        writer.revoke("meanwhile", time.time() + 600)
        deadline = time.monotonic() + DEADLINE
        while not await reader.is_revoked("meanwhile"):
            assert time.monotonic() < deadline, "never: the revocation made meanwhile"
            await asyncio.sleep(0.005)
        await await_until(lambda: reader.is_revoked_locally("unannounced"), "the reload")
        assert reader.is_revoked_locally("meanwhile") is True
        await reader.aclose()
        await r.aclose()

    run(main)


def test_redis_down_fails_closed(redis_proc: RedisProcess) -> None:
    cache = synced(redis_proc)
    cache.revoke("revoked-jti", time.time() + 600)
    redis_proc.stop()

    def refused() -> bool:
        try:
            cache.is_revoked("revoked-jti")
        except RealmError:
            return True
        return False

    wait_until(refused, "the check fails closed")
    assert cache.is_revoked_locally("revoked-jti") is None
    for jti in ("revoked-jti", "other-jti"):
        with pytest.raises(RealmError) as caught:
            cache.is_revoked(jti)
        assert caught.value.code is ErrorCode.SERVER_ERROR
        assert caught.value.details["revocation_unavailable"] is True
        assert jti not in str(caught.value)
    cache.close()


def test_async_redis_down_fails_closed(redis_proc: RedisProcess) -> None:
    async def main() -> None:
        cache, r = await async_synced(redis_proc)
        await cache.revoke("revoked-jti", time.time() + 600)
        redis_proc.stop()
        deadline = time.monotonic() + DEADLINE
        caught: RealmError | None = None
        while caught is None:
            try:
                await cache.is_revoked("revoked-jti")
            except RealmError as exc:
                caught = exc
            assert time.monotonic() < deadline, "never failed closed"
            await asyncio.sleep(0.005)
        assert caught.code is ErrorCode.SERVER_ERROR
        assert caught.details["revocation_unavailable"] is True
        assert cache.is_revoked_locally("revoked-jti") is None
        with pytest.raises(RealmError):
            await cache.is_revoked("other-jti")
        await cache.aclose()
        await r.aclose()

    run(main)


class DebugRedis(RedisProcess):
    """RedisProcess with DEBUG enabled (for DEBUG SLEEP: a server that stops answering
    without dropping any connection)."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not on PATH"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(workdir), "--enable-debug-command", "yes"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_ready()


@pytest.fixture
def debug_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    proc = DebugRedis(tmp_path)
    try:
        yield proc
    finally:
        proc.stop()


def test_a_silent_redis_stops_the_local_answers(debug_redis: RedisProcess) -> None:
    # No connection drops: only the missing PONG tells. The replica must stop answering,
    # and the checks then fail closed; after the stall it comes back in step.
    cache = synced(debug_redis, timeout=0.3)
    cache.revoke("x", time.time() + 600)
    stall = redis.Redis.from_url(debug_redis.url, socket_timeout=30)
    thread = threading.Thread(target=stall.execute_command, args=("DEBUG", "SLEEP", 4))
    thread.start()
    try:
        wait_until(lambda: cache.is_revoked_locally("x") is None, "local answers stop")
        with pytest.raises(RealmError) as caught:
            cache.is_revoked("x")
        assert caught.value.code is ErrorCode.SERVER_ERROR
    finally:
        thread.join()
    wait_until(lambda: cache.is_revoked_locally("x") is True, "back in step after the stall")
    cache.close()


# ------------------------------------------------------------------------------ memory


def test_past_max_entries_it_falls_back_to_redis_and_drops_nothing(
    redis_proc: RedisProcess,
) -> None:
    admin = client(redis_proc)
    writer = RedisRevocationCache(client(redis_proc), near_cache=False)
    reader = synced(redis_proc, max_entries=3)
    jtis = [f"j{i}" for i in range(6)]
    for jti in jtis:
        writer.revoke(jti, time.time() + 600)
    wait_until(lambda: not reader.in_sync, "the replica gives up past max_entries")
    before = exists_calls(admin)
    for jti in jtis:
        assert reader.is_revoked_locally(jti) is None
        assert reader.is_revoked(jti)  # every one still denied, through EXISTS
    assert exists_calls(admin) - before == len(jtis)
    reader.close()


def test_replica_entries_expire_at_their_own_expiry(redis_proc: RedisProcess) -> None:
    now = [1_000_000.0]
    reader = synced(redis_proc, clock=lambda: now[0], max_ttl=60)
    reader.revoke("short", now[0] + 30)
    reader.revoke("long", now[0] + 10_000)  # capped at max_ttl
    assert reader.is_revoked_locally("short") is True
    now[0] += 31
    assert reader.is_revoked_locally("short") is False
    assert reader.is_revoked_locally("long") is True
    now[0] += 30
    assert reader.is_revoked_locally("long") is False
    reader.close()


# ------------------------------------------------------------------- options and closing


def test_options_are_validated() -> None:
    r = redis.Redis()  # never connects
    with pytest.raises(BadRequestError):
        RedisRevocationCache(r, timeout=0.3, health_interval=0.3)
    with pytest.raises(BadRequestError):
        RedisRevocationCache(r, max_entries=0)
    with pytest.raises(BadRequestError):
        RedisRevocationCache(r, channel="")
    with pytest.raises(BadRequestError):
        RedisRevocationCache(r, near_cache="yes")  # type: ignore[arg-type]
    cache = RedisRevocationCache(r, prefix="p:")
    assert cache.channel == "p:events"
    assert cache.near_cache
    assert RedisRevocationCache(r, channel="mine").channel == "mine"


def test_a_custom_channel_is_used_by_writer_and_reader(redis_proc: RedisProcess) -> None:
    writer = RedisRevocationCache(client(redis_proc), channel="custom")
    reader = synced(redis_proc, channel="custom")
    writer.revoke("c", time.time() + 600)
    wait_until(lambda: reader.is_revoked_locally("c"), "the event on the custom channel")
    reader.close()


def test_close_stops_the_listener(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)
    cache = synced(redis_proc)
    assert subscribers(admin) == 1
    cache.close()
    assert not cache.in_sync
    wait_until(lambda: subscribers(admin) == 0, "the listener unsubscribed")
    assert cache.is_revoked_locally("x") is None  # closed: Redis answers, nothing restarts
    assert not cache.is_revoked("x")
    assert subscribers(admin) == 0


def test_aclose_stops_the_listener(redis_proc: RedisProcess) -> None:
    admin = client(redis_proc)

    async def main() -> None:
        cache, r = await async_synced(redis_proc)
        assert subscribers(admin) == 1
        await cache.aclose()
        assert not cache.in_sync
        await await_until(lambda: subscribers(admin) == 0, "the listener unsubscribed")
        assert not await cache.is_revoked("x")
        await r.aclose()

    run(main)
