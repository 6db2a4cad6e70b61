"""The reference profile: every answer shaped exactly like the reference's Go types.

Each test flips the shared emulator to ``reference`` (the ``emulator`` fixture puts the
profile back afterwards) and reads answers over loopback HTTP.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emu_support import Api, assert_error, assert_reference_error, unique_host

from realmid.testing import RealmEmulator
from realmid.testing.contract import get_contract
from realmid.testing.reference_shapes import PLATFORM_GRANT_ANSWER, answer_type, encode

PLATFORM = {"access_token", "refresh_token", "expires_in"}
SESSION_KEYS = [
    "access_token",
    "refresh_token",
    "expires_in",
    "expires_at",
    "tenant_id",
    "role",
    "user",
    "tenants",
]


@pytest.fixture
def reference(emulator: RealmEmulator) -> RealmEmulator:
    emulator.profile = "reference"
    return emulator


# ---------------------------------------------------------------------- the switch


def test_the_profile_is_shared_settable_and_checked(
    realm_emulator: RealmEmulator, emulator: RealmEmulator
) -> None:
    assert emulator.profile == "default"
    emulator.profile = "reference"
    assert realm_emulator.profile == "reference"  # a realm view shares the server's profile
    realm_emulator.profile = "default"
    assert emulator.profile == "default"
    with pytest.raises(ValueError, match="unknown profile 'strict'"):
        emulator.profile = "strict"
    assert emulator.profile == "default"
    with pytest.raises(ValueError, match="unknown profile"):
        RealmEmulator(profile="Reference")


def test_the_constructor_argument_sets_it() -> None:
    with RealmEmulator(profile="reference") as own, httpx.Client(base_url=own.base_url) as http:
        assert own.profile == "reference"
        body = http.post(
            "/auth/login",
            json={"grant_type": "platform_api_key", "realm_id": own.realm_id, "api_key": "x"},
        ).json()
        assert body.keys() == {"code", "message"}
        assert own.contract_violations == []


@pytest.fixture
def _flip_then_check(realm_emulator: RealmEmulator) -> Iterator[None]:
    yield
    # The emulator fixture has torn down before this fixture does; the profile is back.
    assert realm_emulator.profile == "default"


@pytest.mark.usefixtures("_flip_then_check")
def test_the_fixture_puts_the_profile_back(emulator: RealmEmulator) -> None:
    emulator.profile = "reference"


def test_the_cli_flag_serves_the_reference_profile() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "realmid.testing", "--port", "0", "--profile", "reference"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = dict(proc.stdout.readline().strip().split("=", 1) for _ in range(3))
        base_url = lines["base_url"]
        assert httpx.get(f"{base_url}/_emulator/info").json()["profile"] == "reference"
        login = httpx.post(
            f"{base_url}/auth/login",
            json={
                "grant_type": "platform_api_key",
                "realm_id": lines["realm_id"],
                "api_key": lines["api_key"],
            },
        )
        assert set(login.json()) == {"access_token", "refresh_token", "expires_in"}
        flipped = httpx.put(f"{base_url}/_emulator/profile", json={"profile": "default"})
        assert flipped.json() == {"profile": "default"}
        bad = httpx.put(f"{base_url}/_emulator/profile", json={"profile": "nope"})
        assert bad.status_code == 400
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    refused = subprocess.run(
        [sys.executable, "-m", "realmid.testing", "--profile", "strict"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert refused.returncode == 2
    assert "invalid choice" in refused.stderr


# ---------------------------------------------------------------------- auth answers


def test_a_session_has_exactly_the_go_fields(api: Api, reference: RealmEmulator) -> None:
    tenant = reference.create_tenant("Acme")
    user = reference.seed_user("ada@example.test", {tenant: "member"})
    body = api.login("ada@example.test").json()
    assert list(body) == SESSION_KEYS
    # UserSummary: display_name is omitempty and the user has none.
    assert body["user"] == {"id": user.id, "email": "ada@example.test"}
    # TenantRef: the legacy "id" is omitempty and never sent.
    assert body["tenants"] == [{"tenant_id": tenant, "role": "member", "display_name": "Acme"}]
    assert body["expires_in"] == 900


def test_a_tenant_choice_is_a_session_with_zero_tokens(api: Api, reference: RealmEmulator) -> None:
    first = reference.create_tenant("First")
    second = reference.create_tenant("Second")
    user = reference.seed_user("two@example.test", {first: "owner", second: "member"})
    body = api.login("two@example.test").json()
    assert body == {
        "access_token": "",
        "refresh_token": "",
        "expires_in": 0,
        "user": {"id": user.id, "email": "two@example.test"},
        "tenants": [
            {"tenant_id": first, "role": "owner", "display_name": "First"},
            {"tenant_id": second, "role": "member", "display_name": "Second"},
        ],
    }


def test_platform_tokens_carry_the_token_fields_alone(api: Api, emulator: RealmEmulator) -> None:
    default = api.platform_login().json()
    assert default["token_type"] == "Bearer"  # the default profile's harmless extra
    emulator.profile = "reference"
    minted = api.platform_login().json()
    assert list(minted) == ["access_token", "refresh_token", "expires_in"]
    refreshed = api.http.post(
        "/auth/token", headers={"Authorization": f"Bearer {minted['refresh_token']}"}
    ).json()
    assert list(refreshed) == ["access_token", "refresh_token", "expires_in"]


def test_a_user_refresh_is_a_mint_result(api: Api, reference: RealmEmulator) -> None:
    tenant = reference.create_tenant("Acme")
    reference.seed_user("r@example.test", {tenant: "member"})
    session = api.session("r@example.test")
    minted = api.http.post("/auth/token", json={"refresh_token": session["refresh_token"]})
    assert list(minted.json()) == [
        "access_token",
        "refresh_token",
        "expires_in",
        "tenant_id",
        "role",
    ]


def test_error_bodies_lose_request_id_but_keep_their_siblings(
    api: Api, emulator: RealmEmulator
) -> None:
    assert_error(api.platform_login(api_key="rk_test_wrong"), 401, "unauthorized")
    emulator.profile = "reference"
    body = assert_reference_error(api.platform_login(api_key="rk_test_wrong"), 401, "unauthorized")
    assert set(body) == {"code", "message"}
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("mfa@example.test", {tenant: "owner"}, mfa=True)
    challenge = assert_reference_error(api.login("mfa@example.test"), 412, "mfa_required")
    assert list(challenge) == ["code", "message", "mfa_challenge_token", "methods"]
    # Errors raised before routing (an injected 5xx) are shaped the same way.
    emulator.faults.fail_next(1, status=503, path_prefix="/tenants", retry_after=2)
    injected = assert_reference_error(api.get("/tenants"), 503, "server_error")
    assert injected["retry_after"] == 2
    assert "request_id" not in injected


def test_mfa_challenge_and_sessions_page(api: Api, reference: RealmEmulator) -> None:
    tenant = reference.create_tenant("Acme")
    user = reference.seed_user("m@example.test", {tenant: "owner"}, mfa=True)
    session = reference.session_for(user.id)
    bearer = api.headers(session["access_token"])
    step_up = api.post("/auth/mfa/challenge", headers=bearer).json()
    assert list(step_up) == ["mfa_challenge_token", "methods"]
    sessions = api.get("/auth/sessions", headers=bearer).json()
    # Page[SessionInfo]: next_cursor is omitempty and this is the last page.
    assert list(sessions) == ["items", "total"]
    assert set(sessions["items"][0]) <= {"id", "created_at", "last_used_at", "user_agent", "ip"}


# ---------------------------------------------------------------------- management answers


def test_tenants_users_and_pages(api: Api, reference: RealmEmulator) -> None:
    created = api.post("/tenants", {"display_name": "Acme", "allowed_domains": ["acme.test"]})
    tenant = created.json()
    # No signup settings (not in the Go Tenant), no empty config, no owner yet.
    assert list(tenant) == ["id", "display_name", "created_at", "updated_at"]
    user = reference.seed_user("u@example.test", {tenant["id"]: "member"})
    got = api.get(f"/tenants/{tenant['id']}/users/{user.id}").json()
    # mfa_enabled is omitempty: false is left out.
    assert got == {"id": user.id, "email": "u@example.test", "status": "active", "role": "member"}
    page = api.get(f"/tenants/{tenant['id']}/users", params={"limit": 1}).json()
    assert list(page) == ["items", "total"]  # a last page has no next_cursor at all
    listed = api.get("/tenants").json()
    assert "next_cursor" not in listed
    assert listed["total"] == 1


def test_roles_keep_empty_permissions_and_the_page_shape(
    api: Api, reference: RealmEmulator
) -> None:
    roles = api.get(f"{api.platform_path}/roles").json()
    assert list(roles) == ["items", "total"]
    member = next(r for r in roles["items"] if r["name"] == "member")
    # permissions is not omitempty: an empty list is still sent.
    assert member["permissions"] == []
    assert list(member) == [
        "id",
        "name",
        "display_name",
        "permissions",
        "is_system",
        "created_at",
        "updated_at",
    ]
    created = api.post(f"{api.platform_path}/roles", {"name": "dispatch"}).json()
    assert "display_name" not in created
    assert created["is_system"] is False
    deleted = api.delete(f"{api.platform_path}/roles/{created['id']}").json()
    assert deleted == {"status": "deleted"}


def test_origins_and_domains(api: Api, reference: RealmEmulator) -> None:
    host = unique_host(reference, "ref")
    claim = api.post(f"{api.platform_path}/origins/claim", {"hostname": host}).json()
    assert list(claim) == ["domain", "status", "method", "dns_record_name", "dns_record_value"]
    pending = api.post(f"{api.platform_path}/origins/verify", {"hostname": host}).json()
    assert pending == {"hostname": host, "status": "pending"}  # verified=false is omitted
    reference.publish_txt(claim["dns_record_name"], claim["dns_record_value"])
    done = api.post(f"{api.platform_path}/origins/verify", {"hostname": host}).json()
    assert done == {"hostname": host, "verified": True, "status": "verified"}
    bound = api.post(f"{api.platform_path}/origins", {"domain": host}).json()
    # verification_id is a set pointer; detached_at a nil one (omitted).
    assert list(bound) == [
        "id",
        "domain",
        "entity_type",
        "entity_id",
        "verification_id",
        "created_at",
    ]
    domain = api.post("/domains/claim", {"hostname": unique_host(reference, "dom")}).json()
    assert list(domain) == ["hostname", "claim_token", "txt_record", "status"]
    assert list(domain["txt_record"]) == ["name", "value"]


def test_admin_answers(api: Api, reference: RealmEmulator) -> None:
    marker = f"ref-{reference.realm_id[-6:].lower()}"
    ownerless = reference.add_realm(f"{marker} ownerless")
    owned = reference.add_realm(f"{marker} owned", owner_email="boss@owned.test")
    platforms = api.get("/admin/platforms", params={"q": marker, "sort": "display_name"}).json()
    # next_cursor and total are not omitempty in AdminPlatformsResponse.
    assert list(platforms) == ["items", "next_cursor", "total"]
    assert platforms["next_cursor"] is None
    rows = {row["id"]: row for row in platforms["items"]}
    assert list(rows[ownerless.realm_id]) == [
        "id",
        "display_name",
        "slug",
        "status",
        "signup_mode",
        "domains",
        "owner",
        "tenants_count",
        "users_count",
        "last_activity_at",
        "created_at",
    ]
    # A realm without an owner still sends the owner block, with Go's zero values.
    assert rows[ownerless.realm_id]["owner"] == {"user_id": "", "name": "", "email": ""}
    assert rows[ownerless.realm_id]["domains"] == []
    assert rows[owned.realm_id]["owner"]["email"] == "boss@owned.test"
    events = api.get("/admin/events", params={"platform_id": reference.realm_id}).json()
    # next_cursor always present (null on the last page); AdminEventsResponse has no total.
    assert list(events) == ["items", "next_cursor"]
    assert events["next_cursor"] is None
    stats = api.get("/admin/stats").json()
    assert list(stats) == [
        "platforms_count",
        "tenants_count",
        "users_count",
        "sessions_active",
        "events_24h",
    ]


def test_default_profile_keeps_its_extras(api: Api, emulator: RealmEmulator) -> None:
    tenant = api.post("/tenants", {"display_name": "Acme"}).json()
    assert tenant["signup_mode"] == "closed"
    assert tenant["config"] == {}
    events = api.get("/admin/events", params={"platform_id": emulator.realm_id}).json()
    assert "total" in events
    ownerless = api.get("/admin/platforms", params={"q": emulator.realm_id}).json()["items"]
    assert "owner" not in ownerless[0]


def test_an_idempotent_replay_is_shaped_for_the_profile_too(
    api: Api, emulator: RealmEmulator
) -> None:
    headers = api.headers(Idempotency_Key="ref-replay")
    first = api.post("/tenants", {"display_name": "Acme"}, headers=headers)
    assert "signup_mode" in first.json()
    emulator.profile = "reference"
    replayed = api.post("/tenants", {"display_name": "Acme"}, headers=headers)
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json()["id"] == first.json()["id"]
    assert "signup_mode" not in replayed.json()


# ---------------------------------------------------------------------- a sweep


class ShapeLog:
    """Records every JSON answer an httpx client receives, with its operation."""

    def __init__(self) -> None:
        self.seen: list[tuple[str | None, int, Any]] = []

    def hook(self, response: httpx.Response) -> None:
        response.read()
        op, _, _ = get_contract().match(response.request.method, response.request.url.path)
        body = response.json() if response.content else None
        self.seen.append((op.operation_id if op else None, response.status_code, body))


def test_every_answer_of_a_sweep_is_a_fixed_point_of_the_go_encoding(
    api: Api, reference: RealmEmulator
) -> None:
    log = ShapeLog()
    api.http.event_hooks["response"].append(log.hook)
    tenant = api.post("/tenants", {"display_name": "Sweep"}).json()["id"]
    user = reference.seed_user("sweep@example.test", {tenant: "owner"}, mfa=True)
    api.get("/.well-known/jwks.json")
    api.http.get(f"/platforms/{reference.realm_id}/info")
    api.get("/tenants")
    api.patch(f"/tenants/{tenant}", {"display_name": "Sweep 2"})
    api.patch(f"/tenants/{tenant}/config", {"theme": "dark"})
    api.post(f"/tenants/{tenant}/invitations", {"email": "new@example.test"})
    api.get(f"/tenants/{tenant}/invitations")
    api.get(f"/tenants/{tenant}/users")
    api.post(f"/tenants/{tenant}/users/{user.id}/mfa/enroll")
    api.post(f"{api.platform_path}/api-keys", {"display_name": "ci"})
    api.get(f"{api.platform_path}/api-keys")
    api.patch(f"{api.platform_path}/config", {"otp_login_enabled": True})
    api.get(f"{api.platform_path}/origins")
    api.post(f"{api.platform_path}/tenants/{tenant}/domains", {"domain": "sweep.example"})
    api.get("/admin/search", params={"q": "sweep"})
    api.login("sweep@example.test")  # 412
    bearer = api.headers(reference.session_for(user.id)["access_token"])
    otp = api.post("/otp", {"subject_ref": "parcel", "purpose": "delivery"}, headers=bearer).json()
    api.get(f"/otp/{otp['id']}", headers=bearer)
    api.post(
        "/otp/verify",
        {"subject_ref": "parcel", "purpose": "delivery", "presented": otp["value"]},
        headers=bearer,
    )
    api.get("/tenants/ten_nope")  # 404
    assert len(log.seen) >= 20
    for operation_id, status, body in log.seen:
        go_type = answer_type(operation_id, status)
        if body is None or go_type is None:
            continue
        if operation_id in ("login", "token") and status == 200 and body.keys() <= PLATFORM:
            go_type = PLATFORM_GRANT_ANSWER  # told apart by structure, as a client does
        assert encode(go_type, body) == body, (operation_id, status, body)
