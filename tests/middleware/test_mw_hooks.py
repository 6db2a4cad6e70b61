"""on_auth_failure on both adapters, the FastAPI dependency, the WebSocket guard, and the
cookie options — through real servers against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from mw_support import (
    bearer,
    claims_json,
    fastapi_app,
    flask_app,
    make_handle,
    options,
    refresh_cookie,
    serve_asgi,
    serve_wsgi,
    set_cookies,
    starlette_app,
)

import realmid
from realmid.errors import BadRequestError, RealmError
from realmid.middleware import MFARule, MiddlewareOptions
from realmid.middleware.fastapi import RealmHTTPException, add_envelope_handler
from realmid.testing import RealmEmulator, SeededUser


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("Hooks Inc")
    return emulator.seed_user("hooks@example.test", {tenant: "owner"})


def access(emu: RealmEmulator, user: SeededUser, *, mfa: bool = False) -> str:
    return str(emu.session_for(user.id, user.tenant_id, mfa=mfa)["access_token"])


# ---------------------------------------------------------------------- on_auth_failure


@pytest.mark.parametrize("face", ["async", "sync"])
@pytest.mark.parametrize("hook_kind", ["sync", "async"])
def test_asgi_on_auth_failure_answers_or_falls_back(
    face: str, hook_kind: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    from starlette.responses import PlainTextResponse

    seen: list[tuple[str, int, dict[str, Any], str]] = []

    def answer(error: RealmError, scope: dict[str, Any]) -> PlainTextResponse | None:
        seen.append((str(error.code), error.http_status, dict(error.details), scope["path"]))
        if scope["path"] == "/api/me":
            return PlainTextResponse(f"custom {error.code}", status_code=418)
        return None  # the default envelope

    async def answer_async(error: RealmError, scope: dict[str, Any]) -> Any:
        await asyncio.sleep(0)
        return answer(error, scope)

    realm = make_handle(face, emulator)
    app = realm.asgi_middleware(
        starlette_app(), options(on_auth_failure=answer if hook_kind == "sync" else answer_async)
    )
    closing = realm.aclose if isinstance(realm, realmid.AsyncRealm) else None
    with serve_asgi(app, on_close=closing) as url, httpx.Client(base_url=url) as client:
        custom = client.get("/api/me", headers=bearer("garbage"))
        assert (custom.status_code, custom.text) == (418, "custom malformed")
        default = client.get("/api/mfa", headers=bearer(access(emulator, user)))
        assert default.status_code == 412
        assert default.json()["reason"] == "no_mfa"
    if isinstance(realm, realmid.Realm):
        realm.close()
    assert seen == [
        ("malformed", 401, {}, "/api/me"),
        ("mfa_required", 412, {"reason": "no_mfa"}, "/api/mfa"),
    ]


@pytest.mark.parametrize("face", ["sync", "async"])
def test_wsgi_on_auth_failure_answers_or_falls_back(
    face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    from werkzeug.wrappers import Response

    def answer(error: RealmError, environ: dict[str, Any]) -> Response | None:
        if environ["PATH_INFO"] == "/api/me":
            return Response(f"custom {error.code} {error.http_status}", status=418)
        return None

    realm = make_handle(face, emulator)
    flask = flask_app()
    middleware = realm.wsgi_middleware(flask.wsgi_app, options(on_auth_failure=answer))
    flask.wsgi_app = middleware  # type: ignore[method-assign]
    with serve_wsgi(flask) as url, httpx.Client(base_url=url) as client:
        custom = client.get("/api/me")
        assert (custom.status_code, custom.text) == (418, "custom unauthorized 401")
        default = client.get("/api/mfa", headers=bearer(access(emulator, user)))
        assert default.status_code == 412
    if isinstance(realm, realmid.AsyncRealm):
        middleware.close()
    else:
        realm.close()


# ---------------------------------------------------------------------- FastAPI


@dataclass
class Served:
    client: httpx.Client
    verified: list[str]  # the tokens realm.verify was called with, in order


def count_verifies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every token a verifier checks (the real check still runs): ``realm.verify``
    and the middleware's inline ``verify_local`` both go through ``verify_cached``."""
    from realmid.verify import _VerifierCore

    calls: list[str] = []
    original = _VerifierCore.verify_cached

    def verify_cached(self: _VerifierCore, token: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(token)
        return original(self, token, *args, **kwargs)

    monkeypatch.setattr(_VerifierCore, "verify_cached", verify_cached)
    return calls


@pytest.fixture(params=["async", "sync"])
def fastapi_served(
    request: pytest.FixtureRequest, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Served]:
    realm = make_handle(request.param, emulator)
    verified = count_verifies(monkeypatch)
    app = realm.asgi_middleware(fastapi_app(realm), options())
    closing = realm.aclose if isinstance(realm, realmid.AsyncRealm) else None
    with serve_asgi(app, on_close=closing) as url, httpx.Client(base_url=url) as client:
        yield Served(client, verified)
    if isinstance(realm, realmid.Realm):
        realm.close()


@pytest.fixture
def fastapi_server(fastapi_served: Served) -> httpx.Client:
    return fastapi_served.client


def test_the_dependency_reuses_the_middleware_claims(
    fastapi_served: Served, emulator: RealmEmulator, user: SeededUser
) -> None:
    client, verified = fastapi_served.client, fastapi_served.verified
    token = access(emulator, user)
    me = client.get("/api/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["sub"] == user.id
    # One verification: the middleware's. The dependency reused its claims.
    assert verified == [token]
    assert client.get("/health").json() == "ok"
    assert verified == [token]
    # The counter does see a dependency's own verification: on an exempt path there is
    # no middleware claim to reuse, so the dependency verifies (once).
    verified.clear()
    assert client.get("/public/dep", headers=bearer(token)).json()["sub"] == user.id
    assert verified == [token]


def test_the_dependency_verifies_on_an_exempt_path(
    fastapi_server: httpx.Client, emulator: RealmEmulator, user: SeededUser
) -> None:
    ok = fastapi_server.get("/public/dep", headers=bearer(access(emulator, user)))
    assert ok.status_code == 200
    assert ok.json()["sub"] == user.id
    missing = fastapi_server.get("/public/dep")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="realmid"'
    # The middleware's flat envelope, not FastAPI's {"detail": ...} (no handler installed).
    assert missing.json() == {"code": "unauthorized", "message": "missing bearer token"}
    expired_soon = access(emulator, user)
    emulator.advance(1000)
    assert fastapi_server.get("/public/dep", headers=bearer(expired_soon)).json()["code"] == (
        "expired"
    )


def test_the_dependency_mfa_requirements(
    fastapi_server: httpx.Client, emulator: RealmEmulator, user: SeededUser, mfa_user: SeededUser
) -> None:
    plain = fastapi_server.get("/public/dep-mfa", headers=bearer(access(emulator, user)))
    assert plain.status_code == 412
    assert plain.json()["reason"] == "no_mfa"
    fresh = access(emulator, mfa_user, mfa=True)
    assert fastapi_server.get("/public/dep-mfa", headers=bearer(fresh)).status_code == 200
    assert fastapi_server.get("/api-dep/fresh", headers=bearer(fresh)).status_code == 200
    emulator.advance(31)
    stale = fastapi_server.get("/api-dep/fresh", headers=bearer(fresh))
    assert stale.status_code == 412
    detail = stale.json()
    assert "detail" not in detail
    assert detail["reason"] == "fresh_required"
    assert detail["mfa_challenge_token"]
    assert "totp" in detail["methods"]


@pytest.mark.parametrize("face", ["async", "sync"])
def test_the_envelope_handler_flattens_dependency_failures(
    face: str, emulator: RealmEmulator
) -> None:
    realm = make_handle(face, emulator)
    app = FastAPI()
    add_envelope_handler(app)

    @app.get("/me")
    def me(claims: realmid.Claims = Depends(realm.require_claims())) -> dict[str, Any]:  # noqa: B008
        return claims_json(claims)

    closing = realm.aclose if isinstance(realm, realmid.AsyncRealm) else None
    with serve_asgi(app, on_close=closing) as url, httpx.Client(base_url=url) as client:
        response = client.get("/me", headers=bearer("x.y.z"))
    if isinstance(realm, realmid.Realm):
        realm.close()
    assert response.status_code == 401
    assert response.json()["code"] == "malformed"
    assert response.headers["cache-control"] == "no-store"
    assert issubclass(RealmHTTPException, Exception)


def test_require_claims_refuses_a_bad_mfa_argument(emulator: RealmEmulator) -> None:
    realm = make_handle("sync", emulator)
    with pytest.raises(BadRequestError):
        realm.require_claims(mfa="/pay")  # type: ignore[arg-type]
    assert callable(realm.require_claims(mfa=MFARule("/x")))
    realm.close()


# ---------------------------------------------------------------------- WebSocket


def test_a_websocket_handshake_is_guarded(emulator: RealmEmulator, user: SeededUser) -> None:
    realm = make_handle("async", emulator)
    app = realm.asgi_middleware(starlette_app(), options())

    async def handshake(headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        await inbox.put({"type": "websocket.connect"})
        await inbox.put({"type": "websocket.disconnect", "code": 1000})
        sent: list[dict[str, Any]] = []

        async def send(message: Any) -> None:
            sent.append(dict(message))

        scope = {
            "type": "websocket",
            "path": "/ws",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 5000),
            "scheme": "ws",
            "query_string": b"",
            "server": ("127.0.0.1", 80),
            "subprotocols": [],
            "asgi": {"version": "3.0"},
        }
        await app(scope, inbox.get, send)
        return sent

    async def both() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        try:
            refused = await handshake([])
            token = access(emulator, user)
            accepted = await handshake([(b"authorization", f"Bearer {token}".encode())])
        finally:
            await realm.aclose()
        return refused, accepted

    refused, accepted = asyncio.run(both())
    assert refused == [{"type": "websocket.close", "code": 1008}]
    assert accepted[0]["type"] == "websocket.accept"
    assert accepted[1]["type"] == "websocket.send"
    assert user.id in accepted[1]["text"]


# ---------------------------------------------------------------------- cookie options


@pytest.mark.parametrize("kind", ["starlette", "flask"])
def test_cookie_options_and_mount_prefix(
    kind: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    opts = MiddlewareOptions(
        cookie_name="sid_refresh",
        cookie_domain="app.example.test",
        cookie_samesite="strict",
        cookie_max_age=None,
        refresh_path="/auth/refresh",
        logout_path=None,
        login_path="/auth/login",
        mfa_verify_path="",
    )
    realm = make_handle("sync", emulator)
    token = emulator.mint_provider_token(user.email)
    if kind == "flask":
        flask = flask_app()
        flask.wsgi_app = realm.wsgi_middleware(flask.wsgi_app, opts)  # type: ignore[method-assign]
        server = serve_wsgi(flask)
    else:
        server = serve_asgi(realm.asgi_middleware(starlette_app(), opts))
    with server as url, httpx.Client(base_url=url) as client:
        login = client.post("/auth/login", json={"provider_token": token})
        assert login.status_code == 200, login.text
        (cookie,) = set_cookies(login)
        morsel = cookie["sid_refresh"]
        assert morsel["path"] == "/auth/refresh"
        assert morsel["domain"] == "app.example.test"
        assert morsel["samesite"] == "Strict"
        assert morsel["max-age"] == ""  # a session cookie
        assert morsel["httponly"]
        assert morsel["secure"]
        # Disabled routes are not handled: they reach the (guarded) app.
        assert client.post("/logout").status_code == 401
        assert client.post("/mfa/verify").status_code == 401
        # The old default paths are not handled either.
        assert client.post("/login", json={"provider_token": token}).status_code == 401
        refresh = refresh_cookie(login, "sid_refresh")
        rotated = client.post(
            "/auth/refresh", headers={"Cookie": f"sid_refresh={refresh}", "X-Requested-With": "t"}
        )
        assert rotated.status_code == 200, rotated.text
    realm.close()


def test_cookie_paths_follow_the_asgi_root_path(emulator: RealmEmulator, user: SeededUser) -> None:
    realm = make_handle("async", emulator)
    inner = realm.asgi_middleware(starlette_app(), options())

    async def mounted(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "root_path": "/app"}
        await inner(scope, receive, send)

    with (
        serve_asgi(mounted, on_close=realm.aclose) as url,
        httpx.Client(base_url=url) as client,
    ):
        login = client.post(
            "/app/login", json={"provider_token": emulator.mint_provider_token(user.email)}
        )
        assert login.status_code == 200, login.text
        assert sorted(c["realmid_refresh"]["path"] for c in set_cookies(login)) == [
            "/app/logout",
            "/app/token",
        ]
