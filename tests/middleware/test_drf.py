"""realmid.middleware.drf: RealmAuthentication on its own (no middleware) and MFAFresh.

Real parts only: the RealmEmulator on loopback mints and signs every token; DRF views are
driven through Django's test ``Client``. Django is configured from the example project's
settings (``examples.django_app.configure``), once per process.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from examples.django_app import configure

configure()

from django.test import Client, override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.permissions import IsAuthenticated  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

import realmid  # noqa: E402
from realmid.middleware import django as realm_django  # noqa: E402
from realmid.middleware import drf  # noqa: E402
from realmid.middleware.django import RealmUser, close_realms  # noqa: E402
from realmid.testing import RealmEmulator, SeededUser  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


class Me(APIView):
    authentication_classes: ClassVar[list[Any]] = [drf.RealmAuthentication]
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        claims = request.auth
        return Response(
            {
                "user_type": type(request.user).__name__,
                "id": request.user.id,
                "tenant_id": request.user.tenant_id,
                "role": request.user.role,
                "auth_is_claims": isinstance(claims, realmid.Claims),
                "claims_from": getattr(realmid.claims_from(request), "sub", None),
                "django_user": type(request._request.user).__name__,
            }
        )


class Payout(APIView):
    authentication_classes: ClassVar[list[Any]] = [drf.RealmAuthentication]
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated, drf.mfa_fresh(max_age=60)]

    def post(self, request: Request) -> Response:
        return Response({"paid": True}, status=201)


class Delete(APIView):
    authentication_classes: ClassVar[list[Any]] = [drf.RealmAuthentication]
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated, drf.mfa_fresh(require_fresh=True)]

    def post(self, request: Request) -> Response:
        return Response(status=204)


class DefaultWindow(APIView):
    authentication_classes: ClassVar[list[Any]] = [drf.RealmAuthentication]
    permission_classes: ClassVar[list[Any]] = [IsAuthenticated, drf.MFAFresh]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    path("api/me", Me.as_view()),
    path("api/payout", Payout.as_view()),
    path("api/delete", Delete.as_view()),
    path("api/default", DefaultWindow.as_view()),
]


class DownCache:
    """A revocation cache whose backend is unreachable (a redis outage)."""

    def revoke(self, jti: str, expires_at: float) -> None:
        raise ConnectionError("redis is down")

    def is_revoked(self, jti: str) -> bool:
        raise ConnectionError("redis is down")


class CountingCache:
    """A revocation cache that counts the checks: one per verify."""

    def __init__(self) -> None:
        self.checks = 0

    def revoke(self, jti: str, expires_at: float) -> None:
        pass

    def is_revoked(self, jti: str) -> bool:
        self.checks += 1
        return False


def drf_settings(emu: RealmEmulator, **extra: Any) -> dict[str, Any]:
    return {
        "realm_id": emu.realm_id,
        "api_key": emu.api_key,
        "base_url": emu.base_url,
        "clock": emu.now,
        **extra,
    }


@pytest.fixture
def alone(emulator: RealmEmulator) -> Iterator[RealmEmulator]:
    """DRF with RealmAuthentication and no RealmMiddleware at all."""
    with override_settings(REALMID=drf_settings(emulator), ROOT_URLCONF=__name__, MIDDLEWARE=[]):
        try:
            yield emulator
        finally:
            close_realms()


@pytest.fixture
def member(alone: RealmEmulator) -> tuple[str, str]:
    tenant = alone.create_tenant("DRF Co")
    user = alone.seed_user("drf@example.test", {tenant: "owner"})
    return user.id, str(alone.session_for(user.id, tenant)["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def mfa_token(emu: RealmEmulator, user: SeededUser) -> str:
    return str(emu.session_for(user.id, user.tenant_id, mfa=True)["access_token"])


def test_no_header_is_401_with_a_bearer_challenge(alone: RealmEmulator) -> None:
    answer = Client().get("/api/me")
    assert answer.status_code == 401  # not 403: authenticate_header names the scheme
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid"'


def test_another_scheme_is_not_attempted(alone: RealmEmulator) -> None:
    answer = Client().get("/api/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid"'
    assert "code" not in answer.json()  # DRF's "not authenticated", not a verify failure


def test_a_bad_token_is_401_with_the_envelope_and_invalid_token(
    member: tuple[str, str],
) -> None:
    answer = Client().get("/api/me", **bearer(member[1][:-4] + "AAAA"))
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid", error="invalid_token"'
    assert answer.json()["code"] == "bad_signature"
    malformed = Client().get("/api/me", HTTP_AUTHORIZATION="Bearer")
    assert malformed.status_code == 401
    assert malformed.json()["code"] == "malformed"


def test_a_good_token_sets_user_and_auth_without_the_middleware(
    member: tuple[str, str],
) -> None:
    user_id, token = member
    answer = Client().get("/api/me", **bearer(token))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "user_type": "RealmUser",
        "id": user_id,
        "tenant_id": answer.json()["tenant_id"],
        "role": "owner",
        "auth_is_claims": True,
        "claims_from": user_id,
        "django_user": "RealmUser",
    }
    assert answer.json()["tenant_id"].startswith("ten_")


def test_a_revocation_outage_is_503_never_500(emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Outage Co")
    user = emulator.seed_user("down@example.test", {tenant: "member"})
    token = str(emulator.session_for(user.id, tenant)["access_token"])
    config = drf_settings(emulator, revocation=DownCache())
    with override_settings(REALMID=config, ROOT_URLCONF=__name__, MIDDLEWARE=[]):
        try:
            answer = Client().get("/api/me", **bearer(token))
        finally:
            close_realms()
    assert answer.status_code == 503
    assert answer.json()["code"] == "server_error"
    assert answer.json()["revocation_unavailable"] is True  # the envelope, values intact
    assert "WWW-Authenticate" not in answer  # not a refusal of the token


def test_mfa_fresh_refuses_no_mfa_then_stale_mfa(
    alone: RealmEmulator, member: tuple[str, str], mfa_user: SeededUser
) -> None:
    client = Client()
    no_mfa = client.post("/api/payout", **bearer(member[1]))
    assert no_mfa.status_code == 412
    assert no_mfa.json()["code"] == "mfa_required"
    assert no_mfa.json()["reason"] == "no_mfa"

    token = mfa_token(alone, mfa_user)
    assert client.post("/api/payout", **bearer(token)).status_code == 201
    alone.advance(61)
    stale = client.post("/api/payout", **bearer(token))
    assert stale.status_code == 412
    assert stale.json()["reason"] == "stale_mfa"
    assert stale.json()["mfa_challenge_token"]
    assert stale.json()["methods"]
    # The default window (15 minutes) still admits the same token.
    assert client.get("/api/default", **bearer(token)).status_code == 200


def test_mfa_fresh_require_fresh_is_the_30_second_window(
    alone: RealmEmulator, mfa_user: SeededUser
) -> None:
    token = mfa_token(alone, mfa_user)
    assert Client().post("/api/delete", **bearer(token)).status_code == 204
    alone.advance(31)
    answer = Client().post("/api/delete", **bearer(token))
    assert answer.status_code == 412
    assert answer.json()["reason"] == "fresh_required"


def test_mfa_fresh_without_claims_is_401_not_403(alone: RealmEmulator) -> None:
    answer = Client().post("/api/payout")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid"'


def test_behind_the_middleware_the_verified_claims_are_reused(emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Both Co")
    user = emulator.seed_user("both@example.test", {tenant: "member"})
    token = str(emulator.session_for(user.id, tenant)["access_token"])
    middleware = ["realmid.middleware.django.RealmMiddleware"]
    cache = CountingCache()
    config = drf_settings(emulator, revocation=cache)
    with override_settings(REALMID=config, ROOT_URLCONF=__name__, MIDDLEWARE=middleware):
        try:
            client = Client()
            refused = client.get("/api/me")
            assert refused.status_code == 401
            assert refused.json() == {"code": "unauthorized", "message": "missing bearer token"}
            answer = client.get("/api/me", **bearer(token))
            assert answer.status_code == 200, answer.content
            assert answer.json()["id"] == user.id
            assert cache.checks == 1  # verified once, by the middleware, not again by DRF
        finally:
            close_realms()


def test_drf_names_are_importable_from_the_django_module() -> None:
    assert realm_django.RealmAuthentication is drf.RealmAuthentication
    assert realm_django.MFAFresh is drf.MFAFresh
    assert realm_django.mfa_fresh is drf.mfa_fresh
    assert isinstance(RealmUser, type)
    with pytest.raises(AttributeError):
        _ = realm_django.NotAThing


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_importing_the_django_module_never_needs_drf() -> None:
    result = run(
        "import sys; sys.modules['rest_framework'] = None\n"
        "import realmid.middleware.django\n"
        "try:\n"
        "    realmid.middleware.django.RealmAuthentication\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "realmid[drf]"' in result.stdout


def test_a_missing_django_names_the_extra() -> None:
    result = run(
        "import sys; sys.modules['django'] = None\n"
        "try:\n"
        "    import realmid.middleware.django\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert 'pip install "realmid[django]"' in result.stdout
