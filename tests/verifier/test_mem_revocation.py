"""MemRevocationCache, the verifier's revocation step, and realm.tokens (TokensClient)."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from verifier_support import AUDIENCE, ISSUER, claims, mint, public_jwk, rsa_key

import realmid
from realmid._async.tokens import AsyncTokensClient
from realmid._sync.tokens import TokensClient
from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError, is_code
from realmid.revocation import MemRevocationCache, RevocationCache
from realmid.verify import AsyncVerifier, Verifier

KEY = rsa_key(0)
JWKS = {"keys": [public_jwk(KEY, "k1")]}
BASE_URL = "http://127.0.0.1:9"  # nothing listens: the tests below must not need the issuer


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------- the cache


def test_ttl_expiry_with_an_injected_clock() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    cache.revoke("a", clock.now + 60)
    cache.revoke("b", clock.now + 120)
    assert cache.is_revoked("a")
    assert cache.is_revoked("b")
    assert not cache.is_revoked("c")
    assert len(cache) == 2
    clock.now += 60  # exactly at expiry: no longer denied
    assert not cache.is_revoked("a")
    assert cache.is_revoked("b")
    assert len(cache) == 1
    clock.now += 1000
    assert len(cache) == 0


def test_already_expired_revocations_are_not_stored() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    cache.revoke("gone", clock.now - 1)
    cache.revoke("now", clock.now)
    assert len(cache) == 0
    assert not cache.is_revoked("gone")


def test_datetime_expiry_and_bad_arguments() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    cache.revoke("dt", datetime.fromtimestamp(clock.now + 30, UTC))
    assert cache.is_revoked("dt")
    for jti, exp in [
        ("", clock.now + 1),
        (None, clock.now + 1),
        ("x", float("nan")),
        ("x", "soon"),
    ]:
        with pytest.raises(ValueError):
            cache.revoke(jti, exp)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MemRevocationCache(max_entries=0)


def test_re_revoking_keeps_the_later_expiry() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    cache.revoke("a", clock.now + 100)
    cache.revoke("a", clock.now + 10)  # an earlier expiry does not shorten the denial
    clock.now += 50
    assert cache.is_revoked("a")
    cache.revoke("a", clock.now + 500)
    clock.now += 400
    assert cache.is_revoked("a")
    assert len(cache) == 1


def test_evict_one_and_all() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    for i in range(10):
        cache.revoke(f"j{i}", clock.now + 100)
    cache.evict("j3")
    assert not cache.is_revoked("j3")
    assert len(cache) == 9
    cache.evict("unknown")
    assert len(cache) == 9
    cache.evict()
    assert len(cache) == 0
    assert not cache.is_revoked("j1")


def test_memory_stays_bounded_under_100k_writes_of_expiring_entries() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    for i in range(100_000):
        # Every entry lives 5 "seconds" and the clock moves 1 per write: at most ~5 are
        # live at once, and the per-write sweep must keep the rest from piling up.
        cache.revoke(f"jti-{i}", clock.now + 5)
        clock.now += 1
    assert len(cache._entries) <= 16
    assert len(cache._heap) <= 16
    assert len(cache) <= 5


def test_memory_bounded_by_max_entries_even_when_all_live() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock, max_entries=1000)
    for i in range(10_000):
        cache.revoke(f"jti-{i}", clock.now + 10_000 + i)
    assert len(cache) == 1000
    assert len(cache._heap) <= 2 * 1000 + 64
    # The soonest-expiring ones went first: the newest (latest expiry) are all there.
    assert cache.is_revoked("jti-9999")
    assert not cache.is_revoked("jti-0")


def test_re_revoke_churn_keeps_the_heap_bounded() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock)
    for i in range(50_000):
        cache.revoke("same", clock.now + 100 + i)  # ever-later expiry: stale heap records
    assert len(cache._heap) <= 2 * len(cache._entries) + 65


def test_thread_safety_with_many_threads() -> None:
    clock = Clock()
    cache = MemRevocationCache(clock=clock, max_entries=50_000)
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(2_000):
                jti = f"t{n}-{i}"
                cache.revoke(jti, clock.now + (1 if i % 2 else 10_000))
                assert cache.is_revoked(jti) or i % 2
                if i % 97 == 0:
                    cache.evict(f"t{n}-{i - 1}")
                    len(cache)
        except BaseException as exc:
            errors.append(exc)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    evicted = {i - 1 for i in range(1, 2_000) if i % 97 == 0}
    assert len(cache) == 16 * (2_000 - len(evicted))
    clock.now += 2  # the short-lived (odd) half expires
    assert len(cache) == 16 * len([i for i in range(0, 2_000, 2) if i not in evicted])
    for n in range(16):
        assert cache.is_revoked(f"t{n}-1998")


class AsyncMemCache:
    """An async revocation cache (as AsyncRedisRevocationCache): awaitable methods only."""

    def __init__(self) -> None:
        self.inner = MemRevocationCache()
        self.lookups: list[str] = []

    async def revoke(self, jti: str, expires_at: float) -> None:
        await asyncio.sleep(0)
        self.inner.revoke(jti, expires_at)

    async def is_revoked(self, jti: str) -> bool:
        await asyncio.sleep(0)
        self.lookups.append(jti)
        return self.inner.is_revoked(jti)


def no_io(sent: list[httpx.Request]) -> Any:
    """A transport that records what would have gone out and answers nothing useful."""

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(599)

    return httpx.MockTransport(handler)


def test_a_realm_refuses_an_async_cache_before_any_io() -> None:
    # Structurally both caches look alike to isinstance (a runtime protocol checks names
    # only); what matters is that the sync face refuses the one whose answers are coroutines.
    assert isinstance(MemRevocationCache(), RevocationCache)
    sent: list[httpx.Request] = []
    with httpx.Client(transport=no_io(sent)) as client:
        with pytest.raises(BadRequestError) as caught:
            realmid.Realm(
                "r",
                "k",
                base_url=BASE_URL,
                http_client=client,
                revocation=AsyncMemCache(),  # type: ignore[arg-type]
            )
        assert "AsyncRealm" in str(caught.value)
        # A sync cache is taken, and its answers are plain bools.
        cache = MemRevocationCache()
        realm = realmid.Realm("r", "k", base_url=BASE_URL, http_client=client, revocation=cache)
        token = mint(KEY, payload=claims(jti="sync-1"))
        assert realm.tokens.is_revoked(token) is False
        realm.tokens.mark_revoked(token)
        assert realm.tokens.is_revoked(token) is True
        assert cache.is_revoked("sync-1")
        with pytest.raises(TokenRevokedError):
            realm.tokens.gate_request(token)
        realm.close()
    assert sent == []


def test_an_async_realm_takes_a_sync_or_an_async_cache() -> None:
    async def scenario() -> None:
        sent: list[httpx.Request] = []
        async with httpx.AsyncClient(transport=no_io(sent)) as client:
            for cache in (AsyncMemCache(), MemRevocationCache()):
                realm = realmid.AsyncRealm(
                    "r", "k", base_url=BASE_URL, http_client=client, revocation=cache
                )
                assert realm.revocation is cache
                token = mint(KEY, payload=claims(jti=f"j-{type(cache).__name__}"))
                other = mint(KEY, payload=claims(jti="never-revoked"))
                assert await realm.tokens.is_revoked(token) is False
                await realm.tokens.mark_revoked(token)
                # Awaited answers are the cache's bools, never a coroutine (always truthy).
                assert await realm.tokens.is_revoked(token) is True
                assert await realm.tokens.is_revoked(other) is False
                with pytest.raises(TokenRevokedError):
                    await realm.tokens.gate_request(token)
                await realm.tokens.gate_request(other)
                if isinstance(cache, AsyncMemCache):
                    assert cache.inner.is_revoked("j-AsyncMemCache")
                    assert "j-AsyncMemCache" in cache.lookups
                else:
                    assert cache.is_revoked("j-MemRevocationCache")
        assert sent == []

    asyncio.run(scenario())


# ------------------------------------------------------------------------ the verifier


def test_revoked_token_is_refused_with_token_revoked_error() -> None:
    cache = MemRevocationCache()
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
    token = mint(KEY)
    got = verifier.verify(token)
    cache.revoke(got.jti, got.exp)
    with pytest.raises(TokenRevokedError) as caught:
        verifier.verify(token)
    assert caught.value.code == ErrorCode.UNAUTHORIZED
    assert caught.value.details["revoked"] is True
    cache.evict(got.jti)
    assert verifier.verify(token)


def test_revocation_is_checked_after_everything_else() -> None:
    cache = MemRevocationCache()
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)
    token = mint(KEY, payload=claims(aud="someone-else", jti="j-x"))
    cache.revoke("j-x", time.time() + 600)
    with pytest.raises(RealmError) as caught:
        verifier.verify(token)
    assert caught.value.code == ErrorCode.WRONG_AUDIENCE


class Broken:
    """A revocation backend that cannot answer."""

    def revoke(self, jti: str, expires_at: float) -> None:
        raise ConnectionError("down")

    def is_revoked(self, jti: str) -> bool:
        raise ConnectionError("backend down")


def test_a_failing_cache_fails_closed_with_server_error() -> None:
    verifier = Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=Broken())
    with pytest.raises(RealmError) as caught:
        verifier.verify(mint(KEY))
    err = caught.value
    assert err.code == ErrorCode.SERVER_ERROR
    assert err.details["revocation_unavailable"] is True
    assert isinstance(err.__cause__, ConnectionError)
    assert not isinstance(err, TokenRevokedError)


def test_a_cache_raising_a_realm_error_passes_it_through() -> None:
    class Raises:
        def revoke(self, jti: str, expires_at: float) -> None: ...

        def is_revoked(self, jti: str) -> bool:
            raise RealmError(ErrorCode.SERVER_ERROR, "redis down")

    with pytest.raises(RealmError, match="redis down"):
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=Raises()).verify(mint(KEY))


def test_sync_verifier_refuses_an_async_cache() -> None:
    class AsyncCache:
        async def revoke(self, jti: str, expires_at: float) -> None: ...

        async def is_revoked(self, jti: str) -> bool:
            return False

    with pytest.raises(BadRequestError):
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=AsyncCache())  # type: ignore[arg-type]
    with pytest.raises(BadRequestError):
        Verifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=object())  # type: ignore[arg-type]


def test_async_verifier_with_sync_and_async_caches() -> None:
    class AsyncCache:
        def __init__(self) -> None:
            self.denied: set[str] = set()

        async def revoke(self, jti: str, expires_at: float) -> None:
            self.denied.add(jti)

        async def is_revoked(self, jti: str) -> bool:
            await asyncio.sleep(0)
            return jti in self.denied

    class AsyncBroken:
        async def revoke(self, jti: str, expires_at: float) -> None: ...

        async def is_revoked(self, jti: str) -> bool:
            raise OSError("nope")

    async def main() -> None:
        token = mint(KEY, payload=claims(jti="async-j"))
        for cache in (MemRevocationCache(), AsyncCache()):
            verifier = AsyncVerifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=cache)  # type: ignore[arg-type]
            assert (await verifier.verify(token)).jti == "async-j"
            result = cache.revoke("async-j", time.time() + 600)
            if asyncio.iscoroutine(result):
                await result
            with pytest.raises(TokenRevokedError):
                await verifier.verify(token)
        broken = AsyncVerifier(ISSUER, AUDIENCE, jwks=JWKS, revocation=AsyncBroken())
        with pytest.raises(RealmError) as caught:
            await broken.verify(token)
        assert caught.value.code == ErrorCode.SERVER_ERROR

    asyncio.run(main())


# ---------------------------------------------------------------------- realm.tokens


def test_tokens_client_marks_gates_and_counts() -> None:
    tokens = TokensClient(MemRevocationCache())
    token = mint(KEY, payload=claims(jti="t-1"))
    assert not tokens.is_revoked(token)
    tokens.gate_request(token)
    tokens.mark_revoked(token)
    assert tokens.is_revoked(token)
    assert len(tokens) == 1
    with pytest.raises(TokenRevokedError) as caught:
        tokens.gate_request(token)
    assert is_code(caught.value, ErrorCode.UNAUTHORIZED)
    tokens.evict("t-1")
    assert not tokens.is_revoked(token)


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "",
        None,
        mint(KEY, payload=claims(jti=None)),
        mint(KEY, payload=claims(exp="soon")),
        mint(KEY, payload=claims(exp=int(time.time()) - 10)),  # already expired: no-op
    ],
)
def test_tokens_client_ignores_unusable_tokens(token: Any) -> None:
    tokens = TokensClient(MemRevocationCache())
    tokens.mark_revoked(token)
    assert len(tokens) == 0
    assert tokens.is_revoked(token) is False
    tokens.gate_request(token)  # malformed tokens pass the gate: the verifier refuses them


def test_revoke_on_logout_marks_on_success_and_on_transport_failure() -> None:
    tokens = TokensClient(MemRevocationCache())
    calls: list[tuple[Any, ...]] = []

    def logout(refresh_token: str, *, fail: str = "") -> str:
        calls.append((refresh_token, fail))
        if fail == "network":
            raise RealmError(ErrorCode.NETWORK, "down")
        if fail == "refused":
            raise RealmError(ErrorCode.UNAUTHORIZED, "no")
        return "ok"

    wrapped = tokens.revoke_on_logout(logout)
    ok, net, refused = (mint(KEY, payload=claims(jti=f"l-{n}")) for n in range(3))
    assert wrapped(ok, "r1") == "ok"
    with pytest.raises(RealmError):
        wrapped(net, "r2", fail="network")
    with pytest.raises(RealmError):
        wrapped(refused, "r3", fail="refused")
    assert tokens.is_revoked(ok)
    assert tokens.is_revoked(net)
    assert not tokens.is_revoked(refused)
    assert calls == [("r1", ""), ("r2", "network"), ("r3", "refused")]


def test_revoke_on_logout_survives_a_broken_cache() -> None:
    tokens = TokensClient(Broken())
    assert tokens.revoke_on_logout(lambda: "ok")(mint(KEY)) == "ok"


def test_async_tokens_client() -> None:
    async def main() -> None:
        tokens = AsyncTokensClient(MemRevocationCache())
        token = mint(KEY, payload=claims(jti="a-1"))
        await tokens.mark_revoked(token)
        assert await tokens.is_revoked(token)
        assert len(tokens) == 1
        with pytest.raises(TokenRevokedError):
            await tokens.gate_request(token)
        await tokens.evict()
        assert len(tokens) == 0

        async def logout() -> str:
            return "bye"

        assert await tokens.revoke_on_logout(logout)(token) == "bye"
        assert await tokens.is_revoked(token)

    asyncio.run(main())
