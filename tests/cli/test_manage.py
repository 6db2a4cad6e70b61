"""The management groups over the emulator, in-process (CliRunner): output, secrets,
confirmations, errors and exit codes."""

from __future__ import annotations

import json

from realmid.cli import Exit
from realmid.testing import RealmEmulator
from realmid.testing.seeding import SeededUser
from tests.cli.conftest import Run


def test_info_shows_the_realm(run: Run, emulator: RealmEmulator) -> None:
    info = run.json("info")
    assert info["id"] == emulator.realm_id
    assert info["audience"].startswith("https://")


def test_tenants_create_get_update_list(run: Run) -> None:
    created = run.json(
        "tenants", "create", "Acme", "--signup-mode", "allowlist", "--allowed-domain", "acme.test"
    )
    assert created["display_name"] == "Acme"
    assert created["allowed_domains"] == ["acme.test"]
    assert run.json("tenants", "get", created["id"])["signup_mode"] == "allowlist"
    renamed = run.json("tenants", "update", created["id"], "--display-name", "Acme Corp")
    assert renamed["display_name"] == "Acme Corp"
    table = run("tenants", "list")
    assert table.exit_code == 0
    assert created["id"] in table.stdout  # whole, not cut with an ellipsis
    assert "Acme Corp" in table.stdout
    assert "1 tenants" in table.stderr


def test_a_long_list_streams_every_page_with_progress_on_stderr(run: Run) -> None:
    ids = [run.json("tenants", "create", f"T{n}")["id"] for n in range(3)]
    result = run("tenants", "list", "--page-size", "1", "--json")
    assert result.exit_code == 0
    assert [t["id"] for t in json.loads(result.stdout)] == ids  # JSON alone on stdout
    assert "... 2 tenants so far (page 2)" in result.stderr
    assert "... 3 tenants so far (page 3)" in result.stderr
    capped = run.json("tenants", "list", "--page-size", "1", "--max", "2")
    assert [t["id"] for t in capped] == ids[:2]


def test_an_empty_list_is_an_empty_json_array(run: Run) -> None:
    assert run.json("tenants", "list") == []


def test_delete_asks_first_and_a_no_changes_nothing(run: Run) -> None:
    tenant = run.json("tenants", "create", "Doomed")["id"]
    declined = run("tenants", "delete", tenant, input="n\n")
    assert declined.exit_code == Exit.DECLINED
    assert "not confirmed" in declined.stderr
    no_input = run("tenants", "delete", tenant)  # a script without --yes: nothing happens
    assert no_input.exit_code == Exit.DECLINED
    assert run.json("tenants", "get", tenant)["id"] == tenant
    agreed = run("tenants", "delete", tenant, input="y\n")
    assert agreed.exit_code == 0
    assert f"deleted tenant {tenant}" in agreed.stdout
    gone = run("tenants", "get", tenant)
    assert gone.exit_code == Exit.ISSUER


def test_delete_with_yes_does_not_ask(run: Run) -> None:
    tenant = run.json("tenants", "create", "Doomed")["id"]
    assert run.json("tenants", "delete", tenant, "--yes") == {"deleted": tenant}
    assert "?" not in run("tenants", "list").stderr


def test_users_and_invitations(run: Run, mfa_user: SeededUser) -> None:
    tenant = next(iter(mfa_user.tenants))
    listed = run.json("users", "list", tenant)
    assert [u["id"] for u in listed] == [mfa_user.id]
    assert run.json("users", "get", tenant, mfa_user.id)["email"] == mfa_user.email
    run.json("roles", "create", "dispatch")
    invited = run.json("invitations", "create", tenant, "new@example.test", "--role", "dispatch")
    assert invited["role"] == "dispatch"
    assert [i["id"] for i in run.json("invitations", "list", tenant)] == [invited["id"]]
    run.json("invitations", "delete", tenant, invited["id"], "--yes")
    assert run.json("invitations", "list", tenant) == []


def test_user_status_and_role(run: Run, emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    tenant = next(iter(mfa_user.tenants))
    member = emulator.seed_user("member@example.test", {tenant: "member"})
    assert run.json("users", "set-status", tenant, member.id, "suspended")["status"] == "suspended"
    run.json("roles", "create", "dispatch")
    run.json("users", "set-role", tenant, member.id, "dispatch")
    assert run.json("users", "get", tenant, member.id)["role"] == "dispatch"
    bad = run("users", "set-status", tenant, member.id, "asleep")
    assert bad.exit_code == Exit.USAGE


def test_roles_create_update_rename_delete(run: Run) -> None:
    role = run.json("roles", "create", "dispatch", "--permission", "orders:read")
    assert role["permissions"] == ["orders:read"]
    updated = run.json(
        "roles",
        "update",
        "dispatch",
        "--display-name",
        "Dispatch",
        "--permission",
        "orders:read",
        "--permission",
        "orders:write",
    )
    assert updated["permissions"] == ["orders:read", "orders:write"]
    assert run.json("roles", "update", "dispatch", "--rename", "dispatcher")["name"] == "dispatcher"
    names = [r["name"] for r in run.json("roles", "list", "--page-size", "1")]
    assert names == ["owner", "member", "dispatcher"]
    taken = run("roles", "create", "owner")
    assert taken.exit_code == Exit.ISSUER
    assert "realmid: role_exists: " in taken.stderr
    run.json("roles", "delete", "dispatcher", "--yes")
    assert "dispatcher" not in [r["name"] for r in run.json("roles", "list")]


def test_api_key_secret_is_shown_once_and_never_again(run: Run) -> None:
    created = run("api-keys", "create", "ci worker", "--scope", "tenants")
    assert created.exit_code == 0, created.stderr
    secret_lines = [x for x in created.stdout.splitlines() if x.startswith("secret: ")]
    assert len(secret_lines) == 1
    secret = secret_lines[0].removeprefix("secret: ")
    assert secret.startswith("rk_")
    assert "shown this once" in created.stderr
    assert created.stdout.count(secret) == 1  # not also in the table above it
    as_json = run.json("api-keys", "create", "another")
    assert as_json["secret"].startswith("rk_")
    listed = run("api-keys", "list", "--json")
    assert secret not in listed.stdout
    assert as_json["secret"] not in listed.stdout
    assert all("secret" not in key for key in json.loads(listed.stdout))
    assert secret not in run("api-keys", "list").stdout
    key_id = next(k["id"] for k in json.loads(listed.stdout) if k["display_name"] == "ci worker")
    revoked = run.json("api-keys", "revoke", key_id, "--yes")
    assert revoked["revoked_at"]
    # The revoked key, used as credentials: a refusal that never repeats the key.
    refused = run("tenants", "list", env={"REALMID_API_KEY": secret})
    assert refused.exit_code == Exit.ISSUER
    assert "realmid: unauthorized: " in refused.stderr
    assert secret not in refused.stderr + refused.stdout


def test_config_set_takes_json_values(run: Run, emulator: RealmEmulator) -> None:
    config = run.json("config", "set", "otp_login_enabled=true", "session_limit=5")
    assert config["otp_login_enabled"] is True
    assert config["session_limit"] == 5
    assert emulator.config()["session_limit"] == 5
    unknown = run("config", "set", "no_such_setting=1")
    assert unknown.exit_code == Exit.ISSUER
    assert "realmid: bad_request: " in unknown.stderr
    assert run("config", "set", "not-a-pair").exit_code == Exit.USAGE


def test_origins_claim_verify_bind_list(run: Run, emulator: RealmEmulator) -> None:
    claim = run.json("origins", "claim", "app.partner.test")
    assert claim["status"] == "pending"
    assert run.json("origins", "verify", "app.partner.test")["verified"] is False
    emulator.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    bound = run.json("origins", "bind", "app.partner.test")
    assert bound["domain"] == "app.partner.test"
    assert "app.partner.test" in [o["domain"] for o in run.json("origins", "list")]


def test_domains_claim_and_verify(run: Run, emulator: RealmEmulator) -> None:
    claim = run.json("domains", "claim", "login.partner.test")
    assert claim["hostname"] == "login.partner.test"
    assert run.json("domains", "verify", claim["claim_token"])["verified"] is False
    txt = claim["txt_record"]
    emulator.publish_txt(txt["name"], txt["value"])
    assert run.json("domains", "verify", claim["claim_token"])["verified"] is True


def test_admin_events_stats_platforms_search(run: Run, emulator: RealmEmulator) -> None:
    tenant = run.json("tenants", "create", "Audited")["id"]
    events = run.json("admin", "events", "--kind", "tenant.created")
    assert [e["target_id"] for e in events] == [tenant]
    assert run.json("admin", "stats")["tenants_count"] >= 1
    platforms = run.json("admin", "platforms", "--max", "500")
    assert emulator.realm_id in [p["id"] for p in platforms]
    hits = run.json("admin", "search", "Audited")
    assert tenant in [h["id"] for h in hits]


def test_sessions_list_and_revoke(run: Run, emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    tenant = next(iter(mfa_user.tenants))
    emulator.session_for(mfa_user.id, tenant)
    listed = run.json("sessions", "list", "--user", mfa_user.id)
    assert len(listed) == 1
    session_id = listed[0]["id"]
    assert session_id in run("sessions", "list", "--user", mfa_user.id).stdout
    assert all("refresh_token" not in s for s in listed)
    run.json("sessions", "revoke", session_id, "--user", mfa_user.id, "--yes")
    assert run.json("sessions", "list", "--user", mfa_user.id) == []


def test_otp_issue_shows_the_value_once_then_view_and_verify(
    run: Run, mfa_user: SeededUser
) -> None:
    issued = run("otp", "issue", "order-1", "delivery", "--user", mfa_user.id)
    assert issued.exit_code == 0, issued.stderr
    value = next(x for x in issued.stdout.splitlines() if x.startswith("value: "))[7:]
    assert issued.stdout.count(value) == 1
    otp_id = next(x for x in issued.stdout.split() if x.startswith("otp_"))
    viewed = run.json("otp", "view", otp_id, "--user", mfa_user.id)
    assert viewed["value"] == value
    used = run.json(
        "otp", "verify", "order-1", "delivery", "-", "--user", mfa_user.id, input=value + "\n"
    )
    assert used["otp_id"] == otp_id
    again = run("otp", "verify", "order-1", "delivery", value, "--user", mfa_user.id)
    assert again.exit_code == Exit.ISSUER
    assert value not in again.stderr


def test_an_issuer_refusal_prints_code_message_and_request_id(run: Run) -> None:
    result = run("tenants", "get", "ten_missing")
    assert result.exit_code == Exit.ISSUER
    assert result.stderr.startswith("realmid: not_found: ")
    assert "(HTTP 404)" in result.stderr
    assert "request_id: req_" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    as_json = run("tenants", "get", "ten_missing", "--json")
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "not_found"
    assert error["request_id"].startswith("req_")


def test_input_refused_before_any_request_is_a_usage_error(run: Run) -> None:
    tenant = run.json("tenants", "create", "Unchanged")["id"]
    result = run("tenants", "update", tenant)  # nothing to update
    assert result.exit_code == Exit.USAGE
    assert "realmid: bad_request: nothing to update" in result.stderr


def test_missing_configuration_names_the_variable(run: Run, emulator: RealmEmulator) -> None:
    no_realm = run("tenants", "list", env={"REALMID_REALM_ID": None})
    assert no_realm.exit_code == Exit.CONFIG
    assert "REALMID_REALM_ID is not set" in no_realm.stderr
    assert "--realm-id" in no_realm.stderr
    no_key = run("tenants", "list", env={"REALMID_API_KEY": None})
    assert no_key.exit_code == Exit.CONFIG
    assert "REALMID_API_KEY is not set" in no_key.stderr
    # Flags stand in for the variables.
    flags = run(
        "--realm-id",
        emulator.realm_id,
        "--api-key",
        emulator.api_key,
        "tenants",
        "list",
        "--json",
        env={"REALMID_REALM_ID": None, "REALMID_API_KEY": None},
    )
    assert flags.exit_code == 0, flags.stderr


def test_an_unreachable_issuer_is_exit_5(run: Run) -> None:
    result = run(
        "tenants", "list", env={"REALMID_BASE_URL": "http://127.0.0.1:9", "REALMID_TIMEOUT": "2"}
    )
    assert result.exit_code == Exit.UNREACHABLE
    assert "realmid: network: " in result.stderr


def test_transfer_owner_set_config_and_reset_mfa(
    run: Run, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    tenant = next(iter(mfa_user.tenants))
    member = emulator.seed_user("heir@example.test", {tenant: "member"})
    declined = run("tenants", "transfer-owner", tenant, member.id, input="n\n")
    assert declined.exit_code == Exit.DECLINED
    moved = run.json("tenants", "transfer-owner", tenant, member.id, "--yes")
    assert moved["owner_user_id"] == member.id
    assert run.json("users", "get", tenant, mfa_user.id)["role"] == "member"
    configured = run.json("tenants", "set-config", tenant, 'theme="dark"', "seats=5")
    assert configured["config"] == {"theme": "dark", "seats": 5}
    assert run.json("users", "get", tenant, mfa_user.id)["mfa_enabled"] is True
    assert run("users", "reset-mfa", tenant, mfa_user.id).exit_code == Exit.DECLINED
    run.json("users", "reset-mfa", tenant, mfa_user.id, "--yes")
    assert run.json("users", "get", tenant, mfa_user.id)["mfa_enabled"] is False
