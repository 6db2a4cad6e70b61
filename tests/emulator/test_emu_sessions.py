"""User refresh (rotation, tenant switch, custom claims), logout, session list and revoke."""

from __future__ import annotations

from emu_support import Api, assert_error

from realmid.testing import RealmEmulator


def two_tenant_user(emulator: RealmEmulator) -> tuple[str, str, str]:
    first = emulator.create_tenant("First")
    second = emulator.create_tenant("Second")
    emulator.create_role("dispatch")
    user = emulator.seed_user("r@example.test", {first: "member", second: "dispatch"})
    return user.id, first, second


def test_refresh_rotates_switches_tenant_and_merges_custom_claims(
    api: Api, emulator: RealmEmulator
) -> None:
    user_id, first, second = two_tenant_user(emulator)
    session = api.session("r@example.test", tenant_id=first)
    response = api.refresh(
        session["refresh_token"],
        tenant_id=second,
        custom_claims={"plan": "gold", "features": ["a", "b"]},
    )
    assert response.status_code == 200
    minted = response.json()
    assert set(minted) == {"access_token", "refresh_token", "expires_in", "tenant_id", "role"}
    assert minted["tenant_id"] == second
    assert minted["role"] == "dispatch"
    assert minted["refresh_token"] != session["refresh_token"]
    claims = api.claims(minted["access_token"])
    assert claims["sub"] == user_id
    assert claims["tenant_id"] == second
    assert claims["role"] == "dispatch"
    assert claims["plan"] == "gold"
    assert claims["features"] == ["a", "b"]
    assert claims["sid"] == api.claims(session["access_token"])["sid"]
    # The old refresh token is spent; the new one works and keeps the switched tenant.
    assert_error(api.refresh(session["refresh_token"]), 401, "unauthorized")
    again = api.refresh(minted["refresh_token"]).json()
    assert again["tenant_id"] == second
    assert "plan" not in api.claims(again["access_token"])


def test_refresh_refuses_registered_claims_and_foreign_tenants(
    api: Api, emulator: RealmEmulator
) -> None:
    _, first, _ = two_tenant_user(emulator)
    other = emulator.create_tenant("Other")
    session = api.session("r@example.test", tenant_id=first)
    for claim in ("iss", "sub", "aud", "exp", "jti", "tenant_id", "role", "amr", "mfa_at"):
        response = api.refresh(session["refresh_token"], custom_claims={claim: "x"})
        assert_error(response, 400, "bad_request")
    assert_error(api.refresh(session["refresh_token"], tenant_id=other), 403, "tenant_invalid")
    # Nothing above spent the refresh token.
    assert api.refresh(session["refresh_token"]).status_code == 200


def test_refresh_of_a_suspended_user_is_refused(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("sus@example.test", {tenant: "member"})
    session = api.session("sus@example.test")
    emulator.set_user_status(user.id, "suspended")
    assert_error(api.refresh(session["refresh_token"]), 403, "account_suspended")


def test_logout_revokes_the_refresh_token(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("out@example.test", {tenant: "member"})
    session = api.session("out@example.test")
    assert (
        api.http.post("/auth/logout", json={"refresh_token": session["refresh_token"]}).status_code
        == 204
    )
    assert_error(api.refresh(session["refresh_token"]), 401, "unauthorized")
    assert api.http.post("/auth/logout", json={"refresh_token": "rrt_unknown"}).status_code == 204
    assert api.http.post("/auth/logout", json={}).status_code == 204
    assert_error(api.refresh("rrt_unknown"), 401, "unauthorized")
    assert "session.logged_out" in emulator.audit_kinds()


def test_sessions_with_a_user_bearer(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("s1@example.test", {tenant: "member"})
    emulator.seed_user("s2@example.test", {tenant: "member"})
    a = api.session("s1@example.test")
    b = api.session("s1@example.test")
    other = api.session("s2@example.test")
    bearer = api.headers(a["access_token"])
    listed = api.get("/auth/sessions", headers=bearer).json()
    ids = [item["id"] for item in listed["items"]]
    sid_a = api.claims(a["access_token"])["sid"]
    sid_b = api.claims(b["access_token"])["sid"]
    assert ids == [sid_a, sid_b]
    assert listed["total"] == 2
    assert listed["next_cursor"] is None
    assert all(
        item["created_at"].endswith("Z") and item["ip"] == "127.0.0.1" for item in listed["items"]
    )
    # Someone else's session is not found, whether or not it exists.
    other_sid = api.claims(other["access_token"])["sid"]
    assert_error(api.delete(f"/auth/sessions/{other_sid}", headers=bearer), 404, "not_found")
    assert_error(api.delete("/auth/sessions/ses_nope", headers=bearer), 404, "not_found")
    assert api.delete(f"/auth/sessions/{sid_b}", headers=bearer).status_code == 204
    assert_error(api.refresh(b["refresh_token"]), 401, "unauthorized")
    assert [s["id"] for s in api.get("/auth/sessions", headers=bearer).json()["items"]] == [sid_a]


def test_sessions_with_a_platform_bearer_on_behalf_of_a_user(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("bff@example.test", {tenant: "member"})
    session = api.session("bff@example.test")
    obo = api.headers(X_On_Behalf_Of_User=user.id, X_On_Behalf_Of_IP="203.0.113.9")
    listed = api.get("/auth/sessions", headers=obo).json()
    sid = api.claims(session["access_token"])["sid"]
    assert [s["id"] for s in listed["items"]] == [sid]
    assert_error(api.get("/auth/sessions"), 400, "bad_request")  # platform bearer, no user
    stranger = api.headers(X_On_Behalf_Of_User="usr_nobody")
    assert_error(api.get("/auth/sessions", headers=stranger), 403, "forbidden")
    assert api.delete(f"/auth/sessions/{sid}", headers=obo).status_code == 204
    assert api.get("/auth/sessions", headers=obo).json()["items"] == []


def test_require_bff_login_refuses_user_bearers(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("strict@example.test", {tenant: "member"})
    session = api.session("strict@example.test")
    emulator.set_config(require_bff_login=True)
    assert_error(
        api.get("/auth/sessions", headers=api.headers(session["access_token"])), 403, "forbidden"
    )
    obo = api.headers(X_On_Behalf_Of_User=user.id)
    assert api.get("/auth/sessions", headers=obo).status_code == 200


def test_deactivation_ends_every_session(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("gone@example.test", {tenant: "member"})
    session = api.session("gone@example.test")
    changed = api.patch(f"/tenants/{tenant}/users/{user.id}/status", {"status": "deactivated"})
    assert changed.status_code == 200
    assert changed.json()["status"] == "deactivated"
    assert_error(api.refresh(session["refresh_token"]), 401, "unauthorized")
    assert_error(api.login("gone@example.test"), 403, "account_deactivated")
