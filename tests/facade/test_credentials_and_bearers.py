"""Which bearer each request rides, and what a 401 means (the contract's description).

- A wrong user credential (OTP, TOTP code, provider token, refresh token) is the caller's
  error: exactly one request on the wire, no API-key login, its own code back.
- Anonymous operations (login, MFA verify, user refresh, realm info, JWKS) carry no bearer,
  so logging users in and verifying their tokens never needs the API key.
- A platform token the issuer no longer accepts still costs exactly one re-mint and one
  resend (tests/facade/test_realm_core.py); the first mint is resent on a blip like any
  repeatable call.
"""

from __future__ import annotations

import httpx
import pytest

import realmid
from realmid.errors import ErrorCode
from realmid.testing import RealmEmulator, SeededUser

from .support import call, close, make_realm
from .surface_support import error_of, login, member, open_realm, unique, wrong_code

pytestmark = pytest.mark.anyio

ANONYMOUS_PATHS = ("/auth/login", "/auth/mfa/verify", "/auth/token", "/auth/logout")


def api_key_logins(sent: object) -> int:
    """Requests that carried the raw API key (the platform grant)."""
    return sum(
        1
        for s in sent.sent  # type: ignore[attr-defined]
        if s.path == "/auth/login" and b"platform_api_key" in s.body
    )


async def test_a_wrong_partner_otp_is_sent_once_and_costs_no_api_key_login(
    face: str, emulator: RealmEmulator
) -> None:
    # BFF shape: the call rides the platform token and a 401 comes back. The 401 names the
    # OTP (invalid_otp), not the bearer, so nothing is re-minted or resent.
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        ref = unique("order")
        issued = await call(realm.otp.issue(ref, "delivery", user_id=user.id))
        logins = api_key_logins(sent)
        wrong = await error_of(
            lambda: realm.otp.verify(ref, "delivery", wrong_code(issued.value), user_id=user.id)
        )
        assert (wrong.code, wrong.http_status) == (ErrorCode.INVALID_OTP, 401)
        assert sent.count("POST", "/otp/verify") == 1
        assert api_key_logins(sent) == logins
        assert realm._auth.stats.remints_on_401 == 0


async def test_four_wrong_otps_leave_the_fifth_try_to_the_user(
    face: str, emulator: RealmEmulator
) -> None:
    # The issuer locks a subject after 5 misses. Resending each miss once used to lock the
    # user out after 3 tries.
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        ref = unique("order")
        issued = await call(realm.otp.issue(ref, "delivery", user_id=user.id))
        for _ in range(4):
            miss = await error_of(
                lambda: realm.otp.verify(ref, "delivery", wrong_code(issued.value), user_id=user.id)
            )
            assert miss.code is ErrorCode.INVALID_OTP
        verified = await call(realm.otp.verify(ref, "delivery", issued.value, user_id=user.id))
        assert verified.otp_id == issued.id
        assert sent.count("POST", "/otp/verify") == 5


async def test_login_and_mfa_ride_no_bearer_and_never_mint(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        challenge = (await error_of(lambda: login(realm, emulator, mfa_user))).details[
            "mfa_challenge_token"
        ]
        wrong = await error_of(
            lambda: realm.auth.mfa_verify(challenge, wrong_code(mfa_user.totp_now()))
        )
        assert (wrong.code, wrong.http_status) == (ErrorCode.INVALID_OTP, 401)
        assert sent.count("POST", "/auth/mfa/verify") == 1
        session = await call(realm.auth.mfa_verify(challenge, mfa_user.totp_now()))
        minted = await call(realm.auth.token(session.refresh_token))
        await call(realm.auth.logout(minted.refresh_token))
        assert api_key_logins(sent) == 0
        # Besides the four auth calls, only the realm's info (for the Origin) went out.
        anonymous = (*ANONYMOUS_PATHS, f"/platforms/{emulator.realm_id}/info")
        for request in sent.sent:
            assert request.path in anonymous
            assert "authorization" not in request.headers


async def test_a_bad_provider_token_is_sent_once(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        await call(realm.tenants.list().page())  # a warm platform token
        logins = api_key_logins(sent)
        bad = await error_of(lambda: realm.auth.login("not-a-provider-token"))
        assert (bad.code, bad.http_status) == (ErrorCode.PROVIDER_TOKEN_INVALID, 401)
        assert sent.count("POST", "/auth/login") == logins + 1
        assert api_key_logins(sent) == logins


async def test_a_bad_refresh_token_is_sent_once(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        await call(realm.tenants.list().page())
        logins = api_key_logins(sent)
        bad = await error_of(lambda: realm.auth.token("rrt_not_a_refresh_token"))
        assert (bad.code, bad.http_status) == (ErrorCode.UNAUTHORIZED, 401)
        assert sent.count("POST", "/auth/token") == 1
        assert api_key_logins(sent) == logins
        assert realm._auth.stats.remints_on_401 == 0


async def test_a_valid_token_verifies_with_a_wrong_api_key(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator)
    access_token = emulator.session_for(user.id)["access_token"]
    async with open_realm(face, emulator, api_key="rk_test_wrong") as (realm, sent):
        claims = await call(realm.verify(access_token))
        assert claims.sub == user.id
        # The realm info and the keys went out bare; the API key was never needed.
        assert [s.path for s in sent.sent] == [
            f"/platforms/{emulator.realm_id}/info",
            "/.well-known/jwks.json",
        ]
        assert all("authorization" not in s.headers for s in sent.sent)
        # The platform calls do need it, and say so.
        refused = await error_of(lambda: realm.tenants.list().page())
        assert refused.code is ErrorCode.UNAUTHORIZED


async def test_an_explicit_audience_makes_no_info_call(face: str, emulator: RealmEmulator) -> None:
    user = member(emulator)
    access_token = emulator.session_for(user.id)["access_token"]
    async with open_realm(face, emulator) as (realm, sent):
        claims = await call(realm.verify(access_token, audience=emulator.audience))
        assert claims.sub == user.id
        assert [s.path for s in sent.sent] == ["/.well-known/jwks.json"]
        wrong = await error_of(lambda: realm.verify(access_token, audience="https://other"))
        assert wrong.code is ErrorCode.WRONG_AUDIENCE
        # The default audience still comes from the realm's info, fetched when first needed.
        assert (await call(realm.verify(access_token))).sub == user.id
        assert sent.count("GET", f"/platforms/{emulator.realm_id}/info") == 1


@pytest.mark.parametrize("fault", ["503", "dropped"])
async def test_the_first_mint_is_resent_on_a_blip(
    face: str, emulator: RealmEmulator, fault: str
) -> None:
    if fault == "503":
        emulator.faults.fail_next(2, status=503, path_prefix="/auth/login")
    else:
        emulator.faults.drop_next(1, path_prefix="/auth/login")
    async with open_realm(face, emulator) as (realm, sent):
        page = await call(realm.tenants.list().page())
        assert page.items == []
        assert api_key_logins(sent) == (3 if fault == "503" else 2)


async def test_the_first_mint_gives_up_after_its_retries(
    face: str, emulator: RealmEmulator
) -> None:
    emulator.faults.fail_next(5, status=503, path_prefix="/auth/login")
    async with open_realm(face, emulator) as (realm, sent):
        failed = await error_of(lambda: realm.tenants.list().page())
        assert (failed.code, failed.http_status) == (ErrorCode.SERVER_ERROR, 503)
        assert api_key_logins(sent) == 3  # FAST_RETRY: one try and two retries


async def test_logout_without_a_revocation_cache_parks_nothing(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, _):
        session = await login(realm, emulator, user)
        await call(realm.auth.logout(session.refresh_token, access_token=session.access_token))
        assert len(realm.tokens) == 0
        assert (await call(realm.verify(session.access_token))).sub == user.id


async def test_logout_with_a_revocation_cache_parks_the_jti(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator)
    cache = realmid.MemRevocationCache()
    async with open_realm(face, emulator, revocation=cache) as (realm, _):
        session = await login(realm, emulator, user)
        await call(realm.auth.logout(session.refresh_token, access_token=session.access_token))
        assert len(cache) == 1
        revoked = await error_of(lambda: realm.verify(session.access_token))
        assert revoked.details["revoked"] is True


async def test_a_caller_supplied_client_keeps_the_bearer_rules(
    face: str, emulator: RealmEmulator
) -> None:
    # The rules live in the handle's httpx.Auth, which a caller's client gets too.
    seen: list[tuple[str, str | None]] = []

    def hook(request: httpx.Request) -> None:
        seen.append((request.url.path, request.headers.get("authorization")))

    async def ahook(request: httpx.Request) -> None:
        hook(request)

    client: httpx.Client | httpx.AsyncClient = (
        httpx.AsyncClient(event_hooks={"request": [ahook]})
        if face == "async"
        else httpx.Client(event_hooks={"request": [hook]})
    )
    realm, _ = make_realm(face, emulator, http_client=client)
    await call(realm.info())
    await call(realm.tenants.list().page())
    info_path = f"/platforms/{emulator.realm_id}/info"
    assert [path for path, _ in seen] == [info_path, "/auth/login", "/tenants"]
    bearers = dict(seen)
    assert bearers[info_path] is None
    assert bearers["/auth/login"] is None
    assert str(bearers["/tenants"]).startswith("Bearer ")
    await close(realm)


async def test_a_forwarded_ip_is_vouched_for_by_the_platform_token(
    face: str, emulator: RealmEmulator
) -> None:
    # The issuer can trust X-On-Behalf-Of-IP only from an authenticated backend: the
    # user-credential calls that forward one carry the (optional) platform bearer.
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        session = await login(realm, emulator, user, on_behalf_of_ip="203.0.113.7")
        logged_in = next(
            s for s in sent.sent if s.path == "/auth/login" and b"provider_token" in s.body
        )
        assert logged_in.headers["x-on-behalf-of-ip"] == "203.0.113.7"
        assert logged_in.headers["authorization"].startswith("Bearer rpat_")
        # Without an IP to vouch for, the same calls stay bare.
        await call(realm.auth.token(session.refresh_token))
        assert "authorization" not in sent.sent[-1].headers


async def test_a_401_on_a_vouched_call_is_the_credentials(
    face: str, emulator: RealmEmulator
) -> None:
    # The platform token rode along, but the operation does not need it: a dead refresh
    # token's `unauthorized` is not a refusal of the platform token. Sent once, no re-mint.
    async with open_realm(face, emulator) as (realm, sent):
        bad = await error_of(
            lambda: realm.auth.token("rrt_not_a_refresh_token", on_behalf_of_ip="203.0.113.7")
        )
        assert (bad.code, bad.http_status) == (ErrorCode.UNAUTHORIZED, 401)
        assert sent.count("POST", "/auth/token") == 1
        assert sent.sent[-1].headers["authorization"].startswith("Bearer rpat_")
        assert realm._auth.stats.remints_on_401 == 0
        assert api_key_logins(sent) == 1


async def test_a_vouch_that_cannot_be_minted_does_not_block_the_login(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator)
    async with open_realm(face, emulator, api_key="rk_test_wrong") as (realm, sent):
        session = await login(realm, emulator, user, on_behalf_of_ip="203.0.113.7")
        assert session.access_token
        logged_in = sent.sent[-1]
        assert logged_in.path == "/auth/login"
        assert "authorization" not in logged_in.headers
