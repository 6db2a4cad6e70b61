"""The issuer's trust boundaries, as the emulator models them (issue 13.9).

``X-On-Behalf-Of-IP`` is believed only from a partner backend (a caller with a live
platform token): anyone else could rotate it to dodge the per-IP limits. And two realms
never share an audience (the ``aud`` their access tokens carry) unless a test asks.
"""

from __future__ import annotations

import httpx
import pytest
from emu_support import Api, assert_error, unique_host

from realmid.testing import RealmEmulator


def _login_statuses(api: Api, email: str, ips: list[str], **headers: str) -> list[int]:
    return [
        api.login(email, headers={**headers, "X-On-Behalf-Of-IP": ip}).status_code for ip in ips
    ]


def _ips(count: int) -> list[str]:
    return [f"198.51.100.{n}" for n in range(1, count + 1)]


# ---------------------------------------------------------------------- forwarded IPs


def test_anonymous_logins_rotating_the_forwarded_ip_are_limited_as_one_ip(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("rotor@example.test", {tenant: "member"})
    token = emulator.mint_provider_token("rotor@example.test")
    emulator.set_rate_limit(1, burst=3)
    statuses = [
        api.login(
            "rotor@example.test", provider_token=token, headers={"X-On-Behalf-Of-IP": ip}
        ).status_code
        for ip in _ips(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # The peer's own bucket is the one spent: without the header it is limited, too.
    limited = api.login("rotor@example.test", provider_token=token)
    assert_error(limited, 429, "rate_limited")


def test_a_user_bearer_forwarding_ips_is_limited_as_its_peer(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("spa@example.test", {tenant: "member"})
    user = api.headers(api.session("spa@example.test")["access_token"])
    emulator.set_rate_limit(1, burst=2)
    statuses = [
        api.http.get("/auth/sessions", headers={**user, "X-On-Behalf-Of-IP": ip}).status_code
        for ip in _ips(3)
    ]
    assert statuses == [200, 200, 429]


def test_a_platform_token_callers_forwarded_ips_are_limited_separately(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    user = emulator.seed_user("bff@example.test", {tenant: "member"})
    bff = api.headers(X_On_Behalf_Of_User=user.id)
    assert api.get("/auth/sessions", headers=bff).status_code == 200  # the token is minted
    emulator.set_rate_limit(1, burst=2)
    path = "/auth/sessions"
    first = [api.get(path, headers={**bff, "X-On-Behalf-Of-IP": "203.0.113.1"}) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 429]
    # Another end user behind the same backend has a bucket of their own ...
    second = [api.get(path, headers={**bff, "X-On-Behalf-Of-IP": "203.0.113.2"}) for _ in range(2)]
    assert [r.status_code for r in second] == [200, 200]
    # ... and so does the backend itself, forwarding nothing.
    assert api.get(path, headers=bff).status_code == 200


def test_a_platform_token_vouches_for_the_forwarded_ip_of_a_login(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("proxied@example.test", {tenant: "member"})
    token = emulator.mint_provider_token("proxied@example.test")
    bff = {"Authorization": f"Bearer {api.platform_token}"}
    emulator.set_rate_limit(1, burst=1)
    statuses = [
        api.login(
            "proxied@example.test",
            provider_token=token,
            headers={**bff, "X-On-Behalf-Of-IP": ip},
        ).status_code
        for ip in _ips(3)
    ]
    assert statuses == [200, 200, 200]
    emulator.set_rate_limit(10_000, burst=10_000)
    listed = api.get(
        "/auth/sessions",
        headers=api.headers(api.session("proxied@example.test")["access_token"]),
    ).json()["items"]
    # The sessions the backend opened carry the end users' IPs; the direct one the peer's.
    assert sorted(item["ip"] for item in listed) == sorted([*_ips(3), "127.0.0.1"])


def test_an_untrusted_forwarded_ip_is_not_recorded_either(
    api: Api, emulator: RealmEmulator
) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("liar@example.test", {tenant: "member"})
    forged = api.login("liar@example.test", headers={"X-On-Behalf-Of-IP": "192.0.2.66"})
    assert forged.status_code == 200, forged.text
    bearer = api.headers(forged.json()["access_token"], X_On_Behalf_Of_IP="192.0.2.67")
    assert [item["ip"] for item in api.get("/auth/sessions", headers=bearer).json()["items"]] == [
        "127.0.0.1"
    ]


def test_an_expired_platform_token_vouches_for_nothing(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Acme")
    emulator.seed_user("late@example.test", {tenant: "member"})
    stale = {"Authorization": f"Bearer {api.platform_token}"}
    emulator.advance(3600)  # the platform token (15 minutes) has expired
    token = emulator.mint_provider_token("late@example.test")
    emulator.set_rate_limit(1, burst=1)
    statuses = [
        api.login(
            "late@example.test", provider_token=token, headers={**stale, "X-On-Behalf-Of-IP": ip}
        ).status_code
        for ip in _ips(2)
    ]
    assert statuses == [200, 429]


# ---------------------------------------------------------------------- audiences


def test_a_second_realm_cannot_take_an_audience_another_realm_has(
    emulator: RealmEmulator,
) -> None:
    with pytest.raises(ValueError, match="audience"):
        emulator.add_realm("Impostor", audience=emulator.audience)
    mine = f"https://{unique_host(emulator, 'aud')}"
    first = emulator.add_realm("First", audience=mine)
    assert first.audience == mine
    with pytest.raises(ValueError, match="audience"):
        emulator.add_realm("Second", audience=mine)


def test_a_shared_audience_when_a_test_asks_for_it(api: Api, emulator: RealmEmulator) -> None:
    twin = emulator.add_realm("Twin", audience=emulator.audience, allow_shared_audience=True)
    assert twin.audience == emulator.audience
    # Then an Origin names two realms, and a login must say which one it is for.
    body = {
        "grant_type": "provider_token",
        "method": "firebase",
        "provider_token": emulator.mint_provider_token("ada@example.test"),
    }
    ambiguous = api.http.post("/auth/login", json=body, headers={"Origin": emulator.origin})
    assert_error(ambiguous, 400, "bad_request")


def test_the_control_surface_refuses_a_taken_audience(emulator: RealmEmulator) -> None:
    with httpx.Client(base_url=f"{emulator.base_url}/_emulator") as control:
        taken = control.post("/realms", json={"audience": emulator.audience})
        assert_error(taken, 409, "audience_taken")
        shared = control.post(
            "/realms", json={"audience": emulator.audience, "allow_shared_audience": True}
        )
        assert shared.status_code == 200, shared.text
        assert shared.json()["audience"] == emulator.audience
