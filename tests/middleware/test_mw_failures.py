"""Every way a request is refused, through real servers (ASGI and WSGI, both faces):
missing and garbled bearers, each verifier code, a revoked jti, each MFA reason, exempt
globs, on_auth_failure, and bad bodies on the handled routes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mw_support import (
    base_claims,
    bearer,
    guarded_server,
    hs256_token,
    sign,
    tamper,
)

import realmid
from realmid.testing import RealmEmulator, SeededUser

SERVERS = [
    ("starlette", "async"),
    ("starlette", "sync"),
    ("flask", "sync"),
    ("flask", "async"),
]


@pytest.fixture(params=SERVERS, ids=["-".join(s) for s in SERVERS])
def server(
    request: pytest.FixtureRequest, emulator: RealmEmulator
) -> Iterator[tuple[httpx.Client, realmid.Realm | realmid.AsyncRealm]]:
    kind, face = request.param
    with (
        guarded_server(kind, face, emulator) as (url, realm),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client, realm


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("Failures Inc")
    return emulator.seed_user("plain@example.test", {tenant: "owner"})


def session(emu: RealmEmulator, user: SeededUser, *, mfa: bool = False) -> str:
    return str(emu.session_for(user.id, user.tenant_id, mfa=mfa)["access_token"])


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# ---------------------------------------------------------------------- the bearer


def test_missing_bearer_is_unauthorized(server: Any) -> None:
    client, _ = server
    response = client.get("/api/me")
    refused(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == 'Bearer realm="realmid"'


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc", "Bearer a,Bearer b"],
)
def test_a_garbled_authorization_header_is_malformed(server: Any, header: str) -> None:
    client, _ = server
    response = client.get("/api/me", headers={"Authorization": header})
    refused(response, 401, "malformed")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_token_that_is_not_a_jwt_is_malformed(server: Any) -> None:
    client, _ = server
    refused(client.get("/api/me", headers=bearer("not-a-jwt")), 401, "malformed")


# ---------------------------------------------------------------------- verifier codes


def test_an_expired_token(server: Any, emulator: RealmEmulator, user: SeededUser) -> None:
    client, _ = server
    token = session(emulator, user)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    emulator.advance(900 + 31)  # access_token_ttl + the verifier's leeway
    refused(client.get("/api/me", headers=bearer(token)), 401, "expired")


def test_a_short_ttl_token_expires(server: Any, emulator: RealmEmulator, user: SeededUser) -> None:
    client, _ = server
    emulator.set_config(access_token_ttl=60)
    token = session(emulator, user)
    emulator.advance(60 + 31)
    refused(client.get("/api/me", headers=bearer(token)), 401, "expired")


def test_a_token_of_another_realm_has_the_wrong_audience(
    server: Any, emulator: RealmEmulator
) -> None:
    client, _ = server
    other = emulator.using_realm(emulator.add_realm("Another Realm"))
    tenant = other.create_tenant("Elsewhere")
    stranger = other.seed_user("stranger@example.test", {tenant: "owner"})
    token = other.session_for(stranger.id, tenant)["access_token"]
    refused(client.get("/api/me", headers=bearer(token)), 401, "wrong_audience")


def test_a_tampered_token_has_a_bad_signature(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    token = tamper(session(emulator, user))
    refused(client.get("/api/me", headers=bearer(token)), 401, "bad_signature")


def test_a_token_of_another_issuer_has_an_unknown_kid(server: Any) -> None:
    client, _ = server
    with RealmEmulator() as other:
        tenant = other.create_tenant("Other issuer")
        stranger = other.seed_user("s@example.test", {tenant: "owner"})
        token = other.session_for(stranger.id, tenant)["access_token"]
    refused(client.get("/api/me", headers=bearer(token)), 401, "unknown_kid")


def test_an_hmac_token_has_the_wrong_algorithm(server: Any, emulator: RealmEmulator) -> None:
    client, _ = server
    refused(client.get("/api/me", headers=bearer(hs256_token(emulator))), 401, "wrong_algorithm")


def test_a_foreign_issuer_claim_is_refused(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    claims = base_claims(emulator, user.id, str(user.tenant_id), iss="https://evil.example")
    refused(client.get("/api/me", headers=bearer(sign(emulator, claims))), 401, "wrong_issuer")


def test_a_token_from_the_future_is_not_yet_valid(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    later = int(emulator.now()) + 3600
    claims = base_claims(emulator, user.id, str(user.tenant_id), iat=later, nbf=later)
    refused(client.get("/api/me", headers=bearer(sign(emulator, claims))), 401, "not_yet_valid")


def test_a_revoked_jti_is_refused(server: Any, emulator: RealmEmulator, user: SeededUser) -> None:
    client, realm = server
    token = session(emulator, user)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    marked = realm.tokens.mark_revoked(token)
    if isinstance(realm, realmid.AsyncRealm):
        # MemRevocationCache is sync underneath: run the coroutine to its end here.
        asyncio.run(marked)  # type: ignore[arg-type]
    response = client.get("/api/me", headers=bearer(token))
    assert refused(response, 401, "unauthorized") == {
        "code": "unauthorized",
        "message": "access token revoked",
        "revoked": True,
    }


# ---------------------------------------------------------------------- MFA reasons


def test_no_mfa_without_a_second_factor_has_no_challenge(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    token = session(emulator, user)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    body = refused(client.get("/api/mfa", headers=bearer(token)), 412, "mfa_required")
    assert body["reason"] == "no_mfa"
    # The user has no factor enrolled: the issuer minted no challenge, the 412 still went.
    assert "mfa_challenge_token" not in body
    assert "methods" not in body


def test_no_mfa_with_an_otp_factor_carries_the_challenge(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    emulator.set_config(otp_mfa_enabled=True)
    token = session(emulator, user)
    body = refused(client.get("/api/mfa", headers=bearer(token)), 412, "mfa_required")
    assert body["reason"] == "no_mfa"
    assert body["methods"] == ["otp_internal"]
    assert body["mfa_challenge_token"]


def test_stale_mfa(server: Any, emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    client, _ = server
    token = session(emulator, mfa_user, mfa=True)
    assert client.get("/api/short", headers=bearer(token)).status_code == 200
    emulator.advance(61)  # /api/short has max_age=60
    body = refused(client.get("/api/short", headers=bearer(token)), 412, "mfa_required")
    assert body["reason"] == "stale_mfa"
    assert body["mfa_challenge_token"]
    assert "totp" in body["methods"]
    # The realm-default window (15 min) of /api/mfa still holds.
    assert client.get("/api/mfa", headers=bearer(token)).status_code == 200


def test_stale_mfa_on_the_default_window(
    server: Any, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    client, _ = server
    emulator.set_config(access_token_ttl=3600)
    token = session(emulator, mfa_user, mfa=True)
    emulator.advance(15 * 60 + 1)
    body = refused(client.get("/api/mfa", headers=bearer(token)), 412, "mfa_required")
    assert body["reason"] == "stale_mfa"


def test_fresh_required(server: Any, emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    client, _ = server
    token = session(emulator, mfa_user, mfa=True)
    emulator.advance(20)
    assert client.get("/api/fresh", headers=bearer(token)).status_code == 200
    emulator.advance(11)
    body = refused(client.get("/api/fresh", headers=bearer(token)), 412, "mfa_required")
    assert body["reason"] == "fresh_required"


def test_a_legacy_amr_only_token_passes_plain_rules_not_require_fresh(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    legacy = sign(
        emulator,
        base_claims(emulator, user.id, str(user.tenant_id), amr=["fed", "otp", "mfa"]),
    )
    assert client.get("/api/mfa", headers=bearer(legacy)).status_code == 200
    assert client.get("/api/short", headers=bearer(legacy)).status_code == 200
    body = refused(client.get("/api/fresh", headers=bearer(legacy)), 412, "mfa_required")
    assert body["reason"] == "fresh_required"
    acr_only = sign(emulator, base_claims(emulator, user.id, str(user.tenant_id), acr="aal2"))
    assert client.get("/api/mfa", headers=bearer(acr_only)).status_code == 200
    plain = sign(emulator, base_claims(emulator, user.id, str(user.tenant_id)))
    body = refused(client.get("/api/fresh", headers=bearer(plain)), 412, "mfa_required")
    assert body["reason"] == "no_mfa"


def test_mfa_rules_see_through_path_tricks(
    server: Any, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, _ = server
    token = session(emulator, user)
    # A trailing slash is the same resource to many routers: the rule still applies.
    response = client.get("/api/mfa/", headers=bearer(token))
    assert response.status_code in (412, 404, 308), response.text
    if response.status_code == 412:
        assert response.json()["reason"] == "no_mfa"


# ---------------------------------------------------------------------- exempt globs


def test_exempt_globs(server: Any, emulator: RealmEmulator, user: SeededUser) -> None:
    client, _ = server
    assert client.get("/health").text == "ok"
    public = client.get("/public/info")
    assert public.status_code == 200
    # Exempt means untouched: no claims, even with a good bearer.
    assert client.get("/public/info", headers=bearer(session(emulator, user))).json() == {
        "public": True,
        "claims": None,
    }
    # "*" stays within one segment; a near miss is guarded.
    refused(client.get("/public/a/b"), 401, "unauthorized")
    refused(client.get("/health/"), 401, "unauthorized")
    # GET on a handled route path is not handled: it reaches the app, guarded.
    refused(client.get("/login"), 401, "unauthorized")


# ---------------------------------------------------------------------- bad bodies


JSON = "application/json"
NOT_JSON = "request body must be JSON (Content-Type: application/json)"


def post_raw(client: httpx.Client, path: str, content: bytes, ctype: str) -> httpx.Response:
    # X-Requested-With: past the cross-site check (test_mw_csrf), to the body's own checks.
    headers = {"Content-Type": ctype, "X-Requested-With": "test"}
    return client.post(path, content=content, headers=headers)


@pytest.mark.parametrize(
    ("path", "content", "ctype", "message"),
    [
        ("/login", b"{not json", "application/json", "request body is not valid JSON"),
        ("/login", b'"a string"', "application/json", "request body must be a JSON object"),
        ("/login", b"[1, 2]", "application/json", "request body must be a JSON object"),
        (
            "/login",
            b"provider_token=x",
            "application/x-www-form-urlencoded",
            NOT_JSON,
        ),
        ("/login", b"\xff\xfe", "application/json", "request body is not valid JSON"),
        ("/login", b"{}", "application/json", "missing field: provider_token"),
        ("/login", b"", "application/json", "missing field: provider_token"),
        ("/login", b'{"provider_token": 42}', JSON, "field provider_token must be a string"),
        (
            "/login",
            b'{"provider_token": "x", "method": "saml"}',
            "application/json",
            "field method must be one of firebase, google",
        ),
        ("/mfa/verify", b'{"code": "1"}', JSON, "missing field: mfa_challenge_token"),
        ("/mfa/verify", b'{"mfa_challenge_token": "c"}', "application/json", "missing field: code"),
        ("/token", b"[]", "application/json", "request body must be a JSON object"),
        ("/logout", b"nope", "text/plain", NOT_JSON),
    ],
)
def test_bad_bodies_are_bad_requests(
    server: Any, path: str, content: bytes, ctype: str, message: str
) -> None:
    client, _ = server
    body = refused(post_raw(client, path, content, ctype), 400, "bad_request")
    assert body["message"] == message


def test_a_body_over_the_limit_is_refused_unread(server: Any) -> None:
    client, _ = server
    big = json.dumps({"provider_token": "x" * (16 * 1024)}).encode()
    body = refused(post_raw(client, "/login", big, "application/json"), 400, "bad_request")
    assert body["message"] == "request body larger than 16384 bytes"


def test_a_chunked_body_over_the_limit_is_refused(server: Any) -> None:
    client, _ = server

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b" " * 1024

    response = client.post("/login", content=chunks(), headers={"Content-Type": "application/json"})
    # ASGI reads it and stops past the limit; WSGI without a length reads nothing (PEP 3333).
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_refresh_without_a_token(server: Any) -> None:
    client, _ = server
    refused(client.post("/token", json={}), 401, "unauthorized")


def test_login_with_a_bad_provider_token_passes_the_issuer_code(server: Any) -> None:
    client, _ = server
    response = client.post("/login", json={"provider_token": "forged"})
    refused(response, 401, "provider_token_invalid")


def test_login_tenant_choice_passes_through(server: Any, emulator: RealmEmulator) -> None:
    client, _ = server
    first = emulator.create_tenant("First Co")
    second = emulator.create_tenant("Second Co")
    user = emulator.seed_user("two@example.test", {first: "owner", second: "member"})
    token = emulator.mint_provider_token(user.email)
    choice = client.post("/login", json={"provider_token": token})
    assert choice.status_code == 200, choice.text
    body = choice.json()
    assert body["needs_tenant_choice"] is True
    assert "access_token" not in body
    assert not choice.headers.get_list("set-cookie")
    assert {t["tenant_id"]: t["role"] for t in body["tenants"]} == {
        first: "owner",
        second: "member",
    }
    chosen = client.post("/login", json={"provider_token": token, "tenant_id": second})
    assert chosen.status_code == 200
    assert chosen.json()["tenant_id"] == second
    assert chosen.json()["role"] == "member"
