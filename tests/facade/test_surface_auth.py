"""realm.auth end to end against the emulator over loopback HTTP, through both faces."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from realmid_api.models import Session as WireSession

import realmid
from realmid._async.auth import _user_from_token
from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError, is_code
from realmid.models import MFAChallenge, MintResult, Session
from realmid.revocation import MemRevocationCache
from realmid.testing import RealmEmulator, SeededUser
from realmid.verify import unverified_claims

from .support import call, collect
from .surface_support import error_of, login, member, open_realm, unique, wrong_code

pytestmark = pytest.mark.anyio


def body_of(sent: Any) -> dict[str, Any]:
    return dict(json.loads(sent.body))


# ---------------------------------------------------------------------- login


async def test_login_returns_a_session_with_user_and_tenant(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator, "owner")
    async with open_realm(face, emulator) as (realm, sent):
        session = await login(realm, emulator, user, on_behalf_of_ip="198.51.100.7")
        assert isinstance(session, Session)
        assert not session.needs_tenant_choice
        assert session.access_token.count(".") == 2
        assert session.refresh_token
        assert session.expires_in == 900
        assert isinstance(session.expires_at, datetime)
        assert session.expires_at.tzinfo is not None
        assert session.expires_at_raw.endswith("Z")
        assert (session.tenant_id, session.role) == (user.tenant_id, "owner")
        assert (session.user.id, session.user.email) == (user.id, user.email)
        assert [(t.tenant_id, t.role) for t in session.tenants] == [(user.tenant_id, "owner")]
        wire = next(s for s in sent.sent if s.path == "/auth/login" and b"provider_token" in s.body)
        assert wire.headers["origin"] == emulator.origin
        assert wire.headers["x-on-behalf-of-ip"] == "198.51.100.7"
        assert body_of(wire)["realm_id"] == emulator.realm_id
        assert body_of(wire)["method"] == "firebase"


async def test_login_with_a_google_token_and_an_origin_override(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator, "member")
    token = emulator.mint_provider_token(user.email, method="google")
    async with open_realm(face, emulator) as (realm, sent):
        session = await call(realm.auth.login(token, method="google", origin=emulator.origin))
        assert session.user.id == user.id
        # The override is used as is: no info() lookup was needed to derive an origin.
        assert sent.count("GET", f"/platforms/{emulator.realm_id}/info") == 0
        mismatch = await error_of(
            lambda: realm.auth.login(
                emulator.mint_provider_token(user.email), origin="https://evil.example"
            )
        )
        assert mismatch.code is ErrorCode.REALM_ORIGIN_MISMATCH
        assert mismatch.http_status == 403


async def test_login_errors(face: str, emulator: RealmEmulator) -> None:
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        wrong_provider = emulator.mint_provider_token(user.email, method="google")
        err = await error_of(lambda: realm.auth.login(wrong_provider))  # firebase expected
        assert err.code is ErrorCode.PROVIDER_TOKEN_INVALID
        stranger = emulator.mint_provider_token("nobody@example.test")
        assert (
            await error_of(lambda: realm.auth.login(stranger))
        ).code is ErrorCode.TENANT_REQUIRED
        other_tenant = emulator.create_tenant(unique("Other"))
        invalid = await error_of(
            lambda: realm.auth.login(
                emulator.mint_provider_token(user.email), tenant_id=other_tenant
            )
        )
        assert invalid.code is ErrorCode.TENANT_INVALID
        emulator.set_user_status(user.id, "suspended")
        suspended = await error_of(lambda: login(realm, emulator, user))
        assert suspended.code is ErrorCode.ACCOUNT_SUSPENDED
        # A provider the SDK does not know is the issuer's to refuse (it may add providers).
        before = len(sent.sent)
        unknown = await error_of(
            lambda: realm.auth.login(emulator.mint_provider_token(user.email), method="github")
        )
        assert (unknown.code, unknown.http_status) == (ErrorCode.PROVIDER_TOKEN_INVALID, 401)
        assert len(sent.sent) == before + 1
        before = len(sent.sent)
        for bad in (
            lambda: realm.auth.login(""),
            lambda: realm.auth.login("tok", method=""),
            lambda: realm.auth.login("tok", on_behalf_of_ip="1.2.3.4\r\nX-Evil: 1"),
        ):
            refused = await error_of(bad)
            assert isinstance(refused, BadRequestError)
            assert isinstance(refused, ValueError)
            assert refused.code is ErrorCode.BAD_REQUEST
        assert len(sent.sent) == before


async def test_several_tenants_answer_a_tenant_choice_then_login_with_one(
    face: str, emulator: RealmEmulator
) -> None:
    first = emulator.create_tenant(unique("First"))
    second = emulator.create_tenant(unique("Second"))
    user = emulator.seed_user(f"{unique('multi')}@example.test", {first: "owner", second: "member"})
    async with open_realm(face, emulator) as (realm, _):
        choice = await login(realm, emulator, user)
        assert choice.needs_tenant_choice
        assert not choice.access_token
        assert not choice.refresh_token
        assert choice.user is not None
        assert choice.user.id == user.id
        assert {(t.tenant_id, t.role) for t in choice.tenants} == {
            (first, "owner"),
            (second, "member"),
        }
        chosen = await login(realm, emulator, user, tenant_id=second)
        assert not chosen.needs_tenant_choice
        assert (chosen.tenant_id, chosen.role) == (second, "member")


def test_user_is_read_from_the_access_token_when_the_answer_omits_it() -> None:
    payload = {"sub": "usr_from_token", "email": "tok@example.test", "tenant_id": "ten_1"}
    segment = _b64(json.dumps(payload).encode())
    wire = WireSession.from_dict(
        {
            "access_token": f"{_b64(b'{}')}.{segment}.sig",
            "refresh_token": "rrt_x",
            "expires_in": 60,
            "tenant_id": "ten_1",
            "role": "member",
        }
    )
    session = _user_from_token(wire)
    assert session.user is not None
    assert (session.user.id, session.user.email) == ("usr_from_token", "tok@example.test")
    assert session.tenants is None  # absent is None
    assert session.expires_at is None
    # Not a JWT at all: the user stays empty rather than failing the login.
    opaque = WireSession.from_dict({"access_token": "opaque", "refresh_token": "r"})
    user = _user_from_token(opaque).user
    assert user is not None
    assert user.id is None


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ---------------------------------------------------------------------- MFA


async def test_mfa_required_then_verify_with_a_totp_code(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    async with open_realm(face, emulator) as (realm, _):
        err = await error_of(lambda: login(realm, emulator, mfa_user))
        assert err.code is ErrorCode.MFA_REQUIRED
        assert err.http_status == 412
        assert err.details["methods"] == ["totp", "backup_code"]
        challenge = err.details["mfa_challenge_token"]
        assert challenge not in repr(err)
        wrong = await error_of(
            lambda: realm.auth.mfa_verify(challenge, wrong_code(mfa_user.totp_now()))
        )
        assert wrong.code is ErrorCode.INVALID_OTP
        session = await call(realm.auth.mfa_verify(challenge, mfa_user.totp_now()))
        assert session.user.id == mfa_user.id
        claims = unverified_claims(session.access_token)
        assert {"otp", "mfa"} <= set(claims["amr"])
        # A challenge answers once.
        used = await error_of(lambda: realm.auth.mfa_verify(challenge, mfa_user.totp_now()))
        assert used.code is ErrorCode.UNAUTHORIZED


async def test_mfa_verify_with_a_backup_code_is_single_use(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    code = mfa_user.backup_codes[0]
    async with open_realm(face, emulator) as (realm, _):
        first = (await error_of(lambda: login(realm, emulator, mfa_user))).details
        session = await call(
            realm.auth.mfa_verify(first["mfa_challenge_token"], code, method="backup_code")
        )
        assert session.user.id == mfa_user.id
        again = (await error_of(lambda: login(realm, emulator, mfa_user))).details
        reused = await error_of(
            lambda: realm.auth.mfa_verify(again["mfa_challenge_token"], code, method="backup_code")
        )
        assert reused.code is ErrorCode.INVALID_OTP


async def test_mfa_verify_otp_answers_with_a_partner_otp(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    emulator.set_config(otp_mfa_enabled=True)
    async with open_realm(face, emulator) as (realm, sent):
        details = (await error_of(lambda: login(realm, emulator, mfa_user))).details
        assert "otp_internal" in details["methods"]
        otp = await call(realm.otp.issue(mfa_user.id, "mfa", user_id=mfa_user.id))
        session = await call(realm.auth.mfa_verify_otp(details["mfa_challenge_token"], otp.value))
        assert session.user.id == mfa_user.id
        verify = [s for s in sent.sent if s.path == "/auth/mfa/verify"][-1]
        assert body_of(verify)["method"] == "otp_internal"


async def test_step_up_through_mint_mfa_challenge(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        details = (await error_of(lambda: login(realm, emulator, mfa_user))).details
        first = await call(
            realm.auth.mfa_verify(details["mfa_challenge_token"], mfa_user.totp_now())
        )
        first_mfa_at = unverified_claims(first.access_token)["mfa_at"]
        emulator.advance(600)
        challenge = await call(
            realm.auth.mint_mfa_challenge(first.access_token, on_behalf_of_ip="203.0.113.5")
        )
        assert isinstance(challenge, MFAChallenge)
        assert challenge.available
        assert challenge.methods == ["totp", "backup_code"]
        assert challenge.mfa_challenge_token
        assert challenge.mfa_challenge_token not in repr(challenge)
        minted = next(s for s in sent.sent if s.path == "/auth/mfa/challenge")
        # The call rode the user's token, not the platform token.
        assert minted.headers["authorization"] == f"Bearer {first.access_token}"
        assert minted.headers["x-on-behalf-of-ip"] == "203.0.113.5"
        fresh = await call(
            realm.auth.mfa_verify(challenge.mfa_challenge_token, mfa_user.totp_now())
        )
        fresh_claims = unverified_claims(fresh.access_token)
        assert fresh_claims["mfa_at"] >= first_mfa_at + 600
        # After the user-bearer call, calls ride the platform token again.
        await call(realm.tenants.get(mfa_user.tenant_id or ""))
        assert sent.sent[-1].headers["authorization"] != f"Bearer {first.access_token}"


async def test_mint_mfa_challenge_is_empty_when_the_issuer_has_none(
    face: str, emulator: RealmEmulator
) -> None:
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, _):
        session = await login(realm, emulator, user)
        # 404: no second factor to challenge for this session.
        assert await call(realm.auth.mint_mfa_challenge(session.access_token)) == MFAChallenge()
        # 501: an issuer without the endpoint.
        emulator.faults.fail_next(1, status=501, path_prefix="/auth/mfa/challenge")
        empty = await call(realm.auth.mint_mfa_challenge(session.access_token))
        assert not empty.available
        assert (empty.mfa_challenge_token, empty.methods) == (None, None)
        # Anything else is still an error: a bad bearer is the caller's problem.
        err = await error_of(lambda: realm.auth.mint_mfa_challenge("not.a.jwt"))
        assert err.code is ErrorCode.UNAUTHORIZED
        emulator.faults.fail_next(1, status=503, path_prefix="/auth/mfa/challenge")
        down = await error_of(lambda: realm.auth.mint_mfa_challenge(session.access_token))
        assert down.code is ErrorCode.SERVER_ERROR


# ---------------------------------------------------------------------- refresh / logout


async def test_token_rotates_switches_tenant_and_merges_claims(
    face: str, emulator: RealmEmulator
) -> None:
    first = emulator.create_tenant(unique("A"))
    second = emulator.create_tenant(unique("B"))
    user = emulator.seed_user(f"{unique('rot')}@example.test", {first: "owner", second: "member"})
    async with open_realm(face, emulator) as (realm, _):
        session = await login(realm, emulator, user, tenant_id=first)
        minted = await call(
            realm.auth.token(session.refresh_token, tenant_id=second, custom_claims={"plan": "pro"})
        )
        assert isinstance(minted, MintResult)
        assert (minted.tenant_id, minted.role) == (second, "member")
        assert minted.refresh_token != session.refresh_token
        claims = unverified_claims(minted.access_token)
        assert (claims["plan"], claims["tenant_id"]) == ("pro", second)
        stale = await error_of(lambda: realm.auth.token(session.refresh_token))
        assert stale.code is ErrorCode.UNAUTHORIZED
        reserved = await error_of(
            lambda: realm.auth.token(minted.refresh_token, custom_claims={"sub": "someone-else"})
        )
        assert reserved.code is ErrorCode.BAD_REQUEST
        not_member = emulator.create_tenant(unique("C"))
        invalid = await error_of(
            lambda: realm.auth.token(minted.refresh_token, tenant_id=not_member)
        )
        assert invalid.code is ErrorCode.TENANT_INVALID


async def test_logout_revokes_and_parks_the_access_token(
    face: str, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = member(emulator)
    parked: list[str] = []

    async with open_realm(face, emulator) as (plain, _):
        # No revocation= cache configured: auth.logout parks nothing (the reference:
        # "pushed to the SDK's RevocationCache (if configured)").
        session = await login(plain, emulator, user)
        await call(plain.auth.logout(session.refresh_token, access_token=session.access_token))
        assert len(plain.tokens) == 0
        assert (await call(plain.verify(session.access_token))).sub

    async with open_realm(face, emulator, revocation=MemRevocationCache()) as (realm, sent):
        mark = realm.tokens.mark_revoked

        def spy(access_token: str) -> Any:
            parked.append(access_token)
            return mark(access_token)

        monkeypatch.setattr(realm.tokens, "mark_revoked", spy)
        session = await login(realm, emulator, user)
        other = await login(realm, emulator, user)
        await call(realm.auth.logout(other.refresh_token))
        assert parked == []  # no access token given: nothing to park
        await call(realm.auth.logout(session.refresh_token, access_token=session.access_token))
        assert parked == [session.access_token]
        # Parked in the configured cache: verify refuses it now.
        assert isinstance(
            await error_of(lambda: realm.verify(session.access_token)), TokenRevokedError
        )
        assert (
            await error_of(lambda: realm.auth.token(session.refresh_token))
        ).code == "unauthorized"
        logout = [s for s in sent.sent if s.path == "/auth/logout"][-1]
        # The access token is parked locally; it never goes to the issuer.
        assert session.access_token not in logout.text()
        # The issuer could not act (503): the token is parked anyway (fail closed), and the
        # error still reaches the caller.
        third = await login(realm, emulator, user)
        emulator.faults.fail_next(1, status=503, path_prefix="/auth/logout")
        failed = await error_of(
            lambda: realm.auth.logout(third.refresh_token, access_token=third.access_token)
        )
        assert failed.code is ErrorCode.SERVER_ERROR
        assert parked[-1] == third.access_token
        # The issuer answered (a 400 is a decision): nothing is parked.
        fourth = await login(realm, emulator, user)
        emulator.faults.answer_next(400, "bad request", path_prefix="/auth/logout")
        refused = await error_of(
            lambda: realm.auth.logout(fourth.refresh_token, access_token=fourth.access_token)
        )
        assert refused.code is ErrorCode.BAD_REQUEST
        assert fourth.access_token not in parked
        assert (await call(realm.verify(fourth.access_token))).sub
        # No refresh token: the issuer uses the caller's current session (204 either way).
        await call(realm.auth.logout())
        assert body_of([s for s in sent.sent if s.path == "/auth/logout"][-1]) == {}


# ---------------------------------------------------------------------- OTP login


async def test_otp_login(face: str, emulator: RealmEmulator) -> None:
    manager = member(emulator, "owner")
    emulator.set_config(otp_login_enabled=True)
    async with open_realm(face, emulator) as (realm, _):
        otp = await call(realm.otp.issue(manager.email, "login", user_id=manager.id))
        session = await call(realm.auth.otp_login(manager.email.upper(), otp.value))
        assert session.user.id == manager.id
        assert "otp" in unverified_claims(session.access_token)["amr"]
        reused = await error_of(lambda: realm.auth.otp_login(manager.email, otp.value))
        assert reused.code is ErrorCode.INVALID_CREDENTIALS
        assert reused.http_status == 401
        nobody = await error_of(lambda: realm.auth.otp_login("nobody@example.test", "123456"))
        assert nobody.code == reused.code  # enumeration-safe: the same answer
        emulator.set_config(otp_login_enabled=False)
        off = await error_of(lambda: realm.auth.otp_login(manager.email, "123456"))
        assert off.code is ErrorCode.FORBIDDEN


async def test_otp_login_of_an_mfa_user_asks_for_the_second_factor(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    emulator.set_config(otp_login_enabled=True)
    async with open_realm(face, emulator) as (realm, _):
        otp = await call(realm.otp.issue(mfa_user.email, "login", user_id=mfa_user.id))
        err = await error_of(lambda: realm.auth.otp_login(mfa_user.email, otp.value))
        assert err.code is ErrorCode.MFA_REQUIRED
        session = await call(
            realm.auth.mfa_verify(err.details["mfa_challenge_token"], mfa_user.totp_now())
        )
        assert session.user.id == mfa_user.id


# ---------------------------------------------------------------------- sessions


async def test_sessions_in_the_bff_shape(face: str, emulator: RealmEmulator) -> None:
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        one = await login(realm, emulator, user)
        two = await login(realm, emulator, user)
        listed = await collect(
            realm.auth.list_sessions(user_id=user.id, on_behalf_of_ip="192.0.2.1", limit=1)
        )
        assert len(listed) == 2
        lists = [s for s in sent.sent if s.path == "/auth/sessions"]
        assert len(lists) == 2  # limit=1: one page per session
        for request in lists:
            assert request.headers["x-on-behalf-of-user"] == user.id
            assert request.headers["x-on-behalf-of-ip"] == "192.0.2.1"
            assert request.headers["authorization"] not in (
                f"Bearer {one.access_token}",
                f"Bearer {two.access_token}",
            )
        target = listed[0].id
        await call(realm.auth.revoke_session(target, user_id=user.id))
        remaining = await collect(realm.auth.list_sessions(user_id=user.id))
        assert [s.id for s in remaining] == [listed[1].id]
        again = await error_of(lambda: realm.auth.revoke_session(target, user_id=user.id))
        assert again.code is ErrorCode.NOT_FOUND
        stranger = member(emulator)
        foreign = await error_of(
            lambda: realm.auth.revoke_session(listed[1].id, user_id=stranger.id)
        )
        assert foreign.code is ErrorCode.NOT_FOUND


async def test_sessions_in_the_public_client_shape(face: str, emulator: RealmEmulator) -> None:
    user = member(emulator)
    async with open_realm(face, emulator) as (realm, sent):
        session = await login(realm, emulator, user)
        other = await login(realm, emulator, user)
        listed = await collect(realm.auth.list_sessions(user_bearer=session.access_token))
        assert len(listed) == 2
        request = [s for s in sent.sent if s.path == "/auth/sessions"][-1]
        assert request.headers["authorization"] == f"Bearer {session.access_token}"
        assert "x-on-behalf-of-user" not in request.headers
        mine = unverified_claims(other.access_token)["sid"]
        await call(realm.auth.revoke_session(mine, user_bearer=session.access_token))
        revoke = [s for s in sent.sent if s.method == "DELETE"][-1]
        assert revoke.headers["authorization"] == f"Bearer {session.access_token}"
        left = await collect(realm.auth.list_sessions(user_bearer=session.access_token))
        assert mine not in {s.id for s in left}
        emulator.set_config(require_bff_login=True)
        bff_only = await error_of(
            lambda: collect(realm.auth.list_sessions(user_bearer=session.access_token))
        )
        assert bff_only.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize(
    "shape",
    [{}, {"user_id": "usr_1", "user_bearer": "a.b.c"}, {"user_id": "usr\n1"}, {"user_bearer": ""}],
)
async def test_sessions_refuse_a_bad_shape_before_any_request(
    face: str, emulator: RealmEmulator, shape: dict[str, str]
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        with pytest.raises(ValueError):
            realm.auth.list_sessions(**shape)
        with pytest.raises(ValueError):
            await call(realm.auth.revoke_session("ses_1", **shape))
        assert sent.sent == []


async def test_session_errors_match_by_is_code_and_class(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, _):
        err = await error_of(
            lambda: collect(realm.auth.list_sessions(user_id="usr_not_in_this_realm"))
        )
        assert isinstance(err, realmid.RealmError)
        assert is_code(err, "forbidden")
        assert not is_code(err, ErrorCode.NOT_FOUND)
        assert isinstance(err, RealmError)
