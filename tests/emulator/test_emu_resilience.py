"""Idempotency, rate limits, fault injection and signing-key rotation."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import jwt
import pytest
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator
from realmid.testing import app as emulator_app


def test_idempotent_post_replays_and_creates_nothing_twice(api: Api) -> None:
    headers = api.headers(Idempotency_Key="create-acme-1")
    first = api.post("/tenants", {"display_name": "Acme"}, headers=headers)
    second = api.post("/tenants", {"display_name": "Acme"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert api.get("/tenants").json()["total"] == 1
    reused = api.post("/tenants", {"display_name": "Other"}, headers=headers)
    assert_error(reused, 409, "idempotency_key_reused")
    assert api.get("/tenants").json()["total"] == 1
    # Another key, or no key, creates anew.
    api.post("/tenants", {"display_name": "Acme"}, headers=api.headers(Idempotency_Key="k2"))
    api.post("/tenants", {"display_name": "Acme"})
    assert api.get("/tenants").json()["total"] == 3


def test_idempotency_is_scoped_by_caller(api: Api, emulator: RealmEmulator) -> None:
    other = emulator.add_realm("Other")
    other_token = api.platform_login(other.realm_id, other.api_key).json()["access_token"]
    mine = api.post("/tenants", {"display_name": "A"}, headers=api.headers(Idempotency_Key="same"))
    theirs = api.post(
        "/tenants", {"display_name": "A"}, headers=api.headers(other_token, Idempotency_Key="same")
    )
    assert mine.json()["id"] != theirs.json()["id"]


def test_failed_requests_are_not_remembered(api: Api) -> None:
    headers = api.headers(Idempotency_Key="retry-me")
    assert (
        api.post(
            "/tenants", {"display_name": "X", "signup_mode": "open"}, headers=headers
        ).status_code
        == 400
    )
    assert api.post("/tenants", {"display_name": "X"}, headers=headers).status_code == 201


def test_idempotency_key_reuse_with_another_body_is_a_conflict(api: Api) -> None:
    headers = api.headers(Idempotency_Key="key-1")
    path = f"{api.platform_path}/api-keys"
    first = api.post(path, {"display_name": "a"}, headers=headers)
    assert api.post(path, {"display_name": "a"}, headers=headers).json() == first.json()
    assert_error(
        api.post(path, {"display_name": "b"}, headers=headers), 409, "idempotency_key_reused"
    )
    assert api.get(path).json()["total"] == 2  # the default key and one created


def test_rate_limit_answers_429_with_retry_after(api: Api, emulator: RealmEmulator) -> None:
    bff = {"Authorization": f"Bearer {api.platform_token}"}  # minted before the limit is set
    emulator.set_rate_limit(1, burst=3)
    statuses = [api.http.get("/.well-known/jwks.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = api.http.get("/.well-known/jwks.json")
    body = assert_error(limited, 429, "rate_limited")
    assert limited.headers["retry-after"] == "1"
    assert body["retry_after"] == 1
    # The limit is per end-user IP: a BFF (platform token) forwarding another IP gets its
    # own bucket; the same header from an anonymous caller is ignored.
    forged = api.http.get("/.well-known/jwks.json", headers={"X-On-Behalf-Of-IP": "198.51.100.7"})
    assert_error(forged, 429, "rate_limited")
    forwarded = {**bff, "X-On-Behalf-Of-IP": "198.51.100.7"}
    assert api.http.get("/.well-known/jwks.json", headers=forwarded).status_code == 200
    emulator.advance(1)
    assert api.http.get("/.well-known/jwks.json").status_code == 200


class GatedSleep:
    """Stands in for ``asyncio`` inside the emulator's app module: its ``sleep`` (the one the
    latency fault awaits) records the delay, says it started, and holds the request until the
    test opens the gate. Everything else is the real asyncio."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.entered = threading.Event()
        self.gate = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.entered.set()
        await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, 30)


def test_injected_latency(
    api: Api, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeper = GatedSleep()
    monkeypatch.setattr(emulator_app, "asyncio", sleeper)
    jwks_url = f"{emulator.base_url}/.well-known/jwks.json"
    emulator.faults.latency = 0.2
    try:
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(httpx.get, jwks_url, timeout=30)
            assert sleeper.entered.wait(10), "the request never reached the injected latency"
            # Held on the latency step: no answer can have been sent yet.
            assert not pending.done()
            assert sleeper.delays == [0.2]
            # The control surface is never delayed, even while a contract request waits.
            assert httpx.get(f"{emulator.base_url}/_emulator/info", timeout=30).status_code == 200
            assert sleeper.delays == [0.2]
            sleeper.gate.set()
            assert pending.result(timeout=30).status_code == 200
    finally:
        sleeper.gate.set()
    emulator.faults.latency = 0
    assert api.http.get("/.well-known/jwks.json").status_code == 200
    assert sleeper.delays == [0.2]  # no latency set: no wait at all


def test_next_requests_fail_with_a_chosen_5xx_optionally_by_path(
    api: Api, emulator: RealmEmulator
) -> None:
    headers = api.headers()
    emulator.faults.fail_next(2, status=503, path_prefix="/tenants", retry_after=2)
    assert api.http.get("/.well-known/jwks.json").status_code == 200  # other paths untouched
    failed = api.get("/tenants", headers=headers)
    body = assert_error(failed, 503, "server_error")
    assert failed.headers["retry-after"] == "2"
    assert body["retry_after"] == 2
    assert_error(api.post("/tenants", {"display_name": "x"}, headers=headers), 503, "server_error")
    assert api.get("/tenants", headers=headers).json()["total"] == 0  # the failed POST did nothing
    emulator.faults.fail_next(status=500)
    assert_error(api.http.get("/.well-known/jwks.json"), 500, "server_error")
    assert api.http.get("/.well-known/jwks.json").status_code == 200
    with pytest.raises(ValueError):
        emulator.faults.fail_next(status=404)


def test_dropped_connection_mid_response(api: Api, emulator: RealmEmulator) -> None:
    emulator.faults.drop_next(1, path_prefix="/.well-known")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{emulator.base_url}/.well-known/jwks.json")
    assert httpx.get(f"{emulator.base_url}/.well-known/jwks.json").status_code == 200


def test_jwks_outage(api: Api, emulator: RealmEmulator) -> None:
    emulator.faults.jwks_outage = True
    outage = api.http.get("/.well-known/jwks.json")
    assert_error(outage, 503, "server_error")
    assert outage.headers["retry-after"] == "1"
    assert api.get("/tenants").status_code == 200  # only the key set is down
    emulator.faults.jwks_outage = False
    assert api.http.get("/.well-known/jwks.json").status_code == 200


@pytest.fixture
def own_emulator() -> Iterator[RealmEmulator]:
    """A private emulator: key rotation must not leak into tests sharing the session one."""
    with RealmEmulator() as emu:
        yield emu
        assert emu.contract_violations == []


def test_key_rotation_and_retirement(own_emulator: RealmEmulator) -> None:
    emu = own_emulator
    api = Api(emu)
    tenant = emu.create_tenant("Acme")
    emu.seed_user("k@example.test", {tenant: "member"})
    old_kid = emu.signing_kid
    old = api.session("k@example.test")
    assert jwt.get_unverified_header(old["access_token"])["kid"] == old_kid
    new_kid = emu.rotate_keys()
    assert new_kid != old_kid
    assert emu.signing_kid == new_kid
    assert [k["kid"] for k in api.http.get("/.well-known/jwks.json").json()["keys"]] == [
        old_kid,
        new_kid,
    ]
    new = api.session("k@example.test")
    assert jwt.get_unverified_header(new["access_token"])["kid"] == new_kid
    api.claims(old["access_token"])  # still verifiable while published
    old_bearer = api.headers(old["access_token"])
    assert api.get("/auth/sessions", headers=old_bearer).status_code == 200
    with pytest.raises(ValueError):
        emu.retire_key(new_kid)
    assert emu.retire_old_keys() == [old_kid]
    assert [k["kid"] for k in api.http.get("/.well-known/jwks.json").json()["keys"]] == [new_kid]
    assert_error(api.get("/auth/sessions", headers=old_bearer), 401, "unauthorized")
    assert api.get("/auth/sessions", headers=api.headers(new["access_token"])).status_code == 200
    third = emu.rotate_keys()
    emu.retire_key(new_kid)
    assert emu.kids == [third]
    with pytest.raises(KeyError):
        emu.retire_key("emu-unknown")
    api.close()
