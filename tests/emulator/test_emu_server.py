"""Lifecycle, the always-on response headers, the CLI and the control surface."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from emu_support import Api, assert_error

import realmid
from realmid.testing import RealmEmulator


def test_context_manager_serves_on_a_free_loopback_port_and_stops() -> None:
    with RealmEmulator() as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert emu.port > 0
        info = httpx.get(f"{emu.base_url}/platforms/{emu.realm_id}/info").json()
        assert info == {
            "id": emu.realm_id,
            "audience": emu.audience,
            "domain": emu.domain,
            "display_name": emu.display_name,
        }
        assert emu.api_key.startswith("rk_test_")
        assert emu.audience.startswith("https://app.")
        assert emu.audience.endswith(".test")
        url = emu.base_url
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/.well-known/jwks.json", timeout=2)


def test_start_and_stop_explicitly() -> None:
    emu = RealmEmulator().start()
    try:
        assert httpx.get(f"{emu.base_url}/.well-known/jwks.json").status_code == 200
        with pytest.raises(RuntimeError):
            emu.start()
    finally:
        emu.stop()
    emu.stop()  # idempotent


def test_every_response_carries_a_request_id(api: Api) -> None:
    responses = [
        api.http.get("/.well-known/jwks.json"),
        api.http.get("/tenants"),  # 401
        api.post("/tenants", {"nope": 1}),  # 400
        api.http.get("/no/such/route"),  # 404
        api.http.put("/tenants"),  # 405
        api.post("/tenants", {"display_name": "t"}),  # 201
        api.http.post("/auth/logout", json={}),  # 204
        api.http.get("/_emulator/info"),  # control surface
    ]
    ids = [r.headers.get("x-request-id") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids)
    assert [r.status_code for r in responses] == [200, 401, 400, 404, 405, 201, 204, 200]


def test_missing_platform_token_is_a_401_envelope(api: Api) -> None:
    for response in (
        api.http.get("/tenants"),
        api.http.get("/tenants", headers={"Authorization": "Bearer rpat_forged"}),
        api.http.get("/tenants", headers={"Authorization": "Basic Zm9vOmJhcg=="}),
        api.http.get(f"{api.platform_path}/roles"),
    ):
        assert_error(response, 401, "unauthorized")


def test_jwks_serves_rsa_signing_keys_with_cache_control(api: Api) -> None:
    response = api.http.get("/.well-known/jwks.json")
    assert response.headers["cache-control"] == "max-age=300"
    keys = response.json()["keys"]
    assert [k["kid"] for k in keys] == api.emu.kids
    for key in keys:
        assert {key["kty"], key["use"], key["alg"]} == {"RSA", "sig", "RS256"}
        assert key["e"] == "AQAB"
        assert len(key["n"]) > 300


def test_unknown_realm_info_is_404(api: Api) -> None:
    assert_error(api.http.get("/platforms/nope/info"), 404, "not_found")
    # An id outside the path schema is invalid input, not an unknown realm.
    assert_error(api.http.get("/platforms/" + "x" * 200 + "/info"), 400, "bad_request")


def test_module_entry_point_prints_credentials_and_serves() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "realmid.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = dict(proc.stdout.readline().strip().split("=", 1) for _ in range(3))
        assert set(lines) == {"base_url", "realm_id", "api_key"}
        info = httpx.get(f"{lines['base_url']}/_emulator/info").json()
        assert info["realm_id"] == lines["realm_id"]
        login = httpx.post(
            f"{lines['base_url']}/auth/login",
            json={
                "grant_type": "platform_api_key",
                "realm_id": lines["realm_id"],
                "api_key": lines["api_key"],
            },
        )
        assert login.status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_control_surface_drives_a_running_emulator(api: Api) -> None:
    http = api.http
    tenant = http.post(
        "/_emulator/tenants", json={"display_name": "Ctl", "realm_id": api.emu.realm_id}
    )
    assert tenant.status_code == 200
    user = http.post(
        "/_emulator/users",
        json={
            "realm_id": api.emu.realm_id,
            "email": "ctl@example.test",
            "tenants": {tenant.json()["id"]: "member"},
        },
    ).json()
    token = http.post("/_emulator/provider-tokens", json={"email": "ctl@example.test"}).json()
    login = api.login("ctl@example.test", provider_token=token["provider_token"])
    assert login.status_code == 200
    assert login.json()["user"]["id"] == user["id"]
    seeded = http.post("/_emulator/sessions", json={"user_id": user["id"]}).json()
    assert seeded["access_token"]
    assert "kind" not in seeded
    api.headers()  # log the platform in before the fault is armed
    assert (
        http.post("/_emulator/faults", json={"fail": {"count": 1, "status": 502}}).status_code
        == 200
    )
    assert_error(api.get("/tenants"), 502, "server_error")
    assert api.get("/tenants").status_code == 200
    advanced = http.post("/_emulator/clock/advance", json={"seconds": 5}).json()
    assert advanced["offset"] >= 5
    assert http.delete("/_emulator/faults").json()["scripted"] == []
    assert_error(http.post("/_emulator/users", json={}), 400, "bad_request")


def test_realm_views_share_the_server_but_not_the_realm(
    realm_emulator: RealmEmulator, emulator: RealmEmulator
) -> None:
    assert emulator.running
    assert realm_emulator.running
    assert emulator.base_url == realm_emulator.base_url
    assert emulator.realm_id != realm_emulator.realm_id
    assert emulator.start() is emulator  # a view neither starts nor stops the server
    emulator.stop()
    assert realm_emulator.running
    tenant = emulator.create_tenant("Only in the view's realm")
    api = Api(realm_emulator)
    assert_error(api.get(f"/tenants/{tenant}"), 404, "not_found")
    api.close()


def test_unknown_methods_and_control_routes_answer_the_envelope(api: Api) -> None:
    trace = api.http.request("TRACE", "/tenants")
    assert_error(trace, 405, "method_not_allowed")
    # RFC 9110: a 405 lists the methods the resource serves.
    assert set(trace.headers["allow"].split(", ")) == {"GET", "POST"}
    assert_error(api.http.get("/_emulator/nope"), 404, "not_found")


def test_a_newline_in_the_path_still_gets_the_envelope(api: Api) -> None:
    # Starlette's route patterns stop at a newline; the dispatcher must still answer.
    assert_error(api.get("/tenants/a%0Ab"), 404, "not_found")
    assert_error(api.http.request("TRACE", "/tenants/a%0Ab"), 405, "method_not_allowed")


def test_the_plugin_hands_out_a_ready_realm(realm: realmid.Realm, emulator: RealmEmulator) -> None:
    assert realm.realm_id == emulator.realm_id
    assert realm.info().audience == emulator.audience
    assert realm.tenants.create("From the fixture").display_name == "From the fixture"
