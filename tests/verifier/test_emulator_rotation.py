"""Key rotation end to end against the Realm ID emulator (its own instance: keys are
shared state, so this test does not use the session-wide one)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from verifier_support import FakeClock

from realmid import testing
from realmid.errors import ErrorCode, RealmError
from realmid.jwks import AsyncJwksCache, JwksCache, jwks_url
from realmid.verify import AsyncVerifier, Verifier


@pytest.fixture(scope="module")
def emu() -> Iterator[testing.RealmEmulator]:
    with testing.RealmEmulator() as emulator:
        yield emulator


def access_token(emu: testing.RealmEmulator, tenant: str, user_id: str) -> str:
    return str(emu.session_for(user_id, tenant)["access_token"])


def test_rotation_and_outage_against_the_emulator(emu: testing.RealmEmulator) -> None:
    tenant = emu.create_tenant("Rotation Co")
    user = emu.seed_user("rotation@example.test", {tenant: "member"})
    clock = FakeClock()
    with httpx.Client() as http:
        cache = JwksCache(jwks_url(emu.base_url), http, clock=clock)
        verifier = Verifier(emu.base_url, emu.audience, jwks_cache=cache, clock=emu.now)

        old = access_token(emu, tenant, user.id)
        claims = verifier.verify(old)
        assert (claims.sub, claims.tenant_id, claims.role) == (user.id, tenant, "member")
        assert claims.iss == emu.base_url
        assert emu.audience in claims.aud
        assert claims.extra["email"] == "rotation@example.test"

        # The emulator signs with a new key at once; our last fetch is past the cooldown.
        clock.advance(31)
        new_kid = emu.rotate_keys()
        new = access_token(emu, tenant, user.id)
        assert verifier.verify(new).sub == user.id
        assert verifier.verify(old).sub == user.id
        assert new_kid in cache.kids

        # The old key is retired: after the next refresh its tokens stop verifying.
        emu.retire_old_keys()
        clock.advance(301)
        with pytest.raises(RealmError) as caught:
            verifier.verify(old)
        assert caught.value.code == ErrorCode.UNKNOWN_KID
        assert verifier.verify(new)

        # JWKS outage: the warm set keeps serving the kid it knows.
        emu.faults.jwks_outage = True
        try:
            clock.advance(301)
            assert verifier.verify(new)
            with pytest.raises(RealmError) as caught:
                verifier.verify(old)
            assert caught.value.code == ErrorCode.JWKS_FETCH_FAILED
        finally:
            emu.faults.jwks_outage = False

        # Expiry is read on the emulator's clock.
        emu.advance(24 * 3600)
        with pytest.raises(RealmError) as caught:
            verifier.verify(new)
        assert caught.value.code == ErrorCode.EXPIRED


def test_async_face_against_the_emulator(emu: testing.RealmEmulator) -> None:
    tenant = emu.create_tenant("Async Co")
    user = emu.seed_user("async@example.test", {tenant: "owner"})

    async def main() -> None:
        clock = FakeClock()
        async with httpx.AsyncClient() as http:
            cache = AsyncJwksCache(jwks_url(emu.base_url), http, clock=clock)
            verifier = AsyncVerifier(emu.base_url, emu.audience, jwks_cache=cache, clock=emu.now)
            first = access_token(emu, tenant, user.id)
            assert (await verifier.verify(first)).role == "owner"
            clock.advance(31)
            emu.rotate_keys()
            second = access_token(emu, tenant, user.id)
            results = await asyncio.gather(*(verifier.verify(second) for _ in range(50)))
            assert {c.sub for c in results} == {user.id}
            assert cache.stats.fetches == 2

    asyncio.run(main())
