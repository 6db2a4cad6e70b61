"""Issue 13 points 6, 7, 8 (verifier part): revocations that unverified input cannot flush
or inflate, capped TTLs, one jti bound, a deadline on the Redis check, ``azp`` and ``typ``.

The Redis tests run a real redis-server (tests/verifier/conftest.py).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio as redis_asyncio
from verifier_support import (
    AUDIENCE,
    DROP,
    ISSUER,
    RedisProcess,
    claims,
    free_port,
    mint,
    public_jwk,
    raw_token,
    rsa_key,
)

import realmid.revocation
import realmid.verify
from realmid._async.tokens import AsyncTokensClient
from realmid._sync.tokens import TokensClient
from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError
from realmid.revocation import (
    DEFAULT_MAX_TTL,
    DEFAULT_REDIS_PREFIX,
    MAX_JTI_CHARS,
    AsyncRedisRevocationCache,
    MemRevocationCache,
    RedisRevocationCache,
)
from realmid.verify import AsyncVerifier, Verifier

KEY = rsa_key(0)
FORGER = rsa_key(1)
JWKS = {"keys": [public_jwk(KEY, "k1")]}
FAR = int(time.time()) + 10 * 365 * 86400  # ten years out


def verifier(**options: Any) -> Verifier:
    return Verifier(ISSUER, AUDIENCE, jwks=JWKS, **options)


def code_of(v: Verifier, token: str) -> str:
    with pytest.raises(RealmError) as caught:
        v.verify(token)
    return caught.value.code


# ------------------------------------------------------------ 6: flooding with unsigned marks


def test_unverified_marks_cannot_evict_a_verified_revocation() -> None:
    cache = MemRevocationCache(max_entries=100)
    genuine = claims(jti="genuine")
    cache.revoke(genuine["jti"], genuine["exp"])  # the partner's own call: verified
    tokens = TokensClient(cache)  # no verifier: every mark is unverified
    for i in range(300):
        tokens.mark_revoked(mint(FORGER, payload=claims(jti=f"forged-{i}", exp=FAR)))
    assert cache.is_revoked("genuine")
    assert len(cache) == 100
    with pytest.raises(TokenRevokedError):
        verifier(revocation=cache).verify(mint(KEY, payload=genuine))


def test_a_full_verified_cache_skips_unverified_marks() -> None:
    cache = MemRevocationCache(max_entries=3)
    for jti in ("a", "b", "c"):
        cache.revoke(jti, time.time() + 60)
    cache.revoke("junk", FAR, verified=False)
    assert not cache.is_revoked("junk")
    assert all(cache.is_revoked(j) for j in ("a", "b", "c"))
    cache.revoke("d", time.time() + 600)  # a verified write still makes room (soonest first)
    assert cache.is_revoked("d")
    assert len(cache) == 3


def test_an_unverified_entry_is_promoted_and_never_downgraded() -> None:
    cache = MemRevocationCache(max_entries=2)
    cache.revoke("x", time.time() + 60, verified=False)
    cache.revoke("x", time.time() + 60)  # now proven
    cache.revoke("x", FAR, verified=False)  # unverified input leaves it alone
    cache.revoke("y", time.time() + 60)
    for i in range(10):
        cache.revoke(f"junk-{i}", FAR, verified=False)
    assert cache.is_revoked("x")
    assert cache.is_revoked("y")


def test_with_a_verifier_forged_tokens_are_not_parked_and_genuine_ones_are_verified() -> None:
    cache = MemRevocationCache(max_entries=10)
    tokens = TokensClient(cache, verifier=verifier(revocation=cache))
    for i in range(50):
        tokens.mark_revoked(mint(FORGER, payload=claims(jti=f"forged-{i}", exp=FAR)))
        tokens.mark_revoked(mint(KEY, payload=claims(jti=f"other-iss-{i}", iss="https://evil")))
    assert len(cache) == 0
    tokens.mark_revoked(mint(KEY, payload=claims(jti="real")))
    assert cache.is_revoked("real")
    assert "real" not in cache._unverified
    # A genuine token for another audience is still the issuer's: parking it is right.
    tokens.mark_revoked(mint(KEY, payload=claims(jti="other-aud", aud="https://other")))
    assert cache.is_revoked("other-aud")


def test_an_unknown_kid_is_parked_unverified() -> None:
    # The key may be one the verifier cannot fetch right now: park it, in the junk tier.
    cache = MemRevocationCache()
    tokens = TokensClient(cache, verifier=verifier())
    tokens.mark_revoked(mint(rsa_key(2), kid="k-new", payload=claims(jti="maybe")))
    assert cache.is_revoked("maybe")
    assert "maybe" in cache._unverified


def test_async_tokens_with_a_verifier() -> None:
    async def main() -> None:
        cache = MemRevocationCache(max_entries=5)
        av = AsyncVerifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
        tokens = AsyncTokensClient(cache, verifier=av)
        for i in range(20):
            await tokens.mark_revoked(mint(FORGER, payload=claims(jti=f"f{i}", exp=FAR)))
        await tokens.mark_revoked(mint(KEY, payload=claims(jti="real")))
        assert len(cache) == 1
        assert cache.is_revoked("real")
        assert await av.is_genuine(mint(KEY)) is True
        assert await av.is_genuine("a.b.c") is False

    asyncio.run(main())


# ----------------------------------------------------------------------- 6: capped TTLs


def test_mem_ttl_is_capped() -> None:
    now = [1_000.0]
    cache = MemRevocationCache(clock=lambda: now[0], max_ttl=3600)
    cache.revoke("far", now[0] + 10 * 365 * 86400, verified=False)
    cache.revoke("far-verified", now[0] + 10 * 365 * 86400)
    cache.revoke("near", now[0] + 60)
    now[0] += 3599
    assert cache.is_revoked("far")
    assert cache.is_revoked("far-verified")
    now[0] += 2
    assert not cache.is_revoked("far")
    assert not cache.is_revoked("far-verified")
    assert len(cache) == 0
    assert MemRevocationCache().max_ttl == DEFAULT_MAX_TTL == 86400
    with pytest.raises(BadRequestError):
        MemRevocationCache(max_ttl=0)


def test_redis_ttl_is_capped(redis_proc: RedisProcess) -> None:
    r = redis.Redis.from_url(redis_proc.url, socket_timeout=1)
    cache = RedisRevocationCache(r)
    tokens = TokensClient(cache)
    tokens.mark_revoked(mint(FORGER, payload=claims(jti="forged", exp=FAR)))
    assert 0 < r.ttl(DEFAULT_REDIS_PREFIX + "forged") <= 86400
    RedisRevocationCache(r, prefix="p:", max_ttl=60).revoke("x", FAR)
    assert 0 < r.ttl("p:x") <= 60


def test_custom_cache_gets_a_capped_expiry_from_tokens() -> None:
    seen: list[tuple[str, float]] = []

    class Plain:
        def revoke(self, jti: str, expires_at: float) -> None:
            seen.append((jti, expires_at))

        def is_revoked(self, jti: str) -> bool:
            return False

    TokensClient(Plain(), max_ttl=600).mark_revoked(mint(FORGER, payload=claims(exp=FAR)))
    assert len(seen) == 1
    assert seen[0][1] <= time.time() + 601


# ------------------------------------------------------------------ 6: one bound on jti


def test_verifier_and_caches_agree_on_the_longest_jti() -> None:
    assert realmid.verify.MAX_JTI_CHARS is realmid.revocation.MAX_JTI_CHARS == MAX_JTI_CHARS
    cache = MemRevocationCache()
    v = verifier(revocation=cache)
    longest = mint(KEY, payload=claims(jti="j" * MAX_JTI_CHARS))
    assert v.verify(longest)
    TokensClient(cache).mark_revoked(longest)
    with pytest.raises(TokenRevokedError):
        v.verify(longest)  # the longest jti that verifies can be revoked
    too_long = mint(KEY, payload=claims(jti="j" * (MAX_JTI_CHARS + 1)))
    assert code_of(v, too_long) == ErrorCode.MALFORMED
    with pytest.raises(BadRequestError):
        cache.revoke("j" * (MAX_JTI_CHARS + 1), time.time() + 60)


def test_redis_refuses_an_over_long_jti_on_both_calls(redis_proc: RedisProcess) -> None:
    cache = RedisRevocationCache(redis.Redis.from_url(redis_proc.url, socket_timeout=1))
    with pytest.raises(BadRequestError):
        cache.revoke("j" * (MAX_JTI_CHARS + 1), time.time() + 60)
    with pytest.raises(BadRequestError):
        cache.is_revoked("j" * (MAX_JTI_CHARS + 1))


# --------------------------------------------------------- 7: a deadline on the Redis check


class DebugRedis(RedisProcess):
    """RedisProcess with DEBUG enabled (Redis 7 refuses DEBUG SLEEP otherwise)."""

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


def _stall(proc: RedisProcess, seconds: float) -> threading.Thread:
    """Block the whole redis-server for ``seconds`` (DEBUG SLEEP on its own connection)."""
    stall = redis.Redis.from_url(proc.url, socket_timeout=seconds + 5)
    thread = threading.Thread(target=stall.execute_command, args=("DEBUG", "SLEEP", seconds))
    thread.start()
    time.sleep(0.2)  # let the sleep begin
    return thread


def _assert_unavailable(err: RealmError) -> None:
    assert err.code == ErrorCode.SERVER_ERROR
    assert err.details["revocation_unavailable"] is True
    assert not isinstance(err, TokenRevokedError)


def test_sync_check_has_a_total_deadline_despite_client_retries(
    debug_redis: RedisProcess,
) -> None:
    redis_proc = debug_redis
    # Default redis-py retries (3 on timeout): without a deadline of its own, one check
    # would take ~4 socket timeouts (measured 7.85 s with DEBUG SLEEP 8).
    r = redis.Redis.from_url(redis_proc.url, socket_timeout=2.0, socket_connect_timeout=2.0)
    cache = RedisRevocationCache(r, timeout=0.3, near_cache=False)  # the EXISTS deadline
    v = verifier(revocation=cache)
    token = mint(KEY)
    # The connection is made outside the deadline: a loaded machine can take longer than
    # 0.3 s to connect, and the deadline under test is the stalled server's.
    assert r.ping()
    assert v.verify(token)
    revoked = mint(KEY, payload=claims(jti="revoked"))
    cache.revoke("revoked", time.time() + 60)
    thread = _stall(redis_proc, 4)
    started = time.monotonic()
    with pytest.raises(RealmError) as caught:
        v.verify(token)
    elapsed = time.monotonic() - started
    thread.join()
    _assert_unavailable(caught.value)
    assert elapsed < 1.5  # 0.3 s deadline; under one socket timeout (2 s)
    # Recovered, and the late reply to the timed-out EXISTS (0) is never read as the
    # answer to a later check: the connection it was due on was dropped.
    with pytest.raises(TokenRevokedError):
        v.verify(revoked)
    assert v.verify(token)


def test_async_check_has_a_total_deadline_despite_client_retries(
    debug_redis: RedisProcess,
) -> None:
    redis_proc = debug_redis

    async def main() -> None:
        r = redis_asyncio.Redis.from_url(
            redis_proc.url, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        cache = AsyncRedisRevocationCache(r, timeout=0.3, near_cache=False)  # the EXISTS deadline
        v = AsyncVerifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
        token = mint(KEY)
        assert await r.ping()  # connected outside the deadline, as on the sync face
        assert await v.verify(token)
        revoked = mint(KEY, payload=claims(jti="revoked"))
        await cache.revoke("revoked", time.time() + 60)
        thread = await asyncio.to_thread(_stall, redis_proc, 4)
        started = time.monotonic()
        with pytest.raises(RealmError) as caught:
            await v.verify(token)
        elapsed = time.monotonic() - started
        await asyncio.to_thread(thread.join)
        _assert_unavailable(caught.value)
        assert elapsed < 1.5
        with pytest.raises(TokenRevokedError):
            await v.verify(revoked)
        assert await v.verify(token)
        await r.aclose()

    asyncio.run(main())


def test_redis_timeout_option_is_validated() -> None:
    r = redis.Redis()  # never connects
    for bad in (0, -1, float("nan"), "1", True):
        with pytest.raises(BadRequestError):
            RedisRevocationCache(r, timeout=bad)  # type: ignore[arg-type]


# -------------------------------------------------------------------------- 8: azp, typ


def test_azp_naming_another_realm_is_refused() -> None:
    v = verifier(realm_id="realm-1")
    assert v.verify(mint(KEY, payload=claims(azp="realm-1")))
    assert v.verify(mint(KEY, payload=claims(azp=AUDIENCE)))  # azp = the client itself
    assert v.verify(mint(KEY, payload=claims(azp=DROP)))  # no azp: nothing to compare
    other = mint(KEY, payload=claims(azp="realm-2"))
    assert code_of(v, other) == ErrorCode.WRONG_AUDIENCE
    assert verifier(realm_id="realm-1", check_azp=False).verify(other)
    assert verifier().verify(other)  # no realm id: the verifier cannot tell
    with pytest.raises(BadRequestError):
        verifier(realm_id="")
    with pytest.raises(BadRequestError):
        verifier(check_azp="yes")


@pytest.mark.parametrize(
    "typ", ["JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt", "application/JWT"]
)
def test_typ_access_token_types_pass(typ: str) -> None:
    assert verifier().verify(mint(KEY, headers={"typ": typ}))


@pytest.mark.parametrize(
    "typ", ["id_token+jwt", "logout+jwt", "JOSE", "JWT ", 1, ["JWT"], {"t": 1}]
)
def test_typ_other_types_are_malformed(typ: Any) -> None:
    v = verifier()
    token = mint(KEY, headers={"typ": typ})
    assert code_of(v, token) == ErrorCode.MALFORMED
    # ... even once the header memo knows the key's normal header
    assert v.verify(mint(KEY))
    assert code_of(v, token) == ErrorCode.MALFORMED


@pytest.mark.parametrize("typ", ["null", '""'])
def test_typ_null_or_empty_is_malformed(typ: str) -> None:
    header = '{"alg":"RS256","kid":"k1","typ":' + typ + "}"
    token = raw_token(header, json.dumps(claims()), KEY)
    assert code_of(verifier(), token) == ErrorCode.MALFORMED
