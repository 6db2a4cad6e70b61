"""The dual-token flow: API key → platform token pair, refresh, expiry, revocation, scoping."""

from __future__ import annotations

import httpx
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator


def platform_refresh(api: Api, refresh_token: str) -> httpx.Response:
    return api.http.post(
        "/auth/token",
        json={"grant_type": "platform_refresh"},
        headers={"Authorization": f"Bearer {refresh_token}"},
    )


def test_api_key_login_mints_an_opaque_platform_token_pair(api: Api) -> None:
    response = api.platform_login()
    assert response.status_code == 200
    body = response.json()
    # token_type is the default profile's harmless extra; the reference shows none.
    assert set(body) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["access_token"] != body["refresh_token"]
    assert body["access_token"].count(".") == 0  # opaque, not a JWT
    assert api.get("/tenants", headers=api.headers(body["access_token"])).status_code == 200


def test_wrong_key_or_realm_is_401(api: Api, emulator: RealmEmulator) -> None:
    assert_error(api.platform_login(api_key="rk_test_wrong"), 401, "unauthorized")
    assert_error(api.platform_login(realm_id="nope"), 401, "unauthorized")
    other = emulator.add_realm("Other")
    # A key of another realm does not open this one.
    assert_error(api.platform_login(api_key=other.api_key), 401, "unauthorized")


def test_non_rotating_refresh_returns_the_same_refresh_token(api: Api) -> None:
    first = api.platform_login().json()
    again = platform_refresh(api, first["refresh_token"])
    assert again.status_code == 200
    body = again.json()
    assert "kind" not in body
    assert body["refresh_token"] == first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert platform_refresh(api, first["refresh_token"]).status_code == 200
    assert api.get("/tenants", headers=api.headers(body["access_token"])).status_code == 200


def test_rotating_refresh_refuses_the_old_refresh_token(api: Api, emulator: RealmEmulator) -> None:
    emulator.set_config(platform_refresh_rotates=True)
    first = api.platform_login().json()
    rotated = platform_refresh(api, first["refresh_token"]).json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert_error(platform_refresh(api, first["refresh_token"]), 401, "unauthorized")
    assert platform_refresh(api, rotated["refresh_token"]).status_code == 200


def test_rotation_switches_on_through_the_config_api(api: Api) -> None:
    patched = api.patch(f"{api.platform_path}/config", {"platform_refresh_rotates": True})
    assert patched.status_code == 200
    assert patched.json()["platform_refresh_rotates"] is True
    first = api.platform_login().json()
    assert (
        platform_refresh(api, first["refresh_token"]).json()["refresh_token"]
        != first["refresh_token"]
    )


def test_platform_access_token_expires_on_the_emulator_clock(
    api: Api, emulator: RealmEmulator
) -> None:
    emulator.set_config(platform_token_ttl=60)
    body = api.platform_login().json()
    assert body["expires_in"] == 60
    headers = api.headers(body["access_token"])
    assert api.get("/tenants", headers=headers).status_code == 200
    emulator.advance(61)
    assert_error(api.get("/tenants", headers=headers), 401, "unauthorized")
    refreshed = platform_refresh(api, body["refresh_token"]).json()
    assert api.get("/tenants", headers=api.headers(refreshed["access_token"])).status_code == 200


def test_revoked_api_key_can_neither_log_in_nor_refresh(api: Api) -> None:
    created = api.post(f"{api.platform_path}/api-keys", {"display_name": "ci"})
    assert created.status_code == 201
    key = created.json()
    pair = api.platform_login(api_key=key["secret"]).json()
    revoked = api.delete(f"{api.platform_path}/api-keys/{key['id']}")
    assert revoked.status_code == 200
    assert "revoked_at" in revoked.json()
    assert_error(api.platform_login(api_key=key["secret"]), 401, "unauthorized")
    assert_error(platform_refresh(api, pair["refresh_token"]), 401, "unauthorized")
    assert_error(api.delete(f"{api.platform_path}/api-keys/{key['id']}"), 409, "conflict")


def test_refresh_without_a_bearer_is_401(api: Api) -> None:
    response = api.http.post("/auth/token", json={"grant_type": "platform_refresh"})
    assert_error(response, 401, "unauthorized")


def test_a_platform_token_only_touches_its_own_realm(api: Api, emulator: RealmEmulator) -> None:
    other = emulator.add_realm("Neighbour")
    foreign_tenant = emulator.create_tenant("Theirs", realm_id=other.realm_id)
    assert_error(api.get(f"/platforms/{other.realm_id}/roles"), 403, "forbidden")
    assert_error(api.get(f"/platforms/{other.realm_id}/api-keys"), 403, "forbidden")
    assert_error(api.get(f"/tenants/{foreign_tenant}"), 404, "not_found")
    assert_error(api.get(f"/tenants/{foreign_tenant}/users"), 404, "not_found")
    own = api.get(f"{api.platform_path}/roles")
    assert own.status_code == 200


def test_admin_views_need_the_admin_scope(api: Api) -> None:
    key = api.post(
        f"{api.platform_path}/api-keys", {"display_name": "narrow", "scopes": ["tenants"]}
    ).json()
    assert key["scopes"] == ["tenants"]
    narrow = api.platform_login(api_key=key["secret"]).json()["access_token"]
    assert_error(api.get("/admin/stats", headers=api.headers(narrow)), 403, "forbidden")
    admin = api.post(
        f"{api.platform_path}/api-keys", {"display_name": "ops", "scopes": ["admin"]}
    ).json()
    wide = api.platform_login(api_key=admin["secret"]).json()["access_token"]
    assert api.get("/admin/stats", headers=api.headers(wide)).status_code == 200
    assert api.get("/admin/stats").status_code == 200  # the default key carries "*"


def test_api_key_list_never_shows_secrets(api: Api) -> None:
    created = api.post(f"{api.platform_path}/api-keys", {"display_name": "listed"}).json()
    assert created["secret"].startswith("rk_test_")
    assert created["secret"].startswith(created["prefix"])
    listed = api.get(f"{api.platform_path}/api-keys").json()
    assert listed["total"] == 2
    assert all("secret" not in item for item in listed["items"])
    assert created["id"] in [item["id"] for item in listed["items"]]


def test_user_token_is_not_a_platform_token(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("T")
    emulator.seed_user("u@example.test", {tenant: "member"})
    session = api.session("u@example.test")
    assert_error(
        api.get("/tenants", headers=api.headers(session["access_token"])), 401, "unauthorized"
    )


# ---------------------------------------------------------------------- reference bodies


def test_platform_refresh_needs_no_body(api: Api) -> None:
    pair = api.platform_login().json()
    bearer = {"Authorization": f"Bearer {pair['refresh_token']}"}
    answers = [
        api.http.post("/auth/token", headers=bearer),  # no body at all
        api.http.post("/auth/token", content=b"", headers=bearer),
        api.http.post(
            "/auth/token", content=b"", headers={**bearer, "Content-Type": "application/json"}
        ),
        api.http.post("/auth/token", json={}, headers=bearer),
        api.http.post("/auth/token", json={"grant_type": "platform_refresh"}, headers=bearer),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["refresh_token"] == pair["refresh_token"]
        assert api.get("/tenants", headers=api.headers(body["access_token"])).status_code == 200
    assert len({r.json()["access_token"] for r in answers}) == len(answers)


def test_a_bodyless_refresh_without_the_bearer_is_401(api: Api) -> None:
    assert_error(api.http.post("/auth/token"), 401, "unauthorized")
    assert_error(api.http.post("/auth/token", json={}), 401, "unauthorized")
    access = api.platform_login().json()["access_token"]  # an access token is not a refresh one
    refused = api.http.post("/auth/token", headers={"Authorization": f"Bearer {access}"})
    assert_error(refused, 401, "unauthorized")


def test_a_user_refresh_needs_no_grant_type_but_needs_its_token(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("T")
    emulator.seed_user("u@example.test", {tenant: "member"})
    session = api.session("u@example.test")
    bare = api.http.post("/auth/token", json={"refresh_token": session["refresh_token"]})
    assert bare.status_code == 200, bare.text
    assert bare.json()["tenant_id"] == tenant
    # The user grant's members without the refresh token are not a platform refresh.
    pair = api.platform_login().json()
    bearer = {"Authorization": f"Bearer {pair['refresh_token']}"}
    for body in ({"tenant_id": tenant}, {"grant_type": "refresh_token"}, {"custom_claims": {}}):
        assert_error(api.http.post("/auth/token", json=body, headers=bearer), 400, "bad_request")
    assert_error(api.http.post("/auth/token", json=[], headers=bearer), 400, "bad_request")
    assert_error(
        api.http.post("/auth/token", json={"grant_type": "password"}, headers=bearer),
        400,
        "bad_request",
    )
