"""Second factors: the 412 challenge, TOTP, backup codes, otp_internal, step-up, enrollment."""

from __future__ import annotations

import httpx
import pyotp
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator, SeededUser


def challenge_for(api: Api, user: SeededUser) -> dict[str, object]:
    response = api.login(user.email)
    body = assert_error(response, 412, "mfa_required")
    return body


def verify(api: Api, token: str, code: str, method: str | None = None) -> httpx.Response:
    body: dict[str, str] = {"mfa_challenge_token": token, "code": code}
    if method is not None:
        body["method"] = method
    return api.http.post("/auth/mfa/verify", json=body, headers={"Origin": api.emu.origin})


def test_login_of_an_mfa_user_is_412_with_a_challenge(api: Api, mfa_user: SeededUser) -> None:
    body = challenge_for(api, mfa_user)
    assert body["methods"] == ["totp", "backup_code"]
    assert isinstance(body["mfa_challenge_token"], str)
    assert body["mfa_challenge_token"]
    assert "access_token" not in body


def test_totp_answers_the_challenge_with_an_aal2_session(api: Api, mfa_user: SeededUser) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    code = pyotp.TOTP(mfa_user.totp_secret or "").now()
    response = verify(api, token, code)
    assert response.status_code == 200
    session = response.json()
    assert "kind" not in session
    assert session["access_token"]
    assert session["user"]["id"] == mfa_user.id
    claims = api.claims(session["access_token"])
    assert {"otp", "mfa"} <= set(claims["amr"])
    assert claims["acr"] == "aal2"
    assert abs(claims["mfa_at"] - claims["iat"]) <= 1
    # The challenge is single use.
    assert_error(verify(api, token, code), 401, "unauthorized")


def test_wrong_code_is_invalid_otp_and_retry_is_allowed(api: Api, mfa_user: SeededUser) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    wrong = "000000" if mfa_user.totp_now() != "000000" else "111111"
    assert_error(verify(api, token, wrong), 401, "invalid_otp")
    assert verify(api, token, mfa_user.totp_now()).status_code == 200


def test_five_wrong_codes_burn_the_challenge(api: Api, mfa_user: SeededUser) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    wrong = "000000" if mfa_user.totp_now() != "000000" else "111111"
    for _ in range(5):
        assert_error(verify(api, token, wrong), 401, "invalid_otp")
    assert_error(verify(api, token, mfa_user.totp_now()), 401, "unauthorized")


def test_expired_or_unknown_challenge_is_unauthorized(
    api: Api, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    emulator.advance(301)
    assert_error(verify(api, token, mfa_user.totp_now()), 401, "unauthorized")
    assert_error(verify(api, "mfa_made_up", "123456"), 401, "unauthorized")


def test_backup_codes_are_single_use(api: Api, mfa_user: SeededUser) -> None:
    assert len(mfa_user.backup_codes) == 8
    code = mfa_user.backup_codes[0]
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    assert verify(api, token, code.upper(), "backup_code").status_code == 200
    again = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    assert_error(verify(api, again, code, "backup_code"), 401, "invalid_otp")
    assert verify(api, again, mfa_user.backup_codes[1], "backup_code").status_code == 200


def test_a_method_not_offered_is_400(api: Api, mfa_user: SeededUser) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    assert_error(verify(api, token, "123456", "otp_internal"), 400, "bad_request")


def test_otp_internal_consumes_an_mfa_purpose_otp(
    api: Api, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    emulator.set_config(otp_mfa_enabled=True)
    body = challenge_for(api, mfa_user)
    assert body["methods"] == ["totp", "backup_code", "otp_internal"]
    token = str(body["mfa_challenge_token"])
    value = emulator.issue_otp(mfa_user.id, mfa_user.id, "mfa")
    assert verify(api, token, value, "otp_internal").status_code == 200
    again = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    assert_error(verify(api, again, value, "otp_internal"), 401, "invalid_otp")


def test_step_up_refreshes_mfa_at_on_the_same_session(
    api: Api, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    token = str(challenge_for(api, mfa_user)["mfa_challenge_token"])
    first = verify(api, token, mfa_user.totp_now()).json()
    first_claims = api.claims(first["access_token"])
    emulator.advance(600)
    step_up = api.http.post("/auth/mfa/challenge", headers=api.headers(first["access_token"]))
    assert step_up.status_code == 200
    challenge = step_up.json()
    assert challenge["methods"] == ["totp", "backup_code"]
    fresh = verify(api, challenge["mfa_challenge_token"], mfa_user.totp_now())
    assert fresh.status_code == 200
    fresh_claims = api.claims(fresh.json()["access_token"])
    assert fresh_claims["sid"] == first_claims["sid"]
    assert fresh_claims["mfa_at"] >= first_claims["mfa_at"] + 600
    # The session's refresh token rotated with the step-up.
    assert_error(api.refresh(first["refresh_token"]), 401, "unauthorized")
    assert api.refresh(fresh.json()["refresh_token"]).status_code == 200


def test_step_up_without_a_factor_or_a_user_token(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("plain@example.test", {tenant: "member"})
    session = api.session("plain@example.test")
    no_factor = api.http.post("/auth/mfa/challenge", headers=api.headers(session["access_token"]))
    assert_error(no_factor, 404, "not_found")
    assert_error(api.http.post("/auth/mfa/challenge"), 401, "unauthorized")
    assert_error(api.http.post("/auth/mfa/challenge", headers=api.headers()), 401, "unauthorized")


def test_enrollment_through_the_api(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("enrol@example.test", {tenant: "member"})
    base = f"/tenants/{tenant}/users/{user.id}/mfa"
    assert_error(api.post(f"{base}/confirm", {"code": "123456"}), 409, "conflict")
    enrolled = api.post(f"{base}/enroll")
    assert enrolled.status_code == 200
    material = enrolled.json()
    assert len(material["backup_codes"]) == 8
    assert material["otpauth_uri"].startswith("otpauth://totp/")
    assert material["secret"] in material["otpauth_uri"]
    totp = pyotp.TOTP(material["secret"])
    wrong = "000000" if totp.now() != "000000" else "111111"
    assert_error(api.post(f"{base}/confirm", {"code": wrong}), 400, "invalid_otp")
    assert api.login("enrol@example.test").status_code == 200  # not on until confirmed
    assert api.post(f"{base}/confirm", {"code": totp.now()}).status_code == 204
    assert api.get(f"/tenants/{tenant}/users/{user.id}").json()["mfa_enabled"] is True
    assert_error(api.post(f"{base}/enroll"), 409, "conflict")
    assert_error(api.login("enrol@example.test"), 412, "mfa_required")
    assert api.delete(base).status_code == 204
    assert api.get(f"/tenants/{tenant}/users/{user.id}").json()["mfa_enabled"] is False
    assert api.login("enrol@example.test").status_code == 200
