"""User login with a provider token: tenants, origins, account states, session limits."""

from __future__ import annotations

import httpx
import jwt
from emu_support import Api, assert_error, unique_host

from realmid.testing import RealmEmulator


def test_one_tenant_login_answers_a_session_with_verifiable_claims(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("ada@example.test", {tenant: "member"}, display_name="Ada")
    response = api.login("ada@example.test", headers={"User-Agent": "pytest-agent"})
    assert response.status_code == 200
    body = response.json()
    assert "kind" not in body
    assert body["tenant_id"] == tenant
    assert body["role"] == "member"
    assert body["user"] == {"id": user.id, "email": "ada@example.test", "display_name": "Ada"}
    assert body["tenants"] == [{"tenant_id": tenant, "role": "member", "display_name": "Acme"}]
    assert body["expires_in"] == 900
    assert body["expires_at"].endswith("Z")
    claims = api.claims(body["access_token"])
    assert claims["iss"] == emulator.base_url
    assert claims["aud"] == emulator.audience
    assert claims["sub"] == user.id
    assert claims["tenant_id"] == tenant
    assert claims["role"] == "member"
    assert claims["azp"] == emulator.realm_id
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nbf"] == claims["iat"]
    assert claims["acr"] == "aal1"
    assert "mfa_at" not in claims
    assert claims["amr"] == ["fed"]
    assert claims["jti"]
    assert claims["sid"].startswith("ses_")
    assert jwt.get_unverified_header(body["access_token"])["kid"] == emulator.signing_kid
    sessions = api.get("/auth/sessions", headers=api.headers(body["access_token"])).json()
    assert sessions["items"][0]["user_agent"] == "pytest-agent"
    assert sessions["items"][0]["id"] == claims["sid"]


def test_google_method_works_and_the_method_must_match_the_token(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("g@example.test", {tenant: "member"})
    assert api.login("g@example.test", method="google").status_code == 200
    firebase_token = emulator.mint_provider_token("g@example.test", "firebase")
    mismatch = api.login("g@example.test", method="google", provider_token=firebase_token)
    assert_error(mismatch, 401, "provider_token_invalid")


def test_several_tenants_without_a_choice_answer_the_tenant_list(
    api: Api, emulator: RealmEmulator
) -> None:
    first = emulator.create_tenant("First")
    second = emulator.create_tenant("Second")
    user = emulator.seed_user("two@example.test", {first: "owner", second: "member"})
    response = api.login("two@example.test")
    assert response.status_code == 200
    body = response.json()
    # A Session without tokens: in the default profile they are simply absent.
    assert set(body) == {"user", "tenants"}
    assert body["user"]["id"] == user.id
    assert {(t["tenant_id"], t["role"]) for t in body["tenants"]} == {
        (first, "owner"),
        (second, "member"),
    }
    chosen = api.login("two@example.test", tenant_id=second).json()
    assert chosen["access_token"]
    assert chosen["tenant_id"] == second
    assert chosen["role"] == "member"
    assert api.claims(chosen["access_token"])["tenant_id"] == second


def test_tenant_id_the_user_is_not_in_is_tenant_invalid(api: Api, emulator: RealmEmulator) -> None:
    mine = emulator.create_tenant("Mine")
    theirs = emulator.create_tenant("Theirs")
    emulator.seed_user("me@example.test", {mine: "member"})
    assert_error(api.login("me@example.test", tenant_id=theirs), 403, "tenant_invalid")
    assert_error(api.login("me@example.test", tenant_id="ten_unknown"), 403, "tenant_invalid")


def test_tampered_expired_or_foreign_provider_tokens_are_refused(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("t@example.test", {tenant: "member"})
    token = emulator.mint_provider_token("t@example.test")
    header, payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b"t@example.test", b"x@example.test")
    ).decode()
    tampered = f"{header}.{forged_payload}.{signature}"
    assert_error(
        api.login("t@example.test", provider_token=tampered), 401, "provider_token_invalid"
    )
    expired = emulator.mint_provider_token("t@example.test", expires_in=-5)
    assert_error(api.login("t@example.test", provider_token=expired), 401, "provider_token_invalid")
    assert_error(
        api.login("t@example.test", provider_token="not-a-jwt"), 401, "provider_token_invalid"
    )
    short = emulator.mint_provider_token("t@example.test", expires_in=30)
    emulator.advance(31)
    assert_error(api.login("t@example.test", provider_token=short), 401, "provider_token_invalid")


def test_suspended_and_deactivated_accounts_cannot_log_in(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("s@example.test", {tenant: "member"}, status="suspended")
    emulator.seed_user("d@example.test", {tenant: "member"}, status="deactivated")
    assert_error(api.login("s@example.test"), 403, "account_suspended")
    assert_error(api.login("d@example.test"), 403, "account_deactivated")


def test_origin_is_required_and_must_belong_to_the_realm(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("o@example.test", {tenant: "member"})
    assert_error(api.login("o@example.test", origin=None), 400, "missing_origin")
    assert_error(
        api.login("o@example.test", origin="https://evil.test"), 403, "realm_origin_mismatch"
    )
    host = emulator.audience.removeprefix("https://")
    # Scheme, port and path do not matter: the bare hostname is compared.
    assert api.login("o@example.test", origin=f"http://{host.upper()}:8443/x").status_code == 200
    # A bound origin of the realm is accepted too.
    partner = unique_host(emulator, "partner")
    claim = api.post(f"{api.platform_path}/origins/claim", {"hostname": partner}).json()
    emulator.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    assert api.post(f"{api.platform_path}/origins/verify", {"hostname": partner}).json()["verified"]
    assert api.login("o@example.test", origin=f"https://{partner}").status_code == 403
    assert api.post(f"{api.platform_path}/origins", {"domain": f"app.{partner}"}).status_code == 201
    assert api.login("o@example.test", origin=f"https://app.{partner}").status_code == 200


def test_session_limit_reached(api: Api, emulator: RealmEmulator) -> None:
    emulator.set_config(session_limit=2)
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("l@example.test", {tenant: "member"})
    first = api.session("l@example.test")
    api.session("l@example.test")
    assert_error(api.login("l@example.test"), 409, "session_limit_reached")
    # Ending a session makes room again.
    assert (
        api.http.post("/auth/logout", json={"refresh_token": first["refresh_token"]}).status_code
        == 204
    )
    assert api.login("l@example.test").status_code == 200


def test_no_tenant_is_tenant_required(api: Api, emulator: RealmEmulator) -> None:
    emulator.seed_user("lonely@example.test")
    assert_error(api.login("lonely@example.test"), 400, "tenant_required")
    assert_error(api.login("stranger@example.test"), 400, "tenant_required")


def test_a_pending_invitation_lets_a_new_user_in(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    invited = api.post(f"/tenants/{tenant}/invitations", {"email": "New@Example.test"})
    assert invited.status_code == 201
    assert invited.json()["role"] == "member"
    session = api.session("new@example.test")
    assert session["tenant_id"] == tenant
    assert session["role"] == "member"
    assert api.get(f"/tenants/{tenant}/invitations").json()["items"] == []
    users = api.get(f"/tenants/{tenant}/users").json()["items"]
    assert [u["email"] for u in users] == ["new@example.test"]


def test_an_unverified_email_does_not_accept_invitations(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    api.post(f"/tenants/{tenant}/invitations", {"email": "unverified@example.test"})
    token = emulator.mint_provider_token("unverified@example.test", email_verified=False)
    assert_error(api.login("unverified@example.test", provider_token=token), 400, "tenant_required")


def test_allowlist_signup_matches_the_email_domain(api: Api) -> None:
    created = api.post(
        "/tenants",
        {"display_name": "Corp", "signup_mode": "allowlist", "allowed_domains": ["corp.test"]},
    )
    assert created.status_code == 201
    session = api.session("worker@corp.test")
    assert session["tenant_id"] == created.json()["id"]
    assert session["role"] == "member"
    assert_error(api.login("outsider@other.test"), 400, "tenant_required")
    assert_error(
        api.post("/tenants", {"display_name": "X", "signup_mode": "open"}), 400, "bad_request"
    )


def test_unknown_realm_is_404(api: Api) -> None:
    body = {
        "grant_type": "provider_token",
        "realm_id": "nope",
        "method": "firebase",
        "provider_token": api.emu.mint_provider_token("a@example.test"),
    }
    response = api.http.post("/auth/login", json=body, headers={"Origin": api.emu.origin})
    assert_error(response, 404, "not_found")


# ---------------------------------------------------------------------- as the reference sends it


def reference_login(api: Api, email: str, origin: str | None, **extra: str) -> httpx.Response:
    """A login with only what the reference's LoginRequest carries: no grant_type, no realm_id."""
    body = {"method": "firebase", "provider_token": api.emu.mint_provider_token(email), **extra}
    headers = {"Origin": origin} if origin is not None else {}
    return api.http.post("/auth/login", json=body, headers=headers)


def test_login_without_realm_id_finds_the_realm_by_origin(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("ada@example.test", {tenant: "member"})
    response = reference_login(api, "ada@example.test", emulator.origin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["id"] == user.id
    assert api.claims(body["access_token"])["azp"] == emulator.realm_id


def test_login_without_realm_id_routes_each_origin_to_its_own_realm(
    api: Api, emulator: RealmEmulator
) -> None:
    other = emulator.add_realm("Neighbour")
    mine = emulator.create_tenant("Mine")
    theirs = emulator.create_tenant("Theirs", realm_id=other.realm_id)
    # The same email is a user of both realms, in a different tenant each.
    emulator.seed_user("twin@example.test", {mine: "member"})
    emulator.seed_user("twin@example.test", {theirs: "owner"}, realm_id=other.realm_id)
    at_mine = reference_login(api, "twin@example.test", emulator.origin).json()
    at_theirs = reference_login(api, "twin@example.test", other.audience).json()
    assert (at_mine["tenant_id"], at_mine["role"]) == (mine, "member")
    assert (at_theirs["tenant_id"], at_theirs["role"]) == (theirs, "owner")


def test_login_without_realm_id_accepts_a_bound_origin_and_a_tenant_choice(
    api: Api, emulator: RealmEmulator
) -> None:
    first = emulator.create_tenant("First")
    second = emulator.create_tenant("Second")
    emulator.seed_user("two@example.test", {first: "owner", second: "member"})
    partner = unique_host(emulator, "spa")
    claim = api.post(f"{api.platform_path}/origins/claim", {"hostname": partner}).json()
    emulator.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    api.post(f"{api.platform_path}/origins/verify", {"hostname": partner})
    assert api.post(f"{api.platform_path}/origins", {"domain": partner}).status_code == 201
    choice = reference_login(api, "two@example.test", f"https://{partner}")
    assert choice.status_code == 200
    assert {t["tenant_id"] for t in choice.json()["tenants"]} == {first, second}
    chosen = reference_login(api, "two@example.test", f"https://{partner}", tenant_id=second)
    assert chosen.json()["tenant_id"] == second


def test_login_without_realm_id_needs_an_origin_a_realm_owns(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("o@example.test", {tenant: "member"})
    assert_error(reference_login(api, "o@example.test", None), 400, "missing_origin")
    assert_error(
        reference_login(api, "o@example.test", "https://nobody-owns-this.test"),
        403,
        "realm_origin_mismatch",
    )
    # With realm_id, a foreign Origin is still refused, as before.
    assert_error(
        reference_login(api, "o@example.test", "https://evil.test", realm_id=emulator.realm_id),
        403,
        "realm_origin_mismatch",
    )


def test_grant_type_provider_token_is_accepted_but_not_needed(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("g@example.test", {tenant: "member"})
    origin = emulator.origin
    with_grant = reference_login(api, "g@example.test", origin, grant_type="provider_token")
    assert with_grant.status_code == 200
    # Members the issuer does not know are ignored: the SDK may send more than it reads.
    extra = reference_login(api, "g@example.test", emulator.origin, client_version="9.9")
    assert extra.status_code == 200
