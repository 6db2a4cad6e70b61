"""realm.verify and realm.tokens against the emulator's real keys, through both faces."""

from __future__ import annotations

import pytest

import realmid
from realmid.errors import ErrorCode, RealmError, TokenRevokedError, is_code
from realmid.revocation import MemRevocationCache
from realmid.testing import RealmEmulator

from .support import call, close, make_realm

pytestmark = pytest.mark.anyio


def user_session(emulator: RealmEmulator, email: str, role: str = "owner") -> dict[str, object]:
    tenant = emulator.create_tenant(f"Tenant of {email}")
    user = emulator.seed_user(email, {tenant: role})
    return {**emulator.session_for(user.id, tenant), "seeded": user, "tenant": tenant}


async def test_verify_returns_the_claims_of_a_real_token(
    face: str, emulator: RealmEmulator
) -> None:
    session = user_session(emulator, "v@example.test", role="owner")
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    claims = await call(realm.verify(session["access_token"]))
    assert isinstance(claims, realmid.Claims)
    assert claims.sub == session["seeded"].id
    assert claims.tenant_id == session["tenant"]
    assert claims.role == "owner"
    assert claims.iss == emulator.base_url
    assert emulator.audience in claims.aud
    # The keys came without the platform token; only info() needed it.
    jwks = [s for s in sent.sent if s.path == "/.well-known/jwks.json"]
    assert len(jwks) == 1
    assert "authorization" not in jwks[0].headers
    # Warm: no further request for another verification.
    before = len(sent.sent)
    await call(realm.verify(session["access_token"]))
    assert len(sent.sent) == before
    await close(realm)


async def test_audience_defaults_to_info_and_can_be_overridden(
    face: str, emulator: RealmEmulator
) -> None:
    session = user_session(emulator, "aud@example.test")
    realm, _ = make_realm(face, emulator)
    with pytest.raises(RealmError) as caught:
        await call(realm.verify(session["access_token"], audience="https://other.example"))
    assert caught.value.code is ErrorCode.WRONG_AUDIENCE
    assert (await call(realm.verify(session["access_token"]))).sub
    await close(realm)


async def test_a_warm_verify_still_takes_every_audience(face: str, emulator: RealmEmulator) -> None:
    # Once warm, realm.verify is the verifier's own; an explicit audience must still rule.
    session = user_session(emulator, "warm@example.test")
    realm, _ = make_realm(face, emulator)
    for _ in range(3):
        assert (await call(realm.verify(session["access_token"]))).sub
    with pytest.raises(RealmError) as caught:
        await call(realm.verify(session["access_token"], audience="https://other.example"))
    assert caught.value.code is ErrorCode.WRONG_AUDIENCE
    claims = await call(realm.verify(session["access_token"], audience=emulator.audience))
    assert emulator.audience in claims.aud
    await call(realm.tokens.mark_revoked(session["access_token"]))
    with pytest.raises(TokenRevokedError):
        await call(realm.verify(session["access_token"]))
    await close(realm)


async def test_a_token_of_another_issuer_is_refused(face: str, emulator: RealmEmulator) -> None:
    with RealmEmulator() as other:
        tenant = other.create_tenant("Elsewhere")
        user = other.seed_user("x@example.test", {tenant: "owner"})
        foreign = other.session_for(user.id, tenant)["access_token"]
    realm, _ = make_realm(face, emulator)
    with pytest.raises(RealmError) as caught:
        await call(realm.verify(foreign))
    # Another issuer's kid is not in this issuer's JWKS (even after the refetch a miss
    # earns): unknown_kid, before any signature or iss check (docs/errors.md). A key of the
    # wrong issuer must never be tried in its place (that would say bad_signature).
    assert caught.value.code is ErrorCode.UNKNOWN_KID
    await close(realm)


async def test_tokens_mark_revoked_makes_verify_refuse(face: str, emulator: RealmEmulator) -> None:
    session = user_session(emulator, "rev@example.test")
    realm, _ = make_realm(face, emulator)
    token = session["access_token"]
    await call(realm.verify(token))
    assert len(realm.tokens) == 0
    await call(realm.tokens.mark_revoked(token))
    assert len(realm.tokens) == 1
    assert await call(realm.tokens.is_revoked(token))
    with pytest.raises(TokenRevokedError) as caught:
        await call(realm.verify(token))
    assert is_code(caught.value, ErrorCode.UNAUTHORIZED)
    assert caught.value.details["revoked"] is True
    with pytest.raises(TokenRevokedError):
        await call(realm.tokens.gate_request(token))
    await call(realm.tokens.evict())
    assert len(realm.tokens) == 0
    assert (await call(realm.verify(token))).jti
    await close(realm)


async def test_logout_with_the_access_token_parks_it(face: str, emulator: RealmEmulator) -> None:
    session = user_session(emulator, "out@example.test")
    cache = MemRevocationCache()
    realm, _ = make_realm(face, emulator, revocation=cache)
    assert realm.revocation is cache
    await call(realm.verify(session["access_token"]))
    await call(realm.auth.logout(session["refresh_token"], access_token=session["access_token"]))
    assert len(cache) == 1
    with pytest.raises(TokenRevokedError):
        await call(realm.verify(session["access_token"]))
    await close(realm)


async def test_expired_tokens_are_refused_with_leeway(face: str, emulator: RealmEmulator) -> None:
    session = user_session(emulator, "exp@example.test")
    token = session["access_token"]
    exp = int(realmid.verify.unverified_claims(token)["exp"])  # type: ignore[index]
    claims_now = [float(exp - 60)]
    realm, _ = make_realm(face, emulator, leeway=30, clock=lambda: claims_now[0])
    assert (await call(realm.verify(token))).exp == exp
    claims_now[0] = exp + 29  # inside the leeway
    assert (await call(realm.verify(token))).exp == exp
    claims_now[0] = exp + 31
    with pytest.raises(RealmError) as caught:
        await call(realm.verify(token))
    assert caught.value.code is ErrorCode.EXPIRED
    await close(realm)


def test_a_sync_realm_refuses_an_async_revocation_cache() -> None:
    class AsyncCache:
        async def revoke(self, jti: str, expires_at: float) -> None: ...

        async def is_revoked(self, jti: str) -> bool:
            return False

    with pytest.raises(ValueError, match="async revocation cache"):
        realmid.Realm(realm_id="r1", api_key="rk", revocation=AsyncCache())  # type: ignore[arg-type]
    realmid.AsyncRealm(realm_id="r1", api_key="rk", revocation=AsyncCache())  # type: ignore[arg-type]
