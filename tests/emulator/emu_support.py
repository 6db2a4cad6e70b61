"""Helpers for the emulator tests: an HTTP client bound to a realm, envelope assertions."""

from __future__ import annotations

from typing import Any

import httpx
import jwt

from realmid.testing import RealmEmulator


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the error envelope with ``status`` and ``code``; returns the body."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    assert response.headers["x-request-id"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def assert_reference_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The reference profile's envelope: ``code``, ``message``, siblings, no ``request_id``."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    assert "request_id" not in body, body
    assert response.headers["x-request-id"]  # the id still rides in the header
    return body


class Api:
    """An httpx client for one emulator realm, with the dual-token dance and login helpers."""

    def __init__(self, emu: RealmEmulator) -> None:
        self.emu = emu
        self.http = httpx.Client(base_url=emu.base_url, timeout=10)
        self._platform_token: str | None = None

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ platform

    def platform_login(
        self, realm_id: str | None = None, api_key: str | None = None
    ) -> httpx.Response:
        return self.http.post(
            "/auth/login",
            json={
                "grant_type": "platform_api_key",
                "realm_id": realm_id or self.emu.realm_id,
                "api_key": api_key or self.emu.api_key,
            },
        )

    @property
    def platform_token(self) -> str:
        if self._platform_token is None:
            response = self.platform_login()
            assert response.status_code == 200, response.text
            self._platform_token = response.json()["access_token"]
        return self._platform_token

    def headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token or self.platform_token}"}
        headers.update({k.replace("_", "-"): v for k, v in extra.items()})
        return headers

    def get(self, path: str, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", self.headers())
        return self.http.get(path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", self.headers())
        return self.http.post(path, json=body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", self.headers())
        return self.http.patch(path, json=body, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        kw.setdefault("headers", self.headers())
        return self.http.delete(path, **kw)

    @property
    def platform_path(self) -> str:
        return f"/platforms/{self.emu.realm_id}"

    # ------------------------------------------------------------------ users

    def login(
        self,
        email: str,
        *,
        tenant_id: str | None = None,
        method: str = "firebase",
        origin: str | None = "default",
        provider_token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "grant_type": "provider_token",
            "realm_id": self.emu.realm_id,
            "method": method,
            "provider_token": provider_token or self.emu.mint_provider_token(email, method),
        }
        if tenant_id is not None:
            body["tenant_id"] = tenant_id
        sent = dict(headers or {})
        if origin is not None:
            sent["Origin"] = self.emu.origin if origin == "default" else origin
        return self.http.post("/auth/login", json=body, headers=sent)

    def session(self, email: str, tenant_id: str | None = None) -> dict[str, Any]:
        response = self.login(email, tenant_id=tenant_id)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert body["access_token"], body
        return body

    def refresh(self, refresh_token: str, **extra: Any) -> httpx.Response:
        body = {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}
        return self.http.post("/auth/token", json=body)

    def claims(self, token: str) -> dict[str, Any]:
        """Verify an access token against the served JWKS (signature, iss, aud)."""
        jwks = jwt.PyJWKSet.from_dict(self.http.get("/.well-known/jwks.json").json())
        kid = jwt.get_unverified_header(token)["kid"]
        key = next(k for k in jwks.keys if k.key_id == kid)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=self.emu.audience,
            issuer=self.emu.base_url,
            # The emulator clock may run ahead of the wall clock in these tests.
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
        )
        return claims


def unique_host(emu: RealmEmulator, label: str) -> str:
    """A hostname of this test's own: hostnames are global across realms on the shared emulator."""
    return f"{label}-{emu.realm_id[-8:].lower()}.test"
