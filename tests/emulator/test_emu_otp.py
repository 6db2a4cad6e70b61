"""The partner OTP primitive and OTP login."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator


def staff(api: Api, emulator: RealmEmulator) -> tuple[str, dict[str, str], dict[str, str], str]:
    """A tenant with two members; returns (tenant, manager bearer, colleague bearer, manager id)."""
    tenant = emulator.create_tenant("Depot")
    manager = emulator.seed_user("manager@example.test", {tenant: "owner"})
    emulator.seed_user("colleague@example.test", {tenant: "member"})
    m = api.session("manager@example.test")
    c = api.session("colleague@example.test")
    return tenant, api.headers(m["access_token"]), api.headers(c["access_token"]), manager.id


def issue(
    api: Api, headers: dict[str, str], subject: str = "parcel-42", purpose: str = "delivery"
) -> dict[str, Any]:
    response = api.post("/otp", {"subject_ref": subject, "purpose": purpose}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def verify(
    api: Api, headers: dict[str, str], presented: str, subject: str = "parcel-42"
) -> httpx.Response:
    body = {"subject_ref": subject, "purpose": "delivery", "presented": presented}
    return api.post("/otp/verify", body, headers=headers)


def wrong_value(value: str) -> str:
    return f"{(int(value) + 1) % 1_000_000:06d}"


def test_issue_view_verify_and_no_second_spend(api: Api, emulator: RealmEmulator) -> None:
    _, manager, colleague, manager_id = staff(api, emulator)
    otp = issue(api, manager)
    assert len(otp["value"]) == 6
    assert otp["value"].isdigit()
    assert otp["purpose"] == "delivery"
    assert otp["subject_ref"] == "parcel-42"
    assert otp["expires_at"].endswith("Z")
    viewed = api.get(f"/otp/{otp['id']}", headers=manager)
    assert viewed.status_code == 200
    assert viewed.json()["value"] == otp["value"]
    assert viewed.json()["issuer_user_id"] == manager_id
    # A colleague sees exactly what an unknown id looks like.
    hidden = assert_error(api.get(f"/otp/{otp['id']}", headers=colleague), 404, "otp_not_found")
    unknown = assert_error(
        api.get("/otp/otp_does_not_exist", headers=manager), 404, "otp_not_found"
    )
    assert {k: v for k, v in hidden.items() if k != "request_id"} == {
        k: v for k, v in unknown.items() if k != "request_id"
    }
    verified = verify(api, colleague, otp["value"])
    assert verified.status_code == 200
    assert verified.json()["otp_id"] == otp["id"]
    assert verified.json()["issuer_user_id"] == manager_id
    assert verified.json()["issued_at"].endswith("Z")
    assert_error(verify(api, colleague, otp["value"]), 404, "otp_not_found")
    assert_error(api.get(f"/otp/{otp['id']}", headers=manager), 404, "otp_not_found")


def test_another_tenant_cannot_view_or_verify(api: Api, emulator: RealmEmulator) -> None:
    _, manager, _, _ = staff(api, emulator)
    elsewhere = emulator.create_tenant("Elsewhere")
    emulator.seed_user("outsider@example.test", {elsewhere: "owner"})
    outsider = api.headers(api.session("outsider@example.test")["access_token"])
    otp = issue(api, manager)
    assert_error(api.get(f"/otp/{otp['id']}", headers=outsider), 404, "otp_not_found")
    assert_error(verify(api, outsider, otp["value"]), 404, "otp_not_found")
    assert verify(api, manager, otp["value"]).status_code == 200


def test_concurrent_verifications_spend_the_value_once(api: Api, emulator: RealmEmulator) -> None:
    _, manager, _, _ = staff(api, emulator)
    otp = issue(api, manager)
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        with httpx.Client(base_url=emulator.base_url, timeout=10) as client:
            barrier.wait()
            response = client.post(
                "/otp/verify",
                json={"subject_ref": "parcel-42", "purpose": "delivery", "presented": otp["value"]},
                headers=manager,
            )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [404] * 19


def test_five_misses_lock_the_subject(api: Api, emulator: RealmEmulator) -> None:
    _, manager, colleague, _ = staff(api, emulator)
    otp = issue(api, manager)
    for _ in range(4):
        assert_error(verify(api, colleague, wrong_value(otp["value"])), 401, "invalid_otp")
    locked = assert_error(verify(api, colleague, wrong_value(otp["value"])), 423, "otp_locked")
    assert locked["retry_after"] > 0
    # Even the right value is refused while locked; other subjects are unaffected.
    assert_error(verify(api, colleague, otp["value"]), 423, "otp_locked")
    other = issue(api, manager, subject="parcel-43")
    assert verify(api, colleague, other["value"], subject="parcel-43").status_code == 200
    emulator.advance(901)  # the lock lifts (and the access tokens expire: log in again)
    manager = api.headers(api.session("manager@example.test")["access_token"])
    colleague = api.headers(api.session("colleague@example.test")["access_token"])
    fresh = issue(api, manager)
    assert verify(api, colleague, fresh["value"]).status_code == 200


def test_expired_values_answer_410(api: Api, emulator: RealmEmulator) -> None:
    _, manager, colleague, _ = staff(api, emulator)
    otp = issue(api, manager)
    emulator.advance(601)
    assert_error(verify(api, colleague, otp["value"]), 410, "otp_expired")
    assert_error(api.get(f"/otp/{otp['id']}", headers=manager), 404, "otp_not_found")
    assert_error(verify(api, colleague, "123456", subject="never-issued"), 404, "otp_not_found")


def test_otp_ttl_is_settable(api: Api, emulator: RealmEmulator) -> None:
    _, manager, colleague, _ = staff(api, emulator)
    emulator.otp_ttl = 30
    try:
        otp = issue(api, manager)
        emulator.advance(31)
        assert_error(verify(api, colleague, otp["value"]), 410, "otp_expired")
    finally:
        emulator.otp_ttl = 600


def test_purpose_and_subject_ref_are_validated(api: Api, emulator: RealmEmulator) -> None:
    _, manager, _, _ = staff(api, emulator)
    for purpose in ("Delivery", "1st", "", "a" * 65, "has-dash"):
        response = api.post("/otp", {"subject_ref": "x", "purpose": purpose}, headers=manager)
        assert_error(response, 400, "invalid_purpose")
    for subject in ("", "x" * 257, "line\nbreak", "tab\there"):
        response = api.post("/otp", {"subject_ref": subject, "purpose": "ok"}, headers=manager)
        assert_error(response, 400, "invalid_subject_ref")
    bad_verify = api.post(
        "/otp/verify", {"subject_ref": "x", "purpose": "BAD", "presented": "1"}, headers=manager
    )
    assert_error(bad_verify, 400, "invalid_purpose")


def test_platform_bearer_acts_on_behalf_of_a_user(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Depot")
    manager = emulator.seed_user("bff-manager@example.test", {tenant: "owner"})
    obo = api.headers(X_On_Behalf_Of_User=manager.id)
    otp = issue(api, obo)
    assert api.get(f"/otp/{otp['id']}", headers=obo).json()["issuer_user_id"] == manager.id
    assert_error(api.post("/otp", {"subject_ref": "x", "purpose": "p"}), 400, "bad_request")
    assert verify(api, obo, otp["value"]).status_code == 200


def test_otp_login(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Depot")
    driver = emulator.seed_user("driver@example.test", {tenant: "member"})
    manager = emulator.seed_user("boss@example.test", {tenant: "owner"})

    def otp_login(identifier: str, presented: str, origin: str | None = None) -> httpx.Response:
        body = {"realm_id": emulator.realm_id, "identifier": identifier, "presented": presented}
        return api.http.post(
            "/auth/otp/login", json=body, headers={"Origin": origin or emulator.origin}
        )

    value = emulator.issue_otp(manager.id, "driver@example.test", "login")
    assert_error(otp_login("driver@example.test", value), 403, "forbidden")  # not enabled
    emulator.set_config(otp_login_enabled=True)
    assert_error(otp_login("driver@example.test", wrong_value(value)), 401, "invalid_credentials")
    assert_error(otp_login("nobody@example.test", value), 401, "invalid_credentials")
    assert_error(
        otp_login("driver@example.test", value, "https://evil.test"), 403, "realm_origin_mismatch"
    )
    response = otp_login("Driver@Example.test", value)
    assert response.status_code == 200
    session = response.json()
    assert "kind" not in session
    assert session["access_token"]
    assert session["user"]["id"] == driver.id
    assert session["tenant_id"] == tenant
    assert api.claims(session["access_token"])["amr"] == ["otp"]
    assert_error(otp_login("driver@example.test", value), 401, "invalid_credentials")  # spent
