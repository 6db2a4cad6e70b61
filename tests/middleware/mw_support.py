"""Real servers and real apps for the middleware tests: uvicorn (ASGI) and werkzeug (WSGI)
on loopback, a Starlette, a FastAPI and a Flask app, all guarded by a realm handle on the
emulator. No mocks: every request crosses a socket, every token comes from the emulator.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

import httpx
import jwt
from fastapi import Depends, FastAPI, Request

import realmid
from examples.serving import serve_asgi, serve_wsgi
from realmid.middleware import MFARule, MiddlewareOptions, claims_from
from realmid.testing import RealmEmulator

# The guarded test routes; the same on every framework.
MFA_RULES = (
    "/api/mfa",
    MFARule("/api/fresh", require_fresh=True),
    MFARule("/api/short", max_age=timedelta(seconds=60)),
)


def options(**overrides: Any) -> MiddlewareOptions:
    return MiddlewareOptions(mfa_protected_paths=MFA_RULES, **overrides)


def make_handle(face: str, emu: RealmEmulator, **kwargs: Any) -> realmid.Realm | realmid.AsyncRealm:
    """A handle on the emulator's realm whose clock is the emulator's (verifier and gate)."""
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    return cls(
        realm_id=emu.realm_id,
        api_key=emu.api_key,
        base_url=emu.base_url,
        clock=emu.now,
        **kwargs,
    )


def claims_json(claims: realmid.Claims | None) -> dict[str, Any]:
    if claims is None:
        return {"claims": None}
    return {
        "sub": claims.sub,
        "tenant_id": claims.tenant_id,
        "role": claims.role,
        "mfa_at": claims.mfa_at,
        "amr": list(claims.amr),
        "email": claims.extra.get("email"),
    }


# ---------------------------------------------------------------------- apps


def starlette_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket

    async def health(_: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def public(request: Request) -> JSONResponse:
        return JSONResponse({"public": True, **claims_json(claims_from(request))})

    async def guarded(request: Request) -> JSONResponse:
        # Both ways to read the claims: the state attribute and claims_from.
        assert request.state.realmid_claims is claims_from(request)
        return JSONResponse(claims_json(request.state.realmid_claims))

    async def login_page(_: Request) -> PlainTextResponse:
        return PlainTextResponse("the app's own GET /login")

    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_json(claims_json(claims_from(websocket)))
        await websocket.close()

    routes = [
        Route("/health", health),
        Route("/public/{name}", public),
        Route("/login", login_page),
        WebSocketRoute("/ws", ws),
    ]
    routes += [Route(p, guarded, methods=["GET", "POST"]) for p in GUARDED_PATHS]
    return Starlette(routes=routes)


GUARDED_PATHS = ("/api/me", "/api/mfa", "/api/fresh", "/api/short", "/public/a/b", "/health/")


FRESH_RULE = MFARule("/ignored", require_fresh=True)


def fastapi_app(realm: realmid.Realm | realmid.AsyncRealm) -> Any:
    app = FastAPI()

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.get("/api/me")
    def me(claims: realmid.Claims = Depends(realm.require_claims())) -> dict[str, Any]:  # noqa: B008
        return claims_json(claims)

    @app.get("/api/{name}")
    def other(request: Request) -> dict[str, Any]:
        return claims_json(claims_from(request))

    @app.get("/public/dep")
    def public_dep(claims: realmid.Claims = Depends(realm.require_claims())) -> dict[str, Any]:  # noqa: B008
        # An exempt path: the dependency verifies the bearer itself.
        return claims_json(claims)

    @app.get("/public/dep-mfa")
    def public_dep_mfa(
        claims: realmid.Claims = Depends(realm.require_claims(mfa=True)),  # noqa: B008
    ) -> dict[str, Any]:
        return claims_json(claims)

    @app.get("/api-dep/fresh")
    def dep_fresh(
        claims: realmid.Claims = Depends(realm.require_claims(mfa=FRESH_RULE)),  # noqa: B008
    ) -> dict[str, Any]:
        return claims_json(claims)

    return app


def flask_app() -> Any:
    from flask import Flask, jsonify

    from realmid.middleware.flask import claims, require_claims

    app = Flask("realmid-mw-test")

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.get("/public/<name>")
    def public(name: str) -> Any:
        return jsonify({"public": True, **claims_json(claims())})

    @app.get("/public-guarded/<name>")
    @require_claims
    def public_guarded(name: str) -> Any:
        return jsonify(claims_json(claims()))

    def guarded() -> Any:
        return jsonify(claims_json(claims()))

    for path in GUARDED_PATHS:
        app.add_url_rule(path, path, guarded, methods=["GET", "POST"])
    return app


# ---------------------------------------------------------------------- servers


@contextmanager
def guarded_server(
    kind: str, face: str, emu: RealmEmulator, **option_overrides: Any
) -> Iterator[tuple[str, realmid.Realm | realmid.AsyncRealm]]:
    """``kind`` (starlette / fastapi / flask) guarded by a ``face`` handle, served for real."""
    realm = make_handle(face, emu)
    opts = options(**option_overrides)
    if kind == "flask":
        app = flask_app()
        middleware = realm.wsgi_middleware(app.wsgi_app, opts)
        app.wsgi_app = middleware  # type: ignore[method-assign]
        try:
            with serve_wsgi(app) as url:
                yield url, realm
        finally:
            if isinstance(realm, realmid.AsyncRealm):
                middleware.close()  # closes the handle on its private loop
            else:
                realm.close()
        return
    asgi = starlette_app() if kind == "starlette" else fastapi_app(realm)
    guarded = realm.asgi_middleware(asgi, opts)
    if isinstance(realm, realmid.AsyncRealm):
        with serve_asgi(guarded, on_close=realm.aclose) as url:
            yield url, realm
    else:
        try:
            with serve_asgi(guarded) as url:
                yield url, realm
        finally:
            realm.close()


# ---------------------------------------------------------------------- client side


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def set_cookies(response: httpx.Response) -> list[SimpleCookie]:
    """Every Set-Cookie of a response, parsed (one SimpleCookie each)."""
    parsed = []
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        parsed.append(cookie)
    return parsed


def refresh_cookie(response: httpx.Response, name: str = "realmid_refresh") -> str | None:
    """The refresh token the response set (the same on every path), None if none."""
    values = {c[name].value for c in set_cookies(response) if name in c}
    assert len(values) <= 1
    return values.pop() if values else None


def tamper(token: str) -> str:
    """Same header and signature, a payload claim changed (still valid JSON): bad signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin" if claims.get("role") != "admin" else "owner"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, forged, signature])


def sign(emu: RealmEmulator, claims: dict[str, Any]) -> str:
    """A token signed with the emulator's real signing key, with chosen claims."""
    return str(emu._runtime.store.keys.sign(claims))


def base_claims(emu: RealmEmulator, sub: str, tenant_id: str, **extra: Any) -> dict[str, Any]:
    now = int(emu.now())
    claims = {
        "iss": emu.base_url,
        "sub": sub,
        "aud": emu.audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": f"jti-{time.monotonic_ns()}",
        "tenant_id": tenant_id,
        "role": "owner",
        "amr": ["fed"],
        "acr": "aal1",
    }
    claims.update(extra)
    return {k: v for k, v in claims.items() if v is not None}


def hs256_token(emu: RealmEmulator) -> str:
    key = "an-hmac-secret-of-32-bytes-or-so"
    return jwt.encode({"sub": "x", "iss": emu.base_url}, key, "HS256")
