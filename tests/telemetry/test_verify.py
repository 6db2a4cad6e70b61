"""realm.verify, the JWKS fetch and the revocation checks: spans only where there is I/O,
the verify histogram on every verify, the counters by outcome; both faces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from facade.support import Recorder, call, close, make_realm
from opentelemetry.trace import SpanKind, StatusCode
from verifier.verifier_support import RedisProcess

from realmid.errors import RealmError
from realmid.revocation import AsyncRedisRevocationCache, RedisRevocationCache
from realmid.testing import RealmEmulator

from .conftest import Telemetry
from .test_calls import ids, traceparent

pytestmark = pytest.mark.anyio


def session_token(emu: RealmEmulator, name: str) -> str:
    tenant = emu.create_tenant(name)
    user = emu.seed_user(f"{name.lower().replace(' ', '-')}@example.test", {tenant: "member"})
    return str(emu.session_for(user.id, tenant)["access_token"])


async def outcome_of(make_call: Any) -> str:
    try:
        await call(make_call())
    except RealmError as err:
        return str(err.code)
    return "ok"


async def test_first_verify_fetches_keys_in_a_span_the_rest_only_count(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    token = session_token(emulator, "Verify Co")
    realm, _ = make_realm(face, emulator, clock=emulator.now)
    client: Any = realm._http
    recorder = Recorder(client._transport)
    client._transport = recorder
    try:
        assert await outcome_of(lambda: realm.verify(token)) == "ok"
        first = {s.name for s in telemetry.spans()}
        assert await outcome_of(lambda: realm.verify(token)) == "ok"
        assert await outcome_of(lambda: realm.verify("not-a-token")) == "malformed"
        other = "https://elsewhere.example"
        assert await outcome_of(lambda: realm.verify(token, other)) == "wrong_audience"
        await call(realm.tokens.mark_revoked(token))
        assert await outcome_of(lambda: realm.verify(token)) == "unauthorized"  # TokenRevokedError
    finally:
        await close(realm)
    assert {"realmid.verify", "realmid.jwks.fetch", "realmid.realm.info"} <= first
    # Only the first verify did I/O: one verify span, one fetch inside it.
    verify = telemetry.span("realmid.verify")
    fetch = telemetry.span("realmid.jwks.fetch")
    assert fetch.kind is SpanKind.CLIENT
    assert fetch.parent is not None
    assert fetch.parent.span_id == verify.context.span_id
    attrs = dict(fetch.attributes or {})
    assert str(attrs["url.full"]).endswith("/.well-known/jwks.json")
    assert attrs["http.response.status_code"] == 200
    assert attrs["realmid.outcome"] == "ok"
    jwks_request = next(s for s in recorder.sent if s.path.endswith("jwks.json"))
    assert traceparent(jwks_request) == ids(fetch)
    points = telemetry.points()
    outcomes = sorted(
        (p.attributes["realmid.outcome"], p.value)
        for p in points
        if p.name == "realmid.verify.duration"
    )
    assert outcomes == [("malformed", 1), ("ok", 2), ("unauthorized", 1), ("wrong_audience", 1)]
    fetches = [(p.attributes, p.value) for p in points if p.name == "realmid.jwks.fetches"]
    assert fetches == [({"realmid.outcome": "ok"}, 1)]
    checks = sorted(
        (p.attributes["realmid.revocation.source"], p.attributes["realmid.outcome"], p.value)
        for p in points
        if p.name == "realmid.revocation.checks"
    )
    assert ("memory", "not_revoked", 2) in checks
    assert ("memory", "revoked", 1) in checks
    assert all(
        p.attributes["realmid.revocation.backend"] == "memory"
        for p in points
        if p.name == "realmid.revocation.checks"
    )


async def test_a_failed_jwks_fetch_is_an_error_span_and_counted(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    from realmid.jwks import AsyncJwksCache, JwksCache

    realm, _ = make_realm(face, emulator)
    try:
        url = emulator.base_url + "/no-such-jwks.json"
        if face == "async":
            acache = AsyncJwksCache(url, realm._http)  # type: ignore[arg-type]
            await acache.refresh()
        else:
            JwksCache(url, realm._http).refresh()  # type: ignore[arg-type]
    finally:
        await close(realm)
    fetch = telemetry.span("realmid.jwks.fetch")
    assert fetch.status.status_code is StatusCode.ERROR
    assert dict(fetch.attributes or {})["realmid.outcome"] == "error"
    assert dict(fetch.attributes or {})["http.response.status_code"] == 404
    (point,) = telemetry.points("realmid.jwks.fetches")
    assert point.attributes == {"realmid.outcome": "error"}


@pytest.fixture
def redis_proc(tmp_path: Path) -> Iterator[RedisProcess]:
    proc = RedisProcess(tmp_path)
    try:
        yield proc
    finally:
        proc.stop()


async def test_a_redis_round_trip_is_a_span_and_counted(
    face: str, emulator: RealmEmulator, telemetry: Telemetry, redis_proc: RedisProcess
) -> None:
    token = session_token(emulator, "Redis Co")
    cache: Any
    if face == "async":
        cache = AsyncRedisRevocationCache(
            redis.asyncio.Redis.from_url(redis_proc.url), near_cache=False
        )
    else:
        cache = RedisRevocationCache(redis.Redis.from_url(redis_proc.url), near_cache=False)
    realm, _ = make_realm(face, emulator, clock=emulator.now, revocation=cache)
    try:
        assert await outcome_of(lambda: realm.verify(token)) == "ok"
        telemetry.reset()
        assert await outcome_of(lambda: realm.verify(token)) == "ok"  # keys in hand: Redis only
        spans = telemetry.spans()
        points = telemetry.points("realmid.revocation.checks")
        redis_proc.stop()
        telemetry.exporter.clear()
        assert await outcome_of(lambda: realm.verify(token)) == "server_error"
        down = telemetry.spans("realmid.revocation.check")
        down_points = telemetry.points("realmid.revocation.checks")
    finally:
        await close(realm)
        closing = getattr(cache, "aclose", None) or cache.close
        await call(closing())
    assert [s.name for s in spans] == ["realmid.revocation.check"]
    check = spans[0]
    assert check.kind is SpanKind.CLIENT
    attrs = dict(check.attributes or {})
    assert attrs["realmid.revocation.backend"] == "redis"
    assert attrs["db.system.name"] == "redis"
    assert attrs["realmid.outcome"] == "not_revoked"
    assert [(p.attributes, p.value) for p in points] == [
        (
            {
                "realmid.revocation.backend": "redis",
                "realmid.revocation.source": "redis",
                "realmid.outcome": "not_revoked",
            },
            1,
        )
    ]
    (failed,) = down
    assert failed.status.status_code is StatusCode.ERROR
    assert dict(failed.attributes or {})["realmid.error.code"] == "server_error"
    assert [p.attributes["realmid.outcome"] for p in down_points] == ["error"]


def test_a_near_cache_hit_is_counted_without_a_span(
    emulator: RealmEmulator, telemetry: Telemetry, redis_proc: RedisProcess
) -> None:
    from realmid.revocation import MemRevocationCache

    cache = RedisRevocationCache(redis.Redis.from_url(redis_proc.url))
    try:
        # The replica as the listener leaves it once in step (no waiting on pub/sub here).
        cache._replica = MemRevocationCache()
        cache._lease_until = float("inf")
        assert cache.is_revoked("jti-near") is False
    finally:
        cache.close()
    assert telemetry.spans() == []
    assert [(p.attributes, p.value) for p in telemetry.points("realmid.revocation.checks")] == [
        (
            {
                "realmid.revocation.backend": "redis",
                "realmid.revocation.source": "near_cache",
                "realmid.outcome": "not_revoked",
            },
            1,
        )
    ]


class _Undecided:
    """A revocation cache whose local answer is always "cannot tell without I/O"."""

    def revoke(self, jti: str, expires_at: float) -> None:
        return None

    def is_revoked(self, jti: str) -> bool:
        return False

    def is_revoked_locally(self, jti: str) -> bool | None:
        return None


def test_verify_local_times_each_answer_it_gives(
    emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    from realmid.revocation import MemRevocationCache
    from realmid.verify import Verifier

    token = session_token(emulator, "Local Co")
    keys, issuer, audience = emulator.jwks(), emulator.base_url, emulator.audience
    revocation = MemRevocationCache()
    decided = Verifier(issuer, audience, jwks=keys, revocation=revocation, clock=emulator.now)
    undecided = Verifier(issuer, audience, jwks=keys, revocation=_Undecided(), clock=emulator.now)
    assert decided.verify_local(token) is not None  # a miss: verified in full, then cached
    assert decided.verify_local(token) is not None  # a hit
    assert undecided.verify_local(token) is None  # no answer: the full verify records it
    with pytest.raises(RealmError):
        decided.verify_local("not-a-token")
    revocation.revoke(decided.verify_local(token).jti, emulator.now() + 600)  # type: ignore[union-attr]
    with pytest.raises(RealmError):
        decided.verify_local(token)
    outcomes = sorted(
        (p.attributes["realmid.outcome"], p.value)
        for p in telemetry.points("realmid.verify.duration")
    )
    assert outcomes == [("malformed", 1), ("ok", 3), ("unauthorized", 1)]
    assert telemetry.spans() == []  # no I/O: no span
