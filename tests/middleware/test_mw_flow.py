"""The whole session through real servers: login → guarded call → MFA step-up → refresh →
logout → the old access token refused. ASGI (Starlette, FastAPI under uvicorn) and WSGI
(Flask under werkzeug), each face, cookie and body delivery, against the emulator.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mw_support import bearer, guarded_server, refresh_cookie, set_cookies

from realmid.testing import RealmEmulator, SeededUser

# (app, face): the cross-face adapters included (sync flow in a thread under ASGI, async
# flow on a private loop under WSGI).
SERVERS = [
    ("starlette", "async"),
    ("starlette", "sync"),
    ("fastapi", "async"),
    ("fastapi", "sync"),
    ("flask", "sync"),
    ("flask", "async"),
]


class Client:
    """An httpx client that carries the refresh cookie by hand (cookie mode) or the refresh
    token in bodies (body mode), so every header on the wire is asserted, not trusted to a
    cookie jar (which would also refuse a Secure cookie over http://)."""

    def __init__(self, base_url: str, delivery: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.delivery = delivery
        self.refresh: str | None = None
        self.access: str | None = None

    def close(self) -> None:
        self.http.close()

    def keep(self, response: httpx.Response) -> None:
        body = response.json() if response.content else {}
        if self.delivery == "cookie":
            assert "refresh_token" not in body
            value = refresh_cookie(response)
            if value is not None:
                self.refresh = value
        elif "refresh_token" in body:
            assert not response.headers.get_list("set-cookie")
            self.refresh = body["refresh_token"]
        if "access_token" in body:
            self.access = body["access_token"]

    def post(self, path: str, json: Any = None, *, with_refresh: bool = False) -> httpx.Response:
        headers = bearer(self.access) if self.access else {}
        if with_refresh and self.refresh:
            if self.delivery == "cookie":
                headers["Cookie"] = f"realmid_refresh={self.refresh}"
            else:
                json = {**(json or {}), "refresh_token": self.refresh}
        # Always a JSON body, as the example page sends: the cookie routes refuse a
        # request that is neither JSON nor marked with X-Requested-With (CSRF).
        response = self.http.post(path, json={} if json is None else json, headers=headers)
        self.keep(response)
        return response

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        token = token or self.access
        return self.http.get(path, headers=bearer(token) if token else {})


def check_refresh_cookie(response: httpx.Response) -> None:
    cookies = set_cookies(response)
    paths = sorted(c["realmid_refresh"]["path"] for c in cookies)
    assert paths == ["/logout", "/token"]  # scoped to the routes that read it
    for cookie in cookies:
        morsel = cookie["realmid_refresh"]
        assert morsel["httponly"] is True
        assert morsel["secure"] is True
        assert morsel["samesite"] == "Lax"
        assert int(morsel["max-age"]) == 30 * 24 * 3600


@pytest.mark.parametrize("delivery", ["cookie", "body"])
@pytest.mark.parametrize(("kind", "face"), SERVERS)
def test_login_step_up_refresh_logout(
    kind: str, face: str, delivery: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    with guarded_server(kind, face, emulator, token_delivery=delivery) as (url, _realm):
        client = Client(url, delivery)
        try:
            run_session(client, emulator, mfa_user, kind)
        finally:
            client.close()


def run_session(client: Client, emu: RealmEmulator, user: SeededUser, kind: str) -> None:
    # Login: the user has a second factor, so the issuer's 412 passes through.
    provider_token = emu.mint_provider_token(user.email)
    first = client.post("/login", {"provider_token": provider_token})
    assert first.status_code == 412, first.text
    body = first.json()
    assert body["code"] == "mfa_required"
    assert "totp" in body["methods"]
    # ... answered with a real TOTP code.
    verified = client.post(
        "/mfa/verify", {"mfa_challenge_token": body["mfa_challenge_token"], "code": user.totp_now()}
    )
    assert verified.status_code == 200, verified.text
    assert verified.headers["cache-control"] == "no-store"
    session = verified.json()
    assert session["token_type"] == "Bearer"
    assert session["user"]["id"] == user.id
    if client.delivery == "cookie":
        check_refresh_cookie(verified)
    assert client.refresh
    assert client.access
    first_access = client.access

    # A guarded call.
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    assert me.json()["sub"] == user.id
    assert me.json()["tenant_id"] == user.tenant_id
    # The MFA just done is fresh enough for every rule.
    assert client.get("/api/fresh").status_code == 200
    assert client.get("/api/mfa").status_code == 200

    # A minute later, require_fresh refuses, with a pre-minted step-up challenge...
    emu.advance(60)
    refused = client.get("/api/fresh")
    assert refused.status_code == 412, refused.text
    envelope = refused.json()
    assert envelope["code"] == "mfa_required"
    assert envelope["reason"] == "fresh_required"
    assert envelope["mfa_challenge_token"]
    assert "totp" in envelope["methods"]
    # ... which a fresh TOTP code answers: the new token passes the MFA route.
    refresh_before_step_up = client.refresh
    stepped = client.post(
        "/mfa/verify",
        {"mfa_challenge_token": envelope["mfa_challenge_token"], "code": user.totp_now()},
    )
    assert stepped.status_code == 200, stepped.text
    assert client.access != first_access
    assert client.refresh != refresh_before_step_up  # the step-up rotated the session
    ok = client.get("/api/fresh")
    assert ok.status_code == 200, ok.text
    assert abs(ok.json()["mfa_at"] - emu.now()) <= 2

    # Refresh: the refresh token rotates, the old one is dead (and its cookie cleared).
    old_refresh, old_access = client.refresh, client.access
    refreshed = client.post("/token", with_refresh=True)
    assert refreshed.status_code == 200, refreshed.text
    assert client.refresh != old_refresh
    assert client.access != old_access
    if client.delivery == "cookie":
        check_refresh_cookie(refreshed)
    assert client.get("/api/me").status_code == 200
    replay = client.http.post(
        "/token",
        headers={"Cookie": f"realmid_refresh={old_refresh}"},
        json={} if client.delivery == "cookie" else {"refresh_token": old_refresh},
    )
    assert replay.status_code == 401
    assert replay.json()["code"] == "unauthorized"
    if client.delivery == "cookie":
        assert [c["realmid_refresh"]["max-age"] for c in set_cookies(replay)] == ["0", "0"]

    # Logout: the refresh token is revoked, the cookie cleared, the access token refused.
    access = client.access
    out = client.post("/logout", with_refresh=True)
    assert out.status_code == 204, out.text
    if client.delivery == "cookie":
        cleared = set_cookies(out)
        assert sorted(c["realmid_refresh"]["path"] for c in cleared) == ["/logout", "/token"]
        assert all(c["realmid_refresh"].value == "" for c in cleared)
        assert all(c["realmid_refresh"]["max-age"] == "0" for c in cleared)
    after = client.get("/api/me", access)
    assert after.status_code == 401
    assert after.json() == {
        "code": "unauthorized",
        "message": "access token revoked",
        "revoked": True,
    }
    dead = client.post("/token", with_refresh=True)
    assert dead.status_code == 401
