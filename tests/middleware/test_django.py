"""realmid.middleware.django: RealmMiddleware, the auth views and @require_mfa.

Real parts only: a RealmEmulator on loopback issues every token, Django's own test clients
(``Client`` through the WSGI-style handler, ``AsyncClient`` through the ASGI one) and, once,
Django's ASGI handler served by uvicorn over a socket. Django is configured once per
process from the example project's settings (``examples.django_app.configure``); each test
overrides ``REALMID`` (its own emulator realm) and ``ROOT_URLCONF`` (the views below).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from examples.django_app import configure

configure()

from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.core.handlers.asgi import ASGIHandler  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import AsyncClient, Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

import realmid  # noqa: E402
from examples.serving import serve_asgi  # noqa: E402
from realmid.middleware import MFARule  # noqa: E402
from realmid.middleware import django as realm_django  # noqa: E402
from realmid.middleware.django import (  # noqa: E402
    RealmMiddleware,
    RealmUser,
    auth_urls,
    close_realms,
    get_realm,
    require_mfa,
)
from realmid.testing import RealmEmulator, SeededUser  # noqa: E402

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # the auth views must not need its token
    "realmid.middleware.django.RealmMiddleware",
]


# ---------------------------------------------------------------------- the test project


def _who(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    claims = realmid.claims_from(request)
    auth = getattr(request, "auth", None)
    return {
        "authenticated": bool(user is not None and user.is_authenticated),
        "user_type": type(user).__name__,
        "id": getattr(user, "id", None),
        "tenant_id": getattr(user, "tenant_id", None),
        "role": getattr(user, "role", None),
        "claims_sub": claims.sub if claims else None,
        "auth_is_claims": auth is claims and claims is not None,
    }


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_who(request))


def me(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_who(request))


async def me_async(request: HttpRequest) -> HttpResponse:
    return JsonResponse({**_who(request), "async": True})


@require_mfa(max_age=timedelta(seconds=60))
def recent(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_who(request))


@require_mfa(max_age=60)
async def recent_async(request: HttpRequest) -> HttpResponse:
    return JsonResponse({**_who(request), "async": True})


@require_mfa
def public_mfa(request: HttpRequest) -> HttpResponse:
    """On an exempt path: the decorator verifies the bearer itself."""
    return JsonResponse(_who(request))


urlpatterns = [
    path("health", health),
    path("public/mfa", public_mfa),
    path("api/me", me),
    path("api/me-async", me_async),
    path("api/billing", me),
    path("api/recent", recent),
    path("api/recent-async", recent_async),
    path("auth/", include(auth_urls())),
]


def realmid_settings(emu: RealmEmulator, **extra: Any) -> dict[str, Any]:
    return {
        "realm_id": emu.realm_id,
        "api_key": emu.api_key,
        "base_url": emu.base_url,
        "clock": emu.now,  # the verifier and the MFA gate follow emu.advance()
        "mfa_protected_paths": [MFARule("/api/billing", max_age=timedelta(seconds=60))],
        "cookie_secure": False,
        **extra,
    }


@pytest.fixture
def project(emulator: RealmEmulator) -> Iterator[RealmEmulator]:
    # auth_urls() reads the options when the URLconf is imported: this one was imported
    # under the example's settings, so it holds the default route paths.
    with override_settings(
        REALMID=realmid_settings(emulator), ROOT_URLCONF=__name__, MIDDLEWARE=MIDDLEWARE
    ):
        try:
            yield emulator
        finally:
            close_realms()


@pytest.fixture
def member(project: RealmEmulator) -> tuple[str, str, str]:
    """(user id, tenant id, access token) of a member without MFA."""
    tenant = project.create_tenant("Django Co")
    user = project.seed_user("dj@example.test", {tenant: "member"})
    return user.id, tenant, project.session_for(user.id, tenant)["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def mfa_token(emu: RealmEmulator, user: SeededUser) -> str:
    return str(emu.session_for(user.id, user.tenant_id, mfa=True)["access_token"])


# ---------------------------------------------------------------------- the guard


def test_exempt_path_passes_untouched_with_an_anonymous_user(project: RealmEmulator) -> None:
    answer = Client().get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["authenticated"] is False
    assert body["user_type"] == "AnonymousUser"  # django.contrib.auth is installed
    assert body["claims_sub"] is None


def test_guarded_path_without_a_bearer_is_401_with_www_authenticate(
    project: RealmEmulator,
) -> None:
    answer = Client().get("/api/me")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid"'
    assert answer["Cache-Control"] == "no-store"
    assert answer.json() == {"code": "unauthorized", "message": "missing bearer token"}


def test_a_bad_token_is_401_invalid_token(member: tuple[str, str, str]) -> None:
    _, _, token = member
    answer = Client().get("/api/me", **bearer(token[:-4] + "AAAA"))
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == 'Bearer realm="realmid", error="invalid_token"'
    assert answer.json()["code"] == "bad_signature"


def test_a_verified_request_has_user_auth_and_claims_from(member: tuple[str, str, str]) -> None:
    user_id, tenant, token = member
    answer = Client().get("/api/me", **bearer(token))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "authenticated": True,
        "user_type": "RealmUser",
        "id": user_id,
        "tenant_id": tenant,
        "role": "member",
        "claims_sub": user_id,
        "auth_is_claims": True,
    }


def test_async_client_guards_an_async_view(member: tuple[str, str, str]) -> None:
    import asyncio

    user_id, _, token = member

    async def run() -> tuple[Any, Any]:
        client = AsyncClient()
        refused = await client.get("/api/me-async")
        allowed = await client.get("/api/me-async", headers={"Authorization": f"Bearer {token}"})
        return refused, allowed

    refused, allowed = asyncio.run(run())
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == 'Bearer realm="realmid"'
    assert allowed.status_code == 200, allowed.content
    assert allowed.json()["id"] == user_id
    assert allowed.json()["auth_is_claims"] is True


def test_async_client_login_then_a_guarded_request(
    member: tuple[str, str, str], project: RealmEmulator
) -> None:
    import asyncio

    async def run() -> tuple[Any, Any]:
        client = AsyncClient()
        login = await client.post(
            "/login",
            {"provider_token": project.mint_provider_token("dj@example.test")},
            content_type="application/json",
        )
        token = login.json()["access_token"]
        me = await client.get("/api/me-async", headers={"Authorization": f"Bearer {token}"})
        return login, me

    login, me = asyncio.run(run())
    assert login.status_code == 200, login.content
    assert set(_cookies(login)) == {"/token", "/logout"}
    assert me.status_code == 200, me.content
    assert me.json()["id"] == member[0]


def test_on_auth_failure_answers_instead_of_the_envelope(emulator: RealmEmulator) -> None:
    seen: list[tuple[int, str]] = []

    def hook(error: realmid.RealmError, request: HttpRequest) -> HttpResponse | None:
        seen.append((error.http_status, request.path))
        if request.path == "/api/me":
            return HttpResponse("please log in", status=401, content_type="text/plain")
        return None  # the default envelope

    config = realmid_settings(emulator, on_auth_failure=hook)
    with override_settings(REALMID=config, ROOT_URLCONF=__name__, MIDDLEWARE=MIDDLEWARE):
        try:
            custom = Client().get("/api/me")
            default = Client().get("/api/me-async")
        finally:
            close_realms()
    assert (custom.status_code, custom.content) == (401, b"please log in")
    assert default.json()["code"] == "unauthorized"
    assert seen == [(401, "/api/me"), (401, "/api/me-async")]


def test_middleware_is_marked_async_under_an_async_chain(project: RealmEmulator) -> None:
    from asgiref.sync import iscoroutinefunction  # what Django's handler asks

    async def inner(request: Any) -> Any:
        return HttpResponse()

    assert iscoroutinefunction(RealmMiddleware(inner))
    assert not iscoroutinefunction(RealmMiddleware(lambda request: HttpResponse()))


# ---------------------------------------------------------------------- MFA


def test_mfa_rule_from_settings_refuses_no_mfa_and_stale_mfa(
    project: RealmEmulator, mfa_user: SeededUser, member: tuple[str, str, str]
) -> None:
    client = Client()
    no_mfa = client.get("/api/billing", **bearer(member[2]))
    assert no_mfa.status_code == 412
    assert no_mfa.json()["reason"] == "no_mfa"

    token = mfa_token(project, mfa_user)
    assert client.get("/api/billing", **bearer(token)).status_code == 200
    project.advance(61)  # past the rule's 60 s
    stale = client.get("/api/billing", **bearer(token))
    assert stale.status_code == 412
    assert stale.json()["reason"] == "stale_mfa"
    assert stale.json()["mfa_challenge_token"]  # the step-up is pre-minted


def test_require_mfa_decorator_sync_and_async(
    project: RealmEmulator, mfa_user: SeededUser, member: tuple[str, str, str]
) -> None:
    import asyncio

    token = mfa_token(project, mfa_user)
    client = Client()
    assert client.get("/api/recent", **bearer(member[2])).json()["reason"] == "no_mfa"
    fresh = client.get("/api/recent", **bearer(token))
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["id"] == mfa_user.id

    async def run_async() -> Any:
        return await AsyncClient().get(
            "/api/recent-async", headers={"Authorization": f"Bearer {token}"}
        )

    assert asyncio.run(run_async()).status_code == 200
    project.advance(61)  # the decorator's 60 s, well inside the 15-minute default
    stale = client.get("/api/recent", **bearer(token))
    assert stale.status_code == 412
    assert stale.json()["reason"] == "stale_mfa"
    stale_async = asyncio.run(run_async())
    assert stale_async.status_code == 412
    assert stale_async.json()["reason"] == "stale_mfa"


def test_require_mfa_on_an_exempt_path_verifies_the_bearer_itself(
    project: RealmEmulator, mfa_user: SeededUser
) -> None:
    client = Client()
    missing = client.get("/public/mfa")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="realmid"'
    answer = client.get("/public/mfa", **bearer(mfa_token(project, mfa_user)))
    assert answer.status_code == 200, answer.content
    assert answer.json()["authenticated"] is True
    assert answer.json()["claims_sub"] == mfa_user.id


def test_require_mfa_rejects_a_bad_window_at_import() -> None:
    with pytest.raises(realmid.RealmError):
        require_mfa(max_age="soon")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- the routes


def _cookies(response: Any) -> dict[str, str]:
    """Set-Cookie path → the cookie's header text."""
    return {m["path"]: m.OutputString() for m in response.cookies.values()}


def test_login_refresh_logout_through_the_middleware_with_the_cookie(
    member: tuple[str, str, str], project: RealmEmulator
) -> None:
    client = Client()
    email = "dj@example.test"
    login = client.post(
        "/login",
        {"provider_token": project.mint_provider_token(email)},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    assert "refresh_token" not in login.json()  # cookie delivery
    cookies = _cookies(login)
    assert set(cookies) == {"/token", "/logout"}  # one cookie per route that reads it
    assert all("HttpOnly" in text and "SameSite=Lax" in text for text in cookies.values())
    access = login.json()["access_token"]
    assert client.get("/api/me", **bearer(access)).status_code == 200

    refreshed = client.post("/token", content_type="application/json")  # the cookie rides
    assert refreshed.status_code == 200, refreshed.content
    renewed = refreshed.json()["access_token"]
    assert renewed != access

    logout = client.post("/logout", content_type="application/json", **bearer(renewed))
    assert logout.status_code == 204
    assert all("Max-Age=0" in text for text in _cookies(logout).values())
    revoked = client.get("/api/me", **bearer(renewed))
    assert revoked.status_code == 401
    assert revoked.json()["revoked"] is True


def test_auth_views_under_a_prefix_are_not_guarded_and_scope_the_cookie(
    member: tuple[str, str, str], project: RealmEmulator
) -> None:
    client = Client(enforce_csrf_checks=True)  # the core's own cross-site check applies
    login = client.post(
        "/auth/login",
        {"provider_token": project.mint_provider_token("dj@example.test")},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    assert set(_cookies(login)) == {"/auth/token", "/auth/logout"}
    refreshed = client.post("/auth/token", content_type="application/json")
    assert refreshed.status_code == 200, refreshed.content
    assert client.get("/auth/token", **bearer(member[2])).status_code == 405

    forged = client.post(
        "/auth/token",
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert forged.status_code == 403
    assert forged.json()["reason"] == "cross_site_origin"


# ---------------------------------------------------------------------- configuration


def test_unknown_key_names_it_and_never_echoes_the_api_key(emulator: RealmEmulator) -> None:
    secret = emulator.api_key
    with (
        override_settings(REALMID={**realmid_settings(emulator), "exempt_path": ["/x"]}),
        pytest.raises(ImproperlyConfigured) as caught,
    ):
        RealmMiddleware(lambda request: HttpResponse())
    assert "'exempt_path'" in str(caught.value)
    assert secret not in str(caught.value)
    assert isinstance(caught.value, realmid.RealmError)
    assert caught.value.code == "bad_request"


def test_a_bad_value_is_improperly_configured_without_the_secret(
    emulator: RealmEmulator,
) -> None:
    bad_key = "rk_test_secret with a space"
    for config in (
        {**realmid_settings(emulator), "api_key": bad_key},
        {**realmid_settings(emulator), "api_key": bad_key, "cookie_samesite": "sideways"},
        {"realm_id": emulator.realm_id},
    ):
        with override_settings(REALMID=config), pytest.raises(ImproperlyConfigured) as caught:
            RealmMiddleware(lambda request: HttpResponse())
        assert bad_key not in str(caught.value)
        assert "secret" not in repr(caught.value)
    close_realms()


def test_default_exempt_paths_are_the_references(project: RealmEmulator) -> None:
    assert realm_django._setup().core.options.exempt_paths == ("/health", "/public/*")


def test_the_realm_is_built_once_per_process_across_threads(project: RealmEmulator) -> None:
    seen: list[realmid.Realm] = []
    threads = [threading.Thread(target=lambda: seen.append(get_realm())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Client().get("/health")
    assert len({id(r) for r in [*seen, get_realm()]}) == 1
    # Only the options change: the same handle serves the new options.
    with override_settings(REALMID=realmid_settings(project, exempt_paths=["/health"])):
        assert get_realm() is seen[0]
        assert realm_django._setup().core.options.exempt_paths == ("/health",)


def test_string_mfa_rules_and_the_default_window_from_settings(
    emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    config = realmid_settings(
        emulator, mfa_protected_paths=["/api/me"], mfa_default_max_age=timedelta(seconds=30)
    )
    with override_settings(REALMID=config, ROOT_URLCONF=__name__, MIDDLEWARE=MIDDLEWARE):
        token = mfa_token(emulator, mfa_user)
        assert Client().get("/api/me", **bearer(token)).status_code == 200
        emulator.advance(31)
        assert Client().get("/api/me", **bearer(token)).json()["reason"] == "stale_mfa"
        close_realms()


# ---------------------------------------------------------------------- a real server


def test_django_asgi_handler_under_uvicorn(member: tuple[str, str, str]) -> None:
    user_id, _, token = member
    with serve_asgi(ASGIHandler()) as url, httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/health").status_code == 200
        refused = http.get("/api/me-async")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="realmid"'
        for route in ("/api/me", "/api/me-async"):
            answer = http.get(route, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["id"] == user_id
            assert isinstance(answer.json()["authenticated"], bool)
    assert RealmUser.__name__ == "RealmUser"
