"""The JWKS cache over real loopback HTTP, sync (httpx.Client) and async (httpx.AsyncClient).

Each behaviour test runs on both faces through ``Face``; the cache's clock is a FakeClock
moved by hand, so TTLs, cooldowns and stale periods are exact and nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from verifier_support import (
    AUDIENCE,
    ISSUER,
    FakeClock,
    JwksServer,
    RawServer,
    claims,
    gzip_bomb,
    mint,
    private_jwk,
    public_jwk,
    raw_server,
    rsa_key,
)

from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.jwks import AsyncJwksCache, JwksCache, jwks_url, parse_jwks
from realmid.verify import AsyncVerifier, Claims, NeedKeys, Verifier

K1, K2, K3 = rsa_key(0), rsa_key(1), rsa_key(2)


class BearerAuth(httpx.Auth):
    """Stands in for the realm's platform-token auth: it must never reach the JWKS."""

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = "Bearer platform-token-secret"
        yield request


class Face:
    """One verifier + cache on the sync or the async stack, same calls for the test."""

    def __init__(self, kind: str, url: str, clock: FakeClock, **options: Any) -> None:
        self.kind = kind
        if kind == "sync":
            self.client: Any = httpx.Client(auth=BearerAuth())
            self.cache: Any = JwksCache(url, self.client, clock=clock, **options)
            self.verifier: Any = Verifier(ISSUER, AUDIENCE, jwks_cache=self.cache)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = httpx.AsyncClient(auth=BearerAuth())
            self.cache = AsyncJwksCache(url, self.client, clock=clock, **options)
            self.verifier = AsyncVerifier(ISSUER, AUDIENCE, jwks_cache=self.cache)

    def verify(self, token: str) -> Claims:
        if self.kind == "sync":
            return self.verifier.verify(token)  # type: ignore[no-any-return]
        return self.loop.run_until_complete(self.verifier.verify(token))  # type: ignore[no-any-return]

    def code(self, token: str) -> str | None:
        try:
            self.verify(token)
        except RealmError as err:
            return str(err.code)
        return None

    def many(self, tokens: list[str]) -> list[str | None]:
        """Verify concurrently: 16 threads (sync) or one gather (async)."""
        if self.kind == "sync":
            results: list[str | None] = [None] * len(tokens)

            def work(offset: int) -> None:
                for i in range(offset, len(tokens), 16):
                    results[i] = self.code(tokens[i])

            threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return results

        async def one(token: str) -> str | None:
            try:
                await self.verifier.verify(token)
            except RealmError as err:
                return str(err.code)
            return None

        async def every() -> list[str | None]:
            return list(await asyncio.gather(*(one(t) for t in tokens)))

        return self.loop.run_until_complete(every())

    def settle(self) -> None:
        """Wait for a background refresh to finish (a thread, or a task on our loop)."""
        if self.kind == "sync":
            deadline = time.monotonic() + 10
            while getattr(self.cache, "_background", False) and time.monotonic() < deadline:
                time.sleep(0.005)
            assert not getattr(self.cache, "_background", False), "refresh still running"
        else:

            async def drain() -> None:
                while getattr(self.cache, "_tasks", None):
                    await asyncio.gather(*self.cache._tasks, return_exceptions=True)

            self.loop.run_until_complete(drain())

    def close(self) -> None:
        self.settle()
        if self.kind == "sync":
            self.client.close()
        else:
            self.loop.run_until_complete(self.client.aclose())
            self.loop.close()


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest, server: JwksServer) -> Iterator[Callable[..., Face]]:
    faces: list[Face] = []

    def build(clock: FakeClock | None = None, url: str | None = None, **options: Any) -> Face:
        face = Face(request.param, url or server.url, clock or FakeClock(), **options)
        faces.append(face)
        return face

    yield build
    for face in faces:
        face.close()


def jwk(key: Any, kid: str, **extra: Any) -> dict[str, Any]:
    return public_jwk(key, kid, **extra)


# ------------------------------------------------------------------------------- basics


def test_one_fetch_then_memory_and_no_platform_token(
    make: Callable[..., Face], server: JwksServer
) -> None:
    server.serve([jwk(K1, "k1")])
    face = make()
    token = mint(K1, "k1")
    for _ in range(100):
        assert face.verify(token).sub == "user-1"
    assert server.count == 1
    sent = {k.lower(): v for k, v in server.requests[0]["headers"].items()}
    assert "authorization" not in sent  # auth=None: the client's auth never runs for JWKS
    assert server.requests[0]["path"] == "/.well-known/jwks.json"


def test_construction_makes_no_request(make: Callable[..., Face], server: JwksServer) -> None:
    make()
    assert server.count == 0


def test_concurrent_cold_start_is_single_flight(
    make: Callable[..., Face], server: JwksServer
) -> None:
    server.serve([jwk(K1, "k1")])
    server.delay = 0.2  # every caller arrives while the first fetch is in flight
    face = make()
    results = face.many([mint(K1, "k1")] * 64)
    assert results == [None] * 64
    assert server.count == 1


# ------------------------------------------------------------------------------- rotation


def test_key_rotation_without_a_failed_verification(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=300)
    face = make(clock)
    old = mint(K1, "k1")
    assert face.verify(old)

    # The issuer publishes k2 ahead of use; the next refresh (TTL) picks it up.
    server.serve([jwk(K1, "k1"), jwk(K2, "k2")], max_age=300)
    clock.advance(301)
    assert face.verify(old)  # the refresh happens on this call, which still verifies
    assert server.count == 2
    new = mint(K2, "k2")
    assert face.verify(new)
    assert face.verify(old)
    assert server.count == 2  # k2 was already known: no extra fetch

    # The issuer signs with k3 at once (no pre-publication): an unknown kid after the
    # cooldown triggers one refetch, and the token verifies on the first try.
    server.serve([jwk(K1, "k1"), jwk(K2, "k2"), jwk(K3, "k3")], max_age=300)
    clock.advance(31)
    assert face.verify(mint(K3, "k3"))
    assert server.count == 3

    # k1 is removed: after the next refresh its tokens stop verifying.
    server.serve([jwk(K2, "k2"), jwk(K3, "k3")], max_age=300)
    assert face.verify(old)  # the set in hand is still fresh
    clock.advance(301)
    assert face.code(old) == ErrorCode.UNKNOWN_KID
    assert face.verify(new)
    assert face.cache.kids == {"k2", "k3"}


def test_removed_key_stops_verifying_even_with_the_same_kid_reused(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")])
    face = make(clock)
    assert face.verify(mint(K1, "k1"))
    server.serve([jwk(K2, "k1")])  # same kid, new key material
    clock.advance(301)
    assert face.code(mint(K1, "k1")) == ErrorCode.BAD_SIGNATURE
    assert face.verify(mint(K2, "k1"))


# ------------------------------------------------------------------- unknown-kid storms


def test_a_thousand_unknown_kids_cost_at_most_one_fetch_per_cooldown(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")])
    face = make(clock, refetch_cooldown=30)
    assert face.verify(mint(K1, "k1"))
    assert server.count == 1
    # One attacker token, re-labelled with 1,000 random kids: signing is the slow part.
    forged = [mint(K3, f"rand-{secrets.token_hex(8)}") for _ in range(20)]
    heads = [t.split(".") for t in forged]

    def storm(n: int) -> list[str]:
        return [".".join(heads[i % 20]) for i in range(n)]

    # Inside the cooldown that started with the first fetch: no fetch at all.
    assert set(face.many(storm(1000))) == {ErrorCode.UNKNOWN_KID}
    assert server.count == 1
    # Each cooldown window lets exactly one refetch through, however many kids arrive.
    for window in range(1, 4):
        clock.advance(31)
        fresh = [mint(K3, f"rand-{secrets.token_hex(8)}") for _ in range(5)] * 200
        assert set(face.many(fresh)) == {ErrorCode.UNKNOWN_KID}
        assert server.count == 1 + window
    assert face.verify(mint(K1, "k1"))


def test_a_kid_proved_absent_is_remembered_within_the_cooldown(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")])
    face = make(clock, refetch_cooldown=30, negative_ttl=300)
    face.verify(mint(K1, "k1"))
    junk = mint(K3, "junk")
    clock.advance(31)
    assert face.code(junk) == ErrorCode.UNKNOWN_KID  # refetched once, absent
    assert server.count == 2
    for _ in range(50):  # the same junk kid inside the cooldown: no refetch
        clock.advance(0.5)
        assert face.code(junk) == ErrorCode.UNKNOWN_KID
    assert server.count == 2
    for window in range(1, 4):  # after each cooldown: one probe, never more
        clock.advance(31)
        for _ in range(20):
            assert face.code(junk) == ErrorCode.UNKNOWN_KID
        assert server.count == 2 + window


def test_a_kid_published_just_after_a_fetch_is_found_after_the_cooldown(
    make: Callable[..., Face], server: JwksServer
) -> None:
    # Issue 13.3, the rotation race: a token signed with k2 arrives a moment before the
    # issuer's JWKS lists k2. The refetch it causes proves k2 absent; once k2 is published,
    # the first probe after the cooldown must find it (it was refused for 300 s).
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=3600)
    face = make(clock, refetch_cooldown=30, negative_ttl=300)
    assert face.verify(mint(K1, "k1"))
    clock.advance(31)
    early = mint(K2, "k2")
    assert face.code(early) == ErrorCode.UNKNOWN_KID
    assert server.count == 2
    server.serve([jwk(K1, "k1"), jwk(K2, "k2")], max_age=3600)
    clock.advance(10)
    assert face.code(early) == ErrorCode.UNKNOWN_KID  # inside the cooldown: no fetch
    assert server.count == 2
    clock.advance(21)  # the cooldown since the refetch is over
    assert face.verify(early).sub == "user-1"
    assert server.count == 3


def test_negative_cache_is_bounded() -> None:
    cache = JwksCache("http://127.0.0.1:9/jwks", httpx.Client(), max_negative=16)
    for i in range(1000):
        cache._remember_unknown(f"kid-{i}", 0.0)
    assert len(cache._negative) == 16


# ---------------------------------------------------------------------------- outages


def test_outage_with_a_warm_cache(make: Callable[..., Face], server: JwksServer) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=300)
    face = make(clock, max_stale=3600, failure_backoff=10)
    token = mint(K1, "k1")
    assert face.verify(token)
    server.fail(503)
    clock.advance(301)  # expired: the refresh fails, the last good set keeps serving
    assert face.verify(token)
    assert server.count == 2
    for _ in range(50):  # within the failure backoff: no hammering of the sick endpoint
        assert face.verify(token)
    assert server.count == 2
    assert face.code(mint(K2, "k2")) == ErrorCode.JWKS_FETCH_FAILED
    clock.advance(11)
    assert face.verify(token)  # one retry per backoff (in the background: no stall)
    face.settle()
    assert server.count == 3
    clock.advance(3600)  # past the stale bound: known kids stop too
    assert face.code(token) == ErrorCode.JWKS_FETCH_FAILED
    server.serve([jwk(K1, "k1")])
    clock.advance(11)
    assert face.verify(token)  # recovered


def test_outage_with_a_cold_cache(make: Callable[..., Face], server: JwksServer) -> None:
    clock = FakeClock()
    server.fail(503)
    face = make(clock, failure_backoff=10)
    token = mint(K1, "k1")
    assert face.code(token) == ErrorCode.JWKS_FETCH_FAILED
    assert face.code(token) == ErrorCode.JWKS_FETCH_FAILED
    assert server.count == 1
    server.serve([jwk(K1, "k1")])
    clock.advance(11)
    assert face.verify(token)
    assert server.count == 2


def test_unreachable_endpoint(make: Callable[..., Face]) -> None:
    face = make(url="http://127.0.0.1:9/.well-known/jwks.json")  # discard port: refused
    with pytest.raises(RealmError) as caught:
        face.verify(mint(K1, "k1"))
    assert caught.value.code == ErrorCode.JWKS_FETCH_FAILED
    assert "127.0.0.1:9" in caught.value.details["jwks_url"]


def test_slow_endpoint_times_out(make: Callable[..., Face], server: JwksServer) -> None:
    server.serve([jwk(K1, "k1")])
    server.delay = 1.0
    face = make(timeout=0.2)
    assert face.code(mint(K1, "k1")) == ErrorCode.JWKS_FETCH_FAILED


@pytest.mark.parametrize("status", [301, 302, 404, 429, 500])
def test_non_200_answers_are_failures(
    make: Callable[..., Face], server: JwksServer, status: int
) -> None:
    server.serve([jwk(K1, "k1")], Location="http://127.0.0.1:9/elsewhere")
    server.status = status
    face = make()
    assert face.code(mint(K1, "k1")) == ErrorCode.JWKS_FETCH_FAILED
    assert server.count == 1  # redirects are not followed


# ------------------------------------------------------------------------------- max-age


@pytest.mark.parametrize(
    ("cache_control", "age", "ttl"),
    [
        ("max-age=120", None, 120),
        ("public, max-age=900, must-revalidate", None, 900),
        ("max-age=5", None, 60),  # clamped up to min_ttl
        ("max-age=999999999", None, 86_400),  # clamped down to max_ttl
        ("max-age=600", "500", 100),  # a shared cache already held it 500 s
        ("no-store", None, 60),
        ("max-age=banana", None, 300),  # unusable: the default
        (None, None, 300),
    ],
)
def test_max_age_is_honoured_and_clamped(
    make: Callable[..., Face],
    server: JwksServer,
    cache_control: str | None,
    age: str | None,
    ttl: int,
) -> None:
    clock = FakeClock()
    headers = {"Cache-Control": cache_control} if cache_control else {}
    if age:
        headers["Age"] = age
    server.serve_body(json.dumps({"keys": [jwk(K1, "k1")]}).encode(), max_age=None, **headers)
    face = make(clock, refresh_ahead=0)  # the TTL itself, not the refresh-ahead window
    token = mint(K1, "k1")
    face.verify(token)
    clock.advance(ttl - 1)
    face.verify(token)
    assert server.count == 1
    clock.advance(2)
    face.verify(token)
    assert server.count == 2


# ------------------------------------------------------------------------ bad documents


@pytest.mark.parametrize("delimited", ["content-length", "close"])
def test_oversized_document_is_refused(
    make: Callable[..., Face], server: JwksServer, delimited: str
) -> None:
    keys = [jwk(K1, "k1")] + [jwk(K2, f"pad-{i}") for i in range(700)]  # ~300 KiB
    server.serve(keys)
    server.chunked_close = delimited == "close"
    face = make()
    assert len(server.body) > 256 * 1024
    assert face.code(mint(K1, "k1")) == ErrorCode.JWKS_FETCH_FAILED
    assert "larger than" in face.cache._last_error


def test_document_just_under_the_limit_is_fine(
    make: Callable[..., Face], server: JwksServer
) -> None:
    server.serve([jwk(K1, "k1")])
    face = make(max_bytes=len(server.body))
    assert face.verify(mint(K1, "k1"))


def test_gzip_bomb_is_refused(make: Callable[..., Face], server: JwksServer) -> None:
    server.serve_body(gzip_bomb(50 * 1024 * 1024), Content_Encoding="gzip")
    face = make()
    assert face.code(mint(K1, "k1")) == ErrorCode.JWKS_FETCH_FAILED
    assert "larger than" in face.cache._last_error


def test_gzip_body_is_read(make: Callable[..., Face], server: JwksServer) -> None:
    import gzip

    body = gzip.compress(json.dumps({"keys": [jwk(K1, "k1")]}).encode())
    server.serve_body(body, Content_Encoding="gzip")
    assert make().verify(mint(K1, "k1"))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_bad_keys_are_dropped_one_by_one(make: Callable[..., Face], server: JwksServer) -> None:
    small = rsa_key(5, bits=1024)
    server.serve(
        [
            jwk(K1, "good"),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            jwk(small, "rsa1024"),
            jwk(K2, "enc", use="enc"),
            jwk(K2, "signing-only", key_ops=["sign"]),
            jwk(K2, "ops-not-a-list", key_ops="verify"),
            jwk(K2, "rs384", alg="RS384"),
            jwk(K2, "none-alg", alg="none"),
            private_jwk(K3, "private"),
            {**jwk(K2, "bad-n"), "n": "not base64!"},
            {**jwk(K2, "padded-n"), "n": jwk(K2, "x")["n"] + "="},
            {**jwk(K2, "even-e"), "e": "AQAA"},
            {**jwk(K2, "no-n"), "n": None},
            jwk(K2, "k" * 300),
            "not-an-object",
            {**jwk(K2, "x"), "kid": 7},
            jwk(K2, "ops-ok", key_ops=["verify"], use=None) | {"use": "sig"},
        ]
    )
    face = make()
    assert face.verify(mint(K1, "good"))
    assert face.cache.kids == {"good", "ops-ok"}
    for kid, key in [("rsa1024", small), ("enc", K2), ("private", K3), ("rs384", K2)]:
        assert face.code(mint(key, kid)) == ErrorCode.UNKNOWN_KID


def test_duplicate_kid_refuses_the_document_and_keeps_the_last_good_set(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")])
    face = make(clock)
    token = mint(K1, "k1")
    assert face.verify(token)
    server.serve([jwk(K1, "k1"), jwk(K3, "k1")])  # an attacker's key shadowing k1
    clock.advance(301)
    assert face.verify(token)  # stale but good
    assert face.code(mint(K3, "k1")) == ErrorCode.BAD_SIGNATURE
    assert face.cache.stats.refused_documents == 1
    assert "more than once" in face.cache._last_error


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"keys": {}}',
        b'{"nokeys": []}',
        b'{"keys": [], "keys": []}',
        b'{"keys": []}',  # no usable key: treated as an outage
        b"\xff\xfe{}",
    ],
)
def test_unusable_documents_keep_the_last_good_set(
    make: Callable[..., Face], server: JwksServer, body: bytes
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")])
    face = make(clock)
    token = mint(K1, "k1")
    assert face.verify(token)
    server.serve_body(body)
    clock.advance(301)
    assert face.verify(token)
    assert face.cache.stats.failures == 1
    cold = make(FakeClock())
    assert cold.code(token) == ErrorCode.JWKS_FETCH_FAILED


def test_parse_jwks_direct() -> None:
    keys, dropped = parse_jwks({"keys": [jwk(K1, "a"), {"kty": "RSA"}]})
    assert set(keys) == {"a"}
    assert len(dropped) == 1


def test_jwks_url() -> None:
    assert jwks_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/.well-known/jwks.json"


def test_cache_refuses_the_wrong_client_kind() -> None:
    with pytest.raises(BadRequestError):
        JwksCache("https://x/jwks", httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(BadRequestError):
        AsyncJwksCache("https://x/jwks", httpx.Client())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        JwksCache("ftp://x/jwks", httpx.Client())


def test_verifier_refuses_mismatched_parts() -> None:
    with pytest.raises(BadRequestError):
        Verifier(ISSUER, AUDIENCE, jwks_cache=AsyncJwksCache("https://x/j", httpx.AsyncClient()))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Verifier(ISSUER, AUDIENCE)
    with pytest.raises(ValueError):
        Verifier(
            ISSUER, AUDIENCE, jwks={"keys": []}, jwks_cache=JwksCache("https://x/j", httpx.Client())
        )


# --------------------------------------------------------------------------- async face


def test_async_verify_does_not_suspend_when_the_kid_is_known(server: JwksServer) -> None:
    server.serve([jwk(K1, "k1")])

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            verifier = AsyncVerifier(
                ISSUER, AUDIENCE, jwks_cache=AsyncJwksCache(server.url, client)
            )
            token = mint(K1, "k1")
            await verifier.verify(token)  # the miss: fetches
            coro = verifier.verify(token)
            # Driving the coroutine by hand: it finishes on the first step, never yields.
            with pytest.raises(StopIteration) as done:
                coro.send(None)
            assert isinstance(done.value.value, Claims)

    asyncio.run(main())
    assert server.count == 1


def test_verify_cached_and_resume_by_hand(server: JwksServer) -> None:
    server.serve([jwk(K1, "k1")])
    with httpx.Client() as client:
        cache = JwksCache(server.url, client)
        verifier = Verifier(ISSUER, AUDIENCE, jwks_cache=cache)
        token = mint(K1, "k1")
        need = verifier.verify_cached(token)
        assert isinstance(need, NeedKeys)
        assert need.kid == "k1"
        assert token.split(".")[2][:20] not in repr(need)
        cache.refresh(need.generation)
        assert verifier.resume(need).sub == "user-1"
        assert isinstance(verifier.verify_cached(token), Claims)
        assert server.count == 1
        cache.refresh(need.generation)  # that generation is gone: no second fetch
        assert server.count == 1
        assert isinstance(cache.get("k1"), object)


def test_custom_claims_land_in_extra(server: JwksServer) -> None:
    server.serve([jwk(K1, "k1")])
    with httpx.Client() as client:
        verifier = Verifier(ISSUER, AUDIENCE, jwks_cache=JwksCache(server.url, client))
        got = verifier.verify(mint(K1, "k1", payload=claims(plan="pro", email="a@b.c")))
        assert got.extra == {"plan": "pro", "email": "a@b.c", "sid": "session-1"}


# ---------------------------------------------- refresh ahead, in the background (13.2)


def test_a_due_refresh_runs_in_the_background_and_known_kids_do_not_wait(
    make: Callable[..., Face], server: JwksServer
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=300)
    face = make(clock, refresh_ahead=30)
    token = mint(K1, "k1")
    assert face.verify(token)
    server.serve([jwk(K1, "k1"), jwk(K2, "k2")], max_age=300)
    server.delay = 3.0  # the refresh is slow; verifications of k1 must not notice
    clock.advance(280)  # inside the refresh-ahead window, the set still valid
    started = time.monotonic()
    for _ in range(20):
        assert face.verify(token).sub == "user-1"
    assert time.monotonic() - started < 1.5  # the refresh takes 3 s
    # A kid the set lacks waits for the one fetch in flight and uses its answer.
    assert face.verify(mint(K2, "k2")).sub == "user-1"
    face.settle()
    assert server.count == 2  # one background refresh, shared with the unknown kid
    assert face.cache.kids == {"k1", "k2"}


def test_a_failing_background_refresh_is_logged_never_raised(
    make: Callable[..., Face], server: JwksServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=300)
    face = make(clock, refresh_ahead=30, failure_backoff=10)
    token = mint(K1, "k1")
    assert face.verify(token)
    server.fail(503)
    clock.advance(290)
    with caplog.at_level(logging.WARNING, logger="realmid"):
        assert face.verify(token).sub == "user-1"
        face.settle()
    assert server.count == 2
    assert any("HTTP 503" in r.getMessage() for r in caplog.records)
    for _ in range(20):  # within the backoff: the valid set serves, no more fetches
        assert face.verify(token)
    assert server.count == 2


def test_an_expired_set_is_not_served_while_it_refreshes(
    make: Callable[..., Face], server: JwksServer
) -> None:
    # Stale-while-revalidate stops at the set's expiry: past it, a key the issuer removed
    # must not verify one more token (unless the endpoint is failing: the max_stale rule).
    clock = FakeClock()
    server.serve([jwk(K1, "k1")], max_age=300)
    face = make(clock)
    assert face.verify(mint(K1, "k1"))
    server.serve([jwk(K2, "k2")], max_age=300)
    clock.advance(301)
    assert face.code(mint(K1, "k1")) == ErrorCode.UNKNOWN_KID
    assert server.count == 2


# ------------------------------------------------------ one total deadline (13.1)


def _trickled_headers(seconds: float) -> Callable[..., None]:
    body = json.dumps({"keys": [jwk(K1, "k1")]}).encode()

    def script(raw: RawServer, conn: Any, path: str) -> None:
        raw.send(conn, b"HTTP/1.1 200 OK\r\nX-Pad: ")
        raw.trickle(conn, b"a" * 60, seconds)
        raw.send(conn, b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    return script


def _trickled_body(seconds: float) -> Callable[..., None]:
    body = json.dumps({"keys": [jwk(K1, "k1")]}).encode()

    def script(raw: RawServer, conn: Any, path: str) -> None:
        raw.send(conn, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
        raw.trickle(conn, body, seconds)

    return script


@pytest.mark.parametrize("part", ["headers", "body"])
def test_a_trickling_endpoint_is_cut_off_at_the_one_deadline(
    make: Callable[..., Face], part: str
) -> None:
    # A raw server: only it can trickle headers byte by byte (no framework, nor the
    # emulator, sends a status line and then stalls inside the header block).
    script = _trickled_headers(12) if part == "headers" else _trickled_body(12)
    with raw_server(script) as raw:
        face = make(url=raw.url, timeout=1.0)
        started = time.monotonic()
        assert face.code(mint(K1, "k1")) == ErrorCode.JWKS_FETCH_FAILED
        assert time.monotonic() - started < 4  # the trickle lasts 12 s
        assert "deadline" in face.cache._last_error or "slow" in face.cache._last_error
