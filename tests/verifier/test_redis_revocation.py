"""RedisRevocationCache / AsyncRedisRevocationCache against a real redis-server.

The fixture starts ``redis-server --port N --save '' --appendonly no`` on a free port, waits
for PING, and kills it at the end (tests/verifier/conftest.py).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

import pytest
import redis
import redis.asyncio as redis_asyncio
from redis.backoff import NoBackoff
from redis.retry import Retry
from verifier_support import AUDIENCE, ISSUER, RedisProcess, claims, mint, public_jwk, rsa_key

from realmid._sync.tokens import TokensClient
from realmid.errors import ErrorCode, RealmError, TokenRevokedError
from realmid.revocation import (
    DEFAULT_REDIS_PREFIX,
    AsyncRedisRevocationCache,
    RedisRevocationCache,
)
from realmid.verify import AsyncVerifier, Verifier

KEY = rsa_key(0)
JWKS = {"keys": [public_jwk(KEY, "k1")]}


def client(proc: RedisProcess) -> redis.Redis:
    # Short timeouts and no retries: a dead Redis must fail the check fast, not stall it.
    return redis.Redis.from_url(
        proc.url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


def async_client(proc: RedisProcess) -> redis_asyncio.Redis:
    return redis_asyncio.Redis.from_url(
        proc.url, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


def test_revoke_is_revoked_and_ttl(redis_proc: RedisProcess) -> None:
    r = client(redis_proc)
    cache = RedisRevocationCache(r)
    now = time.time()
    cache.revoke("jti-1", now + 120.2)
    assert cache.is_revoked("jti-1")
    assert not cache.is_revoked("jti-2")
    key = DEFAULT_REDIS_PREFIX + "jti-1"
    assert r.get(key) == b"1"
    assert 119 <= r.ttl(key) <= 121  # ceil(120.2) = 121 at most
    cache.revoke("jti-1", now + 5000)  # NX: the first write stands
    assert r.ttl(key) <= 121
    cache.revoke("past", now - 1)  # already expired: nothing written
    cache.revoke("now", now + 0.0)
    assert r.exists(DEFAULT_REDIS_PREFIX + "past") == 0
    assert r.exists(DEFAULT_REDIS_PREFIX + "now") == 0


def test_short_ttl_really_expires(redis_proc: RedisProcess) -> None:
    cache = RedisRevocationCache(client(redis_proc), prefix="t:")
    cache.revoke("short", time.time() + 1)
    assert cache.is_revoked("short")
    time.sleep(2.1)
    assert not cache.is_revoked("short")


def test_prefix_and_evict(redis_proc: RedisProcess) -> None:
    r = client(redis_proc)
    mine = RedisRevocationCache(r, prefix="app[1]*:")
    other = RedisRevocationCache(r, prefix="other:")
    for i in range(1200):
        mine.revoke(f"j{i}", time.time() + 600)
    other.revoke("keep", time.time() + 600)
    mine.evict("j5")
    assert not mine.is_revoked("j5")
    assert mine.is_revoked("j6")
    mine.evict()
    assert not mine.is_revoked("j6")
    assert other.is_revoked("keep")  # the glob characters in the prefix matched literally


def test_one_round_trip_per_check(redis_proc: RedisProcess) -> None:
    r = client(redis_proc)
    cache = RedisRevocationCache(r, near_cache=False)  # the near cache: test_redis_near_cache
    cache.revoke("x", time.time() + 60)
    before = int(r.info("stats")["total_commands_processed"])
    for _ in range(10):
        cache.is_revoked("x")
    after = int(r.info("stats")["total_commands_processed"])
    assert after - before == 10 + 1  # ten EXISTS, plus the INFO that read the counter


def test_verifier_refuses_a_token_revoked_by_another_process(redis_proc: RedisProcess) -> None:
    cache = RedisRevocationCache(client(redis_proc))
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
    token = mint(KEY, payload=claims(jti="cross-process"))
    assert verifier.verify(token).jti == "cross-process"
    script = textwrap.dedent(
        """
        import sys, redis
        from realmid._sync.tokens import TokensClient
        from realmid.revocation import RedisRevocationCache
        tokens = TokensClient(RedisRevocationCache(redis.Redis.from_url(sys.argv[1])))
        tokens.mark_revoked(sys.argv[2])
        """
    )
    subprocess.run([sys.executable, "-c", script, redis_proc.url, token], check=True, timeout=60)
    with pytest.raises(TokenRevokedError):
        verifier.verify(token)
    assert TokensClient(cache).is_revoked(token)


def test_redis_stopped_mid_run_fails_closed(redis_proc: RedisProcess) -> None:
    verifier = Verifier(
        ISSUER, AUDIENCE, jwks=JWKS, revocation=RedisRevocationCache(client(redis_proc))
    )
    token = mint(KEY)
    assert verifier.verify(token)
    redis_proc.stop()
    # The near cache answers until its listener sees the loss (within `timeout`).
    deadline = time.monotonic() + 10
    while True:
        try:
            verifier.verify(token)
        except RealmError as exc:
            err = exc
            break
        assert time.monotonic() < deadline, "never failed closed"
        time.sleep(0.01)
    assert err.code == ErrorCode.SERVER_ERROR
    assert err.details["revocation_unavailable"] is True
    assert "revocation cache unavailable" in str(err)
    assert not isinstance(err, TokenRevokedError)
    assert token not in str(err)
    assert token not in repr(err)
    with pytest.raises(RealmError):
        RedisRevocationCache(client(redis_proc)).revoke("j", time.time() + 60)


def test_async_redis(redis_proc: RedisProcess) -> None:
    async def main() -> None:
        r = async_client(redis_proc)
        cache = AsyncRedisRevocationCache(r)
        verifier = AsyncVerifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
        token = mint(KEY, payload=claims(jti="async-1"))
        got = await verifier.verify(token)
        await cache.revoke(got.jti, got.exp)
        assert 590 <= await r.ttl(DEFAULT_REDIS_PREFIX + "async-1") <= 601
        with pytest.raises(TokenRevokedError):
            await verifier.verify(token)
        await cache.evict("async-1")
        assert await verifier.verify(token)
        await cache.revoke("a", time.time() + 60)
        await cache.evict()
        assert not await cache.is_revoked("a")
        redis_proc.stop()
        # The near cache answers until its listener sees the loss (within `timeout`).
        deadline = time.monotonic() + 10
        while True:
            try:
                await verifier.verify(token)
            except RealmError as exc:
                caught = exc
                break
            assert time.monotonic() < deadline, "never failed closed"
            await asyncio.sleep(0.01)
        assert caught.code == ErrorCode.SERVER_ERROR
        assert caught.details["revocation_unavailable"] is True
        await cache.aclose()
        await r.aclose()

    asyncio.run(main())


def test_sync_and_async_share_the_same_keys(redis_proc: RedisProcess) -> None:
    RedisRevocationCache(client(redis_proc)).revoke("shared", time.time() + 60)

    async def check() -> bool:
        r = async_client(redis_proc)
        try:
            return await AsyncRedisRevocationCache(r).is_revoked("shared")
        finally:
            await r.aclose()

    assert asyncio.run(check())
