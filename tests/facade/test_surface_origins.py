"""realm.origins: the allowlist, its cache, and the claim → verify → bind flow; both faces."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import realmid
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.models import Origin, OriginClaim
from realmid.origin_names import normalize_origin
from realmid.testing import RealmEmulator

from .support import call, close, collect, many_at_once
from .surface_support import Handle, error_of, open_realm, unique

pytestmark = pytest.mark.anyio


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------- normalize_origin


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("https://App.Example.COM", "app.example.com"),
        ("https://app.example.com:8443/login?next=/#top", "app.example.com"),
        ("http://user:pw@app.example.com:80", "app.example.com"),
        ("app.example.com", "app.example.com"),
        ("APP.example.com.", "app.example.com"),
        ("  https://app.example.com/  ", "app.example.com"),
        ("app.example.com:3000", "app.example.com"),
        ("https://[::1]:8443/x", "::1"),
        ("null", "null"),
    ],
)
def test_normalize_origin(raw: str, host: str) -> None:
    assert normalize_origin(raw) == host


@pytest.mark.parametrize(
    "raw", ["", "   ", "https://", "file:///etc/passwd", "https://:443/", ".", "https://u:pw@/"]
)
def test_normalize_origin_rejects_what_has_no_hostname(raw: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        normalize_origin(raw)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert "pw" not in caught.value.message  # user info is never echoed


# ---------------------------------------------------------------------- helpers


async def verified_apex(realm: Handle, emu: RealmEmulator) -> str:
    """A hostname the realm has claimed and verified (not bound)."""
    apex = f"{unique('apex')}.example"
    claim = await call(realm.origins.claim(apex))
    emu.publish_txt(claim.dns_record_name, claim.dns_record_value)
    assert (await call(realm.origins.verify(apex))).verified
    return apex


def list_calls(sent: Any, emu: RealmEmulator) -> int:
    return int(sent.count("GET", f"/platforms/{emu.realm_id}/origins"))


def other_handle(face: str, emu: RealmEmulator, api_key: str | None = None) -> Handle:
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    return cls(realm_id=emu.realm_id, api_key=api_key or emu.api_key, base_url=emu.base_url)


# ---------------------------------------------------------------------- list / claim / verify


async def test_claim_verify_and_list(face: str, emulator: RealmEmulator) -> None:
    host = f"{unique('www')}.example"
    async with open_realm(face, emulator) as (realm, sent):
        claim = await call(realm.origins.claim(f"HTTPS://{host}:443"))
        assert isinstance(claim, OriginClaim)
        assert (claim.domain, claim.status, claim.method) == (host, "pending", "dns_txt")
        again = await call(realm.origins.claim(host))
        assert again.dns_record_value == claim.dns_record_value
        pending = await call(realm.origins.verify(host))
        # Go omits a false `verified` (omitempty): absent is UNSET, falsy like False.
        assert not pending.verified
        assert pending.status == "pending"
        emulator.publish_txt(claim.dns_record_name, claim.dns_record_value)
        assert (await call(realm.origins.verify(host))).verified
        assert await collect(realm.origins.list()) == []  # verified is not bound
        never = await error_of(lambda: realm.origins.verify(f"never.{host}"))
        assert never.code is ErrorCode.NOT_FOUND
        foreign = await error_of(lambda: collect(realm.origins.list(realm_id="01SOMEONEELSE")))
        assert foreign.code is ErrorCode.FORBIDDEN
        before = len(sent.sent)
        with pytest.raises(BadRequestError):
            await call(realm.origins.claim("https://"))
        with pytest.raises(BadRequestError):
            await call(realm.origins.bind(""))
        assert len(sent.sent) == before


# ---------------------------------------------------------------------- bind


async def test_bind_without_the_txt_record_says_what_to_publish_then_resumes(
    face: str, emulator: RealmEmulator
) -> None:
    host = f"{unique('app')}.example"
    async with open_realm(face, emulator) as (realm, sent):
        start = len(sent.sent)
        pending = await error_of(lambda: realm.origins.bind(f"https://{host}/"))
        assert pending.code is ErrorCode.CONFLICT
        assert pending.details["status"] == "pending"
        assert pending.details["hostname"] == host
        name, value = pending.details["dns_record_name"], pending.details["dns_record_value"]
        assert name
        assert value
        steps = [(s.method, s.path.rsplit("/", 1)[-1]) for s in sent.sent[start:]]
        assert steps[-3:] == [("POST", "origins"), ("POST", "claim"), ("POST", "verify")]
        assert await collect(realm.origins.list()) == []  # nothing was bound

        # Asking again without publishing: the same record (the claim is idempotent).
        again = await error_of(lambda: realm.origins.bind(host))
        assert again.details["dns_record_value"] == value

        emulator.publish_txt(name, value)
        start = len(sent.sent)
        origin = await call(realm.origins.bind(host))
        assert isinstance(origin, Origin)
        assert (origin.domain, origin.entity_type, origin.entity_id) == (
            host,
            "realm",
            emulator.realm_id,
        )
        flow = [s for s in sent.sent[start:] if s.method == "POST"]
        assert [s.path.rsplit("/", 1)[-1] for s in flow] == [
            "origins",
            "claim",
            "verify",
            "origins",
        ]
        binds = [s for s in flow if s.path.endswith("/origins")]
        keys = {b.headers["idempotency-key"] for b in binds}
        assert len(keys) == 2  # each bind attempt is its own request, with its own key
        assert [o.domain for o in await collect(realm.origins.list())] == [host]


async def test_bind_is_direct_for_verified_hosts_and_their_subdomains(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        start = len(sent.sent)
        bound = await call(realm.origins.bind(apex))
        sub = await call(realm.origins.bind(f"api.{apex}"))
        assert sub.verification_id == bound.verification_id  # the apex is the trust anchor
        again = await call(realm.origins.bind(apex))
        assert again.id == bound.id  # already bound: the live row comes back
        posts = [s.path for s in sent.sent[start:] if s.method == "POST"]
        assert posts == [f"/platforms/{emulator.realm_id}/origins"] * 3
        domains = sorted(o.domain for o in await collect(realm.origins.list(limit=1)))
        assert domains == sorted([apex, f"api.{apex}"])


async def test_bind_of_a_hostname_someone_else_verified_is_the_issuers_conflict(
    face: str, emulator: RealmEmulator
) -> None:
    handle = emulator.add_realm(unique("Rival"))
    rival_emu = emulator.using_realm(handle)
    async with open_realm(face, rival_emu) as (rival, _):
        taken = await verified_apex(rival, rival_emu)
    async with open_realm(face, emulator) as (realm, _):
        err = await error_of(lambda: realm.origins.bind(taken))
        assert err.code is ErrorCode.CONFLICT
        assert err.http_status == 409
        assert "status" not in err.details  # not "pending": publishing would not help


# ---------------------------------------------------------------------- validate


async def test_validate_caches_the_allowlist_for_the_ttl(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, _):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(f"app.{apex}"))
    async with open_realm(face, emulator) as (realm, sent):
        clock = FakeClock()
        realm.origins.clock = clock
        realm.origins.ttl = 60
        allowed = f"https://app.{apex}:443"
        assert await call(realm.origins.validate(allowed)) is True
        assert list_calls(sent, emulator) == 1
        clock.now += 59
        assert await call(realm.origins.validate(f"APP.{apex}")) is True
        assert list_calls(sent, emulator) == 1  # served from the cache
        clock.now += 2  # past the TTL
        assert await call(realm.origins.validate(allowed)) is True
        assert list_calls(sent, emulator) == 2
        assert realm.origins.refreshes == 2

        realm.origins.invalidate("01SOMEONEELSE")  # another realm's entry: ours stays
        assert await call(realm.origins.validate(allowed)) is True
        assert list_calls(sent, emulator) == 2
        realm.origins.invalidate(emulator.realm_id)
        assert await call(realm.origins.validate(allowed)) is True
        assert list_calls(sent, emulator) == 3
        realm.origins.invalidate()
        assert await call(realm.origins.validate(allowed)) is True
        assert list_calls(sent, emulator) == 4

        before = len(sent.sent)
        for nothing in ("", "https://", "file:///x"):
            assert await call(realm.origins.validate(nothing)) is False
        assert len(sent.sent) == before
        with pytest.raises(BadRequestError):
            realm.origins.ttl = -1


async def test_a_miss_refreshes_at_most_once_per_interval(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        clock = FakeClock()
        realm.origins.clock = clock
        realm.origins.miss_refresh_interval = 5
        assert await call(realm.origins.validate("https://evil.example")) is False
        assert list_calls(sent, emulator) == 1
        for _ in range(10):  # a flood of misses inside the interval costs nothing
            assert await call(realm.origins.validate("https://evil.example")) is False
        assert list_calls(sent, emulator) == 1

        # Bound through another handle (whose bind cannot drop this handle's cache):
        other = other_handle(face, emulator)
        try:
            await call(other.origins.bind(f"new.{apex}"))
        finally:
            await close(other)
        assert await call(realm.origins.validate(f"https://new.{apex}")) is False  # too soon
        clock.now += 6
        assert (
            await call(realm.origins.validate(f"https://new.{apex}")) is True
        )  # the miss refreshed
        assert list_calls(sent, emulator) == 2
        # A bind through this handle drops its cache: the next check sees it at once.
        await call(realm.origins.bind(f"newer.{apex}"))
        assert await call(realm.origins.validate(f"newer.{apex}")) is True
        assert list_calls(sent, emulator) == 3


async def bind_elsewhere(face: str, emulator: RealmEmulator, hostname: str) -> None:
    """Bind ``hostname`` through another handle: the test's handle cannot know of it."""
    other = other_handle(face, emulator)
    try:
        await call(other.origins.bind(hostname))
    finally:
        await close(other)


async def test_an_origin_bound_elsewhere_validates_after_one_miss(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        realm.origins.clock = FakeClock()  # time stands still: no TTL or interval runs out
        assert await call(realm.origins.validate(f"https://{apex}")) is True
        assert list_calls(sent, emulator) == 1
        await bind_elsewhere(face, emulator, f"late.{apex}")
        # Well inside the TTL, a moment after the fetch: the miss refreshes at once.
        assert await call(realm.origins.validate(f"https://late.{apex}")) is True
        assert list_calls(sent, emulator) == 2
        assert await call(realm.origins.validate(f"late.{apex}")) is True  # a hit now
        assert list_calls(sent, emulator) == 2


async def test_a_flood_of_unknown_origins_costs_one_list_call_per_interval(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        clock = FakeClock()
        realm.origins.clock = clock
        realm.origins.miss_refresh_interval = 1
        assert await call(realm.origins.validate(apex)) is True
        assert list_calls(sent, emulator) == 1
        flood = [
            await call(realm.origins.validate(f"https://bot{i}.evil.example")) for i in range(50)
        ]
        assert flood == [False] * 50
        assert list_calls(sent, emulator) == 2  # the first miss refreshed, the rest waited
        clock.now += 1.5  # one interval later: one more refresh for the next flood
        flood = [await call(realm.origins.validate(f"bot{i}.evil.example")) for i in range(50, 99)]
        assert flood == [False] * 49
        assert list_calls(sent, emulator) == 3
        assert await call(realm.origins.validate(apex)) is True  # known hosts still pass
        assert list_calls(sent, emulator) == 3
        assert realm.origins.refreshes == 3


async def test_concurrent_misses_share_one_refresh(face: str, emulator: RealmEmulator) -> None:
    emulator.set_rate_limit(10_000, burst=10_000)
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        realm.origins.clock = FakeClock()
        assert await call(realm.origins.validate(apex)) is True
        await bind_elsewhere(face, emulator, f"new.{apex}")
        emulator.faults.latency = 0.05  # keep the refresh in flight while the others arrive
        results = await many_at_once(
            face, 20, lambda: realm.origins.validate(f"https://new.{apex}")
        )
        # Every caller got the refreshed answer (none was turned away by the throttle), and
        # the crowd cost one list call.
        assert results == [True] * 20
        assert list_calls(sent, emulator) == 2

        names = itertools.count()
        results = await many_at_once(
            face, 20, lambda: realm.origins.validate(f"bot{next(names)}.evil.example")
        )
        assert results == [False] * 20
        assert list_calls(sent, emulator) == 3
        assert realm.origins.refreshes == 3


async def test_a_bind_through_this_handle_is_seen_at_once_under_the_throttle(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        realm.origins.clock = FakeClock()
        realm.origins.miss_refresh_interval = 3600
        assert await call(realm.origins.validate("https://evil.example")) is False
        assert await call(realm.origins.validate(f"app.{apex}")) is False  # throttled
        assert list_calls(sent, emulator) == 1
        await call(realm.origins.bind(f"app.{apex}"))
        assert await call(realm.origins.validate(f"https://app.{apex}")) is True
        assert list_calls(sent, emulator) == 2


async def test_a_failed_miss_refresh_starts_the_throttle(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        realm.origins.clock = FakeClock()
        assert await call(realm.origins.validate(apex)) is True
        emulator.faults.fail_next(
            1, status=500, path_prefix=f"/platforms/{emulator.realm_id}/origins"
        )
        err = await error_of(lambda: realm.origins.validate("https://bot.evil.example"))
        assert err.code is ErrorCode.SERVER_ERROR
        assert list_calls(sent, emulator) == 2
        # An issuer that fails is not asked again for every unknown origin...
        for i in range(20):
            assert await call(realm.origins.validate(f"bot{i}.evil.example")) is False
        assert list_calls(sent, emulator) == 2
        # ... and the last good list keeps serving the known ones.
        assert await call(realm.origins.validate(apex)) is True
        assert list_calls(sent, emulator) == 2


async def test_an_invalidation_during_a_refresh_is_not_undone(
    face: str, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        realm.origins.clock = FakeClock()
        origins = realm.origins
        original = origins._fetch_once

        # Something (a bind through this handle, the partner) invalidates mid-fetch.
        def during(key: str) -> Any:
            hosts = original(key)
            origins.invalidate()
            return hosts

        async def during_async(key: str) -> Any:
            hosts = await original(key)
            origins.invalidate()
            return hosts

        monkeypatch.setattr(origins, "_fetch_once", during_async if face == "async" else during)
        assert await call(origins.validate("https://evil.example")) is False
        monkeypatch.undo()
        assert list_calls(sent, emulator) == 1
        # The fetched list answered its caller but was not kept over the invalidation:
        # the next check fetches again instead of trusting (and throttling on) stale data.
        assert await call(origins.validate("https://evil.example")) is False
        assert list_calls(sent, emulator) == 2


async def test_concurrent_validations_share_one_refresh(face: str, emulator: RealmEmulator) -> None:
    emulator.set_rate_limit(10_000, burst=10_000)
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        emulator.faults.latency = 0.05  # keep the refresh in flight while the others arrive
        results = await many_at_once(face, 20, lambda: realm.origins.validate(f"https://{apex}"))
        assert results == [True] * 20
        assert list_calls(sent, emulator) == 1
        assert realm.origins.refreshes == 1


async def test_a_401_while_refreshing_drops_the_platform_token_and_retries_once(
    face: str, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        apex = await verified_apex(realm, emulator)
        await call(realm.origins.bind(apex))
        assert sent.count("POST", "/auth/login") == 1
        original = realm._call
        refusals = [RealmError(ErrorCode.UNAUTHORIZED, "token refused", 401)]

        def refused_once(op: Any, expect: Any, **kwargs: Any) -> Any:
            if refusals and op.__module__.endswith("list_origins"):
                raise refusals.pop()
            return original(op, expect, **kwargs)

        async def refused_once_async(op: Any, expect: Any, **kwargs: Any) -> Any:
            if refusals and op.__module__.endswith("list_origins"):
                raise refusals.pop()
            return await original(op, expect, **kwargs)

        monkeypatch.setattr(realm, "_call", refused_once_async if face == "async" else refused_once)
        assert await call(realm.origins.validate(apex)) is True
        assert refusals == []
        assert realm.origins.refreshes == 2
        # The platform token was dropped: the retry started with a fresh API-key login.
        assert sent.count("POST", "/auth/login") == 2


async def test_a_401_that_persists_surfaces_after_one_retry(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (admin, _):
        key = await call(admin.api_keys.create("short-lived"))
        async with open_realm(face, emulator, api_key=key.secret) as (realm, sent):
            assert await call(realm.origins.validate("https://nothing.example")) is False
            await call(admin.api_keys.revoke(key.id))
            realm.origins.invalidate()
            err = await error_of(lambda: realm.origins.validate("https://nothing.example"))
            assert err.code is ErrorCode.UNAUTHORIZED
            # One list refused; the token flow's own re-mint refused; our one retry refused.
            assert list_calls(sent, emulator) == 2
            assert sent.count("POST", "/auth/login") == 3
