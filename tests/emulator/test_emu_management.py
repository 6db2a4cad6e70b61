"""Management with a platform bearer: tenants, roles, invitations, users, config, domains."""

from __future__ import annotations

from emu_support import Api, assert_error, unique_host

from realmid.testing import RealmEmulator


def test_tenant_crud(api: Api) -> None:
    created = api.post("/tenants", {"display_name": "Acme"})
    assert created.status_code == 201
    tenant = created.json()
    assert tenant["display_name"] == "Acme"
    assert tenant["config"] == {}
    assert "owner_user_id" not in tenant
    path = f"/tenants/{tenant['id']}"
    assert api.get(path).json()["id"] == tenant["id"]
    patched = api.patch(path, {"display_name": "Acme Ltd"})
    assert patched.status_code == 200
    assert patched.json()["display_name"] == "Acme Ltd"
    # A member the patch does not know is ignored (requests may carry more), never applied.
    ignored = api.patch(path, {"owner_user_id": "x", "display_name": "Acme Ltd"})
    assert ignored.status_code == 200
    assert "owner_user_id" not in ignored.json()
    config = api.patch(f"{path}/config", {"theme": {"color": "red", "logo": "a.png"}, "beta": True})
    assert config.json()["config"] == {"theme": {"color": "red", "logo": "a.png"}, "beta": True}
    merged = api.patch(f"{path}/config", {"theme": {"color": "blue", "logo": None}, "beta": None})
    assert merged.json()["config"] == {"theme": {"color": "blue"}}
    assert api.delete(path).status_code == 204
    assert_error(api.get(path), 404, "not_found")
    assert_error(api.delete(path), 404, "not_found")


def test_deleting_a_tenant_ends_its_sessions(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Doomed")
    emulator.seed_user("d@example.test", {tenant: "member"})
    session = api.session("d@example.test")
    assert api.delete(f"/tenants/{tenant}").status_code == 204
    assert_error(api.refresh(session["refresh_token"]), 401, "unauthorized")


def test_transfer_owner(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme", owner_email="old@example.test")
    new = emulator.seed_user("new@example.test", {tenant: "member"})
    outsider = emulator.seed_user("out@example.test")
    path = f"/tenants/{tenant}/transfer-owner"
    assert_error(api.post(path, {"new_owner_user_id": outsider.id}), 400, "bad_request")
    assert_error(api.post(path, {"new_owner_user_id": "usr_nobody"}), 404, "not_found")
    moved = api.post(path, {"new_owner_user_id": new.id})
    assert moved.status_code == 200
    assert moved.json()["owner_user_id"] == new.id
    roles = {u["email"]: u["role"] for u in api.get(f"/tenants/{tenant}/users").json()["items"]}
    assert roles == {"old@example.test": "member", "new@example.test": "owner"}


def test_user_role_rules(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme", owner_email="boss@example.test")
    worker = emulator.seed_user("worker@example.test", {tenant: "member"})
    boss = next(
        u["id"] for u in api.get(f"/tenants/{tenant}/users").json()["items"] if u["role"] == "owner"
    )
    role_path = f"/tenants/{tenant}/users/{{}}/role"
    assert_error(api.patch(role_path.format(worker.id), {"role": "ghost"}), 404, "role_not_found")
    assert_error(api.patch(role_path.format(worker.id), {"role": "owner"}), 400, "bad_request")
    assert_error(api.patch(role_path.format(boss), {"role": "member"}), 409, "last_owner")
    assert_error(api.patch(role_path.format("usr_nobody"), {"role": "member"}), 404, "not_found")
    assert api.post(f"{api.platform_path}/roles", {"name": "dispatch"}).status_code == 201
    changed = api.patch(role_path.format(worker.id), {"role": "dispatch"})
    assert changed.status_code == 200
    assert changed.json()["role"] == "dispatch"
    assert changed.json()["tenant_id"] == tenant
    assert api.get(f"/tenants/{tenant}/users/{worker.id}").json()["role"] == "dispatch"
    # With a second owner, the first may step down.
    second = emulator.seed_user("co@example.test", {tenant: "owner"})
    assert api.patch(role_path.format(boss), {"role": "member"}).status_code == 200
    assert api.get(f"/tenants/{tenant}").json()["owner_user_id"] == second.id


def test_role_catalog_rules(api: Api, emulator: RealmEmulator) -> None:
    roles = f"{api.platform_path}/roles"
    listed = api.get(roles).json()
    assert [(r["name"], r["is_system"]) for r in listed["items"]] == [
        ("owner", True),
        ("member", True),
    ]
    created = api.post(
        roles, {"name": "dispatch", "display_name": "Dispatch", "permissions": ["jobs:read"]}
    )
    assert created.status_code == 201
    role = created.json()
    assert role["is_system"] is False
    assert role["permissions"] == ["jobs:read"]
    assert_error(api.post(roles, {"name": "dispatch"}), 409, "role_exists")
    assert_error(api.post(roles, {"name": "member"}), 409, "role_exists")
    assert_error(api.post(roles, {"name": "Bad Name"}), 400, "bad_request")
    for system in ("owner", "member"):
        assert_error(
            api.patch(f"{roles}/{system}", {"display_name": "x"}), 400, "system_role_immutable"
        )
        assert_error(api.delete(f"{roles}/{system}"), 400, "system_role_immutable")
        assert_error(
            api.post(f"{roles}/{system}/rename", {"to": "boss"}), 400, "system_role_immutable"
        )
    assert_error(api.patch(f"{roles}/role_unknown", {"display_name": "x"}), 404, "role_not_found")
    patched = api.patch(f"{roles}/{role['id']}", {"permissions": ["jobs:read", "jobs:write"]})
    assert patched.json()["permissions"] == ["jobs:read", "jobs:write"]
    assert patched.json()["display_name"] == "Dispatch"
    # In use by a member and an invitation: cannot delete; a rename rewrites both.
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("d@example.test", {tenant: "dispatch"})
    invitation = api.post(
        f"/tenants/{tenant}/invitations", {"email": "i@example.test", "role": "dispatch"}
    ).json()
    assert_error(api.delete(f"{roles}/{role['id']}"), 409, "role_in_use")
    assert_error(api.post(f"{roles}/{role['id']}/rename", {"to": "member"}), 409, "role_exists")
    renamed = api.post(f"{roles}/{role['id']}/rename", {"to": "courier"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "courier"
    assert api.get(f"/tenants/{tenant}/users/{user.id}").json()["role"] == "courier"
    pending = api.get(f"/tenants/{tenant}/invitations").json()["items"]
    assert [(i["id"], i["role"]) for i in pending] == [(invitation["id"], "courier")]
    assert api.delete(f"/tenants/{tenant}/invitations/{invitation['id']}").status_code == 204
    assert (
        api.patch(f"/tenants/{tenant}/users/{user.id}/role", {"role": "member"}).status_code == 200
    )
    deleted = api.delete(f"{roles}/courier")
    assert deleted.status_code == 200
    assert deleted.json() == {"status": "deleted"}
    assert_error(api.delete(f"{roles}/courier"), 404, "role_not_found")


def test_invitations(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("member@example.test", {tenant: "member"})
    path = f"/tenants/{tenant}/invitations"
    created = api.post(path, {"email": "Guest@Example.test"})
    assert created.status_code == 201
    invitation = created.json()
    assert invitation == {
        "id": invitation["id"],
        "tenant_id": tenant,
        "email": "guest@example.test",
        "role": "member",
        "status": "pending",
    }
    assert_error(api.post(path, {"email": "guest@example.test"}), 409, "conflict")
    assert_error(api.post(path, {"email": "member@example.test"}), 409, "conflict")
    assert_error(
        api.post(path, {"email": "x@example.test", "role": "ghost"}), 404, "role_not_found"
    )
    assert_error(api.post(path, {"email": "not-an-email"}), 400, "bad_request")
    assert_error(api.post("/tenants/ten_nope/invitations", {"email": "a@b.test"}), 404, "not_found")
    assert [i["id"] for i in api.get(path).json()["items"]] == [invitation["id"]]
    assert api.delete(f"{path}/{invitation['id']}").status_code == 204
    assert_error(api.delete(f"{path}/{invitation['id']}"), 404, "not_found")
    assert api.get(path).json() == {"items": [], "next_cursor": None, "total": 0}


def test_users_get_list_and_status(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    other = emulator.create_tenant("Other")
    user = emulator.seed_user("u@example.test", {tenant: "member"}, display_name="U")
    emulator.seed_user("v@example.test", {other: "member"})
    listed = api.get(f"/tenants/{tenant}/users").json()
    assert listed["items"] == [
        {
            "id": user.id,
            "email": "u@example.test",
            "display_name": "U",
            "status": "active",
            "mfa_enabled": False,
            "role": "member",
        }
    ]
    assert_error(api.get(f"/tenants/{other}/users/{user.id}"), 404, "not_found")
    suspended = api.patch(f"/tenants/{tenant}/users/{user.id}/status", {"status": "suspended"})
    assert suspended.json()["status"] == "suspended"
    assert_error(api.login("u@example.test"), 403, "account_suspended")
    assert_error(
        api.patch(f"/tenants/{tenant}/users/{user.id}/status", {"status": "zombie"}),
        400,
        "bad_request",
    )
    api.patch(f"/tenants/{tenant}/users/{user.id}/status", {"status": "active"})
    assert api.login("u@example.test").status_code == 200


def test_realm_config_allowlist(api: Api) -> None:
    path = f"{api.platform_path}/config"
    patched = api.patch(
        path, {"otp_login_enabled": True, "session_limit": 3, "access_token_ttl": 60}
    )
    assert patched.status_code == 200
    config = patched.json()
    assert config["otp_login_enabled"] is True
    assert config["session_limit"] == 3
    assert config["platform_refresh_rotates"] is False
    assert set(config) == {
        "platform_refresh_rotates",
        "otp_login_enabled",
        "otp_mfa_enabled",
        "mfa_session_ttl_seconds",
        "require_bff_login",
        "session_limit",
        "access_token_ttl",
        "platform_token_ttl",
    }
    assert_error(api.patch(path, {"signing_key": "x"}), 400, "bad_request")
    assert_error(api.patch(path, {"session_limit": "three"}), 400, "bad_request")
    assert_error(api.patch(path, {"otp_login_enabled": 1}), 400, "bad_request")
    assert_error(api.patch(path, {}), 400, "bad_request")


def test_access_token_ttl_follows_the_config(api: Api, emulator: RealmEmulator) -> None:
    emulator.set_config(access_token_ttl=120)
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("ttl@example.test", {tenant: "member"})
    session = api.session("ttl@example.test")
    claims = api.claims(session["access_token"])
    assert session["expires_in"] == 120
    assert claims["exp"] - claims["iat"] == 120
    bearer = api.headers(session["access_token"])
    assert api.get("/auth/sessions", headers=bearer).status_code == 200
    emulator.advance(121)
    assert_error(api.get("/auth/sessions", headers=bearer), 401, "unauthorized")


def test_realm_domain_claim_and_verify(api: Api, emulator: RealmEmulator) -> None:
    host = unique_host(emulator, "auth")
    claim = api.post("/domains/claim", {"hostname": host.upper()})
    assert claim.status_code == 200
    body = claim.json()
    assert body["hostname"] == host
    assert body["status"] == "pending"
    txt = body["txt_record"]
    assert txt["name"] == f"_realmid-challenge.{host}"
    not_yet = api.post("/domains/verify", {"claim_token": body["claim_token"]})
    assert not_yet.json() == {
        "hostname": host,
        "verified": False,
        "status": "pending",
    }
    emulator.publish_txt(txt["name"], "something else")
    assert (
        api.post("/domains/verify", {"claim_token": body["claim_token"]}).json()["verified"]
        is False
    )
    emulator.publish_txt(txt["name"], txt["value"])
    done = api.post("/domains/verify", {"claim_token": body["claim_token"]}).json()
    assert done == {"hostname": host, "verified": True, "status": "verified"}
    assert_error(api.post("/domains/verify", {"claim_token": "nope"}), 404, "not_found")
    assert_error(api.post("/domains/claim", {"hostname": "not a host"}), 400, "bad_request")
    # Another realm cannot claim the verified hostname.
    other = emulator.add_realm("Other")
    other_token = api.platform_login(other.realm_id, other.api_key).json()["access_token"]
    taken = api.post("/domains/claim", {"hostname": host}, headers=api.headers(other_token))
    assert_error(taken, 409, "conflict")


def test_tenant_domain_by_dns_and_by_file(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    base = f"{api.platform_path}/tenants/{tenant}/domains"
    acme = unique_host(emulator, "acme")
    files = f"files.{acme}"
    dns = api.post(base, {"domain": acme})
    assert dns.status_code == 200
    claim = dns.json()
    assert claim["method"] == "dns_txt"
    assert claim["status"] == "pending"
    assert "file_path" not in claim
    assert api.post(base, {"domain": acme}).json() == claim  # idempotent
    verify_path = f"{base}/{acme}/verify"
    assert api.post(verify_path).json()["verified"] is False
    emulator.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    assert api.post(verify_path).json() == {
        "hostname": acme,
        "verified": True,
        "status": "verified",
    }
    origins = api.get(f"{api.platform_path}/origins").json()["items"]
    assert [(o["domain"], o["entity_type"], o["entity_id"]) for o in origins] == [
        (acme, "tenant", tenant)
    ]
    # The bound tenant domain is an accepted login origin.
    emulator.seed_user("o@example.test", {tenant: "member"})
    assert api.login("o@example.test", origin=f"https://{acme}").status_code == 200

    html = api.post(base, {"domain": files, "method": "html_file"}).json()
    assert html["method"] == "html_file"
    assert "dns_record_name" not in html
    emulator.publish_file(files, html["file_path"], html["file_content"])
    assert api.post(f"{base}/{files}/verify").json()["verified"] is True
    assert_error(api.post(f"{base}/unclaimed.test/verify"), 404, "not_found")
    assert_error(api.post(f"{base}/not_a_host/verify"), 404, "not_found")
    assert_error(
        api.post(base, {"domain": "x.test", "method": "carrier_pigeon"}), 400, "bad_request"
    )
    # Another tenant cannot take the verified domain.
    rival = emulator.create_tenant("Rival")
    taken = api.post(f"{api.platform_path}/tenants/{rival}/domains", {"domain": acme})
    assert_error(taken, 409, "conflict")


def test_origins_claim_verify_bind(api: Api, emulator: RealmEmulator) -> None:
    base = f"{api.platform_path}/origins"
    partner = unique_host(emulator, "partner")
    claim = api.post(f"{base}/claim", {"hostname": partner}).json()
    assert claim["method"] == "dns_txt"
    assert claim["status"] == "pending"
    assert api.post(f"{base}/claim", {"hostname": partner}).json() == claim
    assert_error(api.post(base, {"domain": partner}), 409, "conflict")  # not verified
    assert api.post(f"{base}/verify", {"hostname": partner}).json()["verified"] is False
    emulator.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    assert api.post(f"{base}/verify", {"hostname": partner}).json()["verified"] is True
    assert api.get(base).json()["items"] == []  # verify does not bind
    bound = api.post(base, {"domain": partner})
    assert bound.status_code == 201
    origin = bound.json()
    assert origin["entity_type"] == "realm"
    assert origin["entity_id"] == emulator.realm_id
    assert origin["detached_at"] is None
    assert origin["verification_id"]
    sub = api.post(base, {"domain": f"app.{partner}"})
    assert sub.status_code == 201
    assert sub.json()["verification_id"] == origin["verification_id"]
    assert api.post(base, {"domain": f"app.{partner}"}).json()["id"] == sub.json()["id"]
    assert_error(api.post(base, {"domain": f"not{partner}"}), 409, "conflict")
    assert_error(api.post(f"{base}/verify", {"hostname": "never.test"}), 404, "not_found")
    listed = api.get(base).json()
    assert [o["domain"] for o in listed["items"]] == [partner, f"app.{partner}"]
    assert listed["total"] == 2
