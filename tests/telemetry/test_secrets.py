"""No secret in telemetry: a full flow (API-key mint, login with an MFA/TOTP step-up, the
middleware's cookie login, refresh, OTP issue and verify, API-key creation, TOTP enrollment,
logout) on both faces, then every span and metric data point scanned for each secret."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from facade.support import call, close, make_realm
from opentelemetry.trace import SpanKind

from realmid.errors import RealmError
from realmid.middleware import MiddlewareOptions
from realmid.testing import RealmEmulator

from .conftest import Telemetry
from .test_middleware import asgi_app

pytestmark = pytest.mark.anyio


def everything(telemetry: Telemetry) -> list[str]:
    """Every name, attribute key and value, event, link and status text that was emitted."""
    texts: list[str] = []
    for span in telemetry.spans():
        texts.append(span.name)
        texts.append(span.status.description or "")
        for key, value in (span.attributes or {}).items():
            texts += [key, str(value)]
        for event in span.events:
            texts.append(event.name)
            for key, value in (event.attributes or {}).items():
                texts += [key, str(value)]
        for link in span.links:
            for key, value in (link.attributes or {}).items():
                texts += [key, str(value)]
    for point in telemetry.points():
        texts.append(point.name)
        for key, value in point.attributes.items():
            texts += [key, str(value)]
    return texts


async def test_no_secret_in_any_span_or_metric(
    face: str, emulator: RealmEmulator, telemetry: Telemetry, mfa_user: Any
) -> None:
    secrets: dict[str, str] = {"api_key": emulator.api_key}
    realm, _ = make_realm(face, emulator, clock=emulator.now)
    try:
        # Login, refused for MFA, then the TOTP step-up.
        provider_token = emulator.mint_provider_token(mfa_user.email)
        secrets["provider_token"] = provider_token
        with pytest.raises(RealmError) as step_up:
            await call(realm.auth.login(provider_token))
        challenge = str(step_up.value.details["mfa_challenge_token"])
        secrets["mfa_challenge_token"] = challenge
        assert mfa_user.totp_secret
        secrets["totp_secret"] = mfa_user.totp_secret
        code = mfa_user.totp_now()
        secrets["totp_code"] = code
        session = await call(realm.auth.mfa_verify(challenge, code))
        secrets["access_token"] = session.access_token
        secrets["refresh_token"] = session.refresh_token
        await call(realm.verify(session.access_token))
        # Refresh.
        minted = await call(realm.auth.token(session.refresh_token))
        secrets["refreshed_access_token"] = minted.access_token
        if minted.refresh_token:
            secrets["rotated_refresh_token"] = minted.refresh_token
        # OTP issue, then verify.
        otp = await call(realm.otp.issue("order-42", "delivery", user_id=mfa_user.id))
        secrets["otp_value"] = otp.value
        await call(realm.otp.verify("order-42", "delivery", otp.value, user_id=mfa_user.id))
        # API-key creation.
        key = await call(realm.api_keys.create("scan-worker", scopes=["tenants"]))
        assert key.secret
        secrets["new_api_key"] = key.secret
        # TOTP enrollment of another user: its secret and backup codes.
        tenant_id = mfa_user.tenant_id
        other = emulator.seed_user(f"enroll-{face}@example.test", {tenant_id: "member"})
        enrolled = await call(realm.tenants.users.enroll_mfa(tenant_id, other.id))
        secrets["enroll_secret"] = enrolled.secret
        for i, backup in enumerate(enrolled.backup_codes or []):
            secrets[f"backup_code_{i}"] = backup
        # The middleware's login route: the refresh token travels in a cookie.
        if face == "async":
            member = emulator.seed_user(f"cookie-{face}@example.test", {tenant_id: "member"})
            cookie_provider = emulator.mint_provider_token(member.email)
            secrets["cookie_provider_token"] = cookie_provider
            app = realm.asgi_middleware(asgi_app, MiddlewareOptions(telemetry_user_attributes=True))
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app), base_url="https://app.test"
            ) as browser:
                answer = await browser.post(
                    "/login",
                    json={"provider_token": cookie_provider},
                    headers={"Origin": "https://app.test"},
                )
                assert answer.status_code == 200, answer.text
                cookie = next(c.value for c in browser.cookies.jar if c.name == "realmid_refresh")
                assert cookie
                secrets["cookie"] = cookie
                secrets["cookie_access_token"] = answer.json()["access_token"]
                refreshed = await browser.post(
                    "/token", json={}, headers={"Origin": "https://app.test"}
                )
                assert refreshed.status_code == 200, refreshed.text
        # The platform token and its refresh token, as they stand now.
        tokens = realm._auth._tokens
        assert tokens is not None
        secrets["platform_access_token"] = tokens.access_token
        if tokens.refresh_token:
            secrets["platform_refresh_token"] = tokens.refresh_token
        # Logout.
        await call(realm.auth.logout(session.refresh_token, access_token=session.access_token))
    finally:
        await close(realm)

    spans = telemetry.spans()
    names = {s.name for s in spans}
    # The flow was observed (a scan of nothing would pass on anything).
    assert {"realmid.auth.login", "realmid.auth.mfa_verify", "realmid.auth.token"} <= names
    assert {"realmid.otp.issue", "realmid.otp.verify", "realmid.api_keys.create"} <= names
    assert {"realmid.auth.logout", "realmid.token.mint"} <= names
    assert "realmid.tenants.users.enroll_mfa" in names
    assert all(s.kind is SpanKind.CLIENT for s in spans if s.name.startswith("realmid.auth."))
    texts = everything(telemetry)
    assert len(texts) > 100
    blob = "\n".join(texts)
    leaked = sorted(name for name, value in secrets.items() if value and value in blob)
    assert leaked == []
    # Nor any recognisable fragment of the long secrets (a 16-char window of each).
    for name, value in secrets.items():
        if len(value) >= 24:
            assert value[4:20] not in blob, name
