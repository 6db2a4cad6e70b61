# pyright: strict
"""A FastAPI app guarded by realmid, with a browser page that logs in.

``create_app`` builds it (the page, ``/api/me``, an MFA-protected ``/api/secure``); the
realm is found at request time in ``app.state.realm``, so it can be built in the app's
``lifespan`` (on the server's own event loop) or handed in ready-made.
``python -m examples.fastapi_app`` runs it, against the realm named by ``REALMID_REALM_ID``
/ ``REALMID_API_KEY`` (``REALMID_BASE_URL``), or against a local
:class:`~realmid.testing.RealmEmulator` with a demo user when those are not set.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeAlias

from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

import realmid
from examples.settings import RealmSettings
from realmid.middleware import MFARule, MiddlewareOptions
from realmid.middleware.fastapi import CurrentClaims, install, require_claims
from realmid.middleware.starlette import RealmMiddleware

PAGE = Path(__file__).with_name("index.html")
SECURE_MAX_AGE = 300  # seconds: /api/secure wants a second factor at most 5 minutes old

__all__ = ["PAGE", "SECURE_MAX_AGE", "SecureClaims", "create_app", "default_options"]

#: Claims of a token whose MFA is at most ``SECURE_MAX_AGE`` old (else 412 + challenge).
SecureClaims: TypeAlias = Annotated[realmid.Claims, Depends(require_claims(max_age=SECURE_MAX_AGE))]


def default_options(**overrides: Any) -> MiddlewareOptions:
    """The example's middleware options: the page and dev routes exempt, /api/secure MFA."""
    settings: dict[str, Any] = {
        "exempt_paths": ("/", "/health", "/dev/*", "/favicon.ico", "/docs", "/openapi.json"),
        "mfa_protected_paths": (MFARule("/api/secure", max_age=SECURE_MAX_AGE),),
    }
    settings.update(overrides)
    return MiddlewareOptions(**settings)


def create_app(
    realm: realmid.Realm | realmid.AsyncRealm | None = None,
    *,
    settings: RealmSettings | None = None,
    options: MiddlewareOptions | None = None,
    demo_provider_token: Callable[[], str] | None = None,
) -> FastAPI:
    """The FastAPI app, guarded by :class:`~realmid.middleware.starlette.RealmMiddleware`.

    ``realm``: a handle the caller owns (and closes); it is put in ``app.state.realm`` at
    once, so the app also works served without lifespan events. Else ``settings``: the
    app's ``lifespan`` builds an :class:`~realmid.AsyncRealm` from them on the server's
    loop and closes it at shutdown. ``demo_provider_token`` (emulator runs only; default:
    the settings') backs ``GET /dev/provider-token``, which the page's "Use the demo user"
    button calls.
    """
    if realm is None and settings is None:
        raise ValueError("create_app needs a realm or the settings to build one")
    if demo_provider_token is None and settings is not None:
        demo_provider_token = settings.demo_provider_token

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        if realm is not None or settings is None:
            yield  # the caller's handle, already in app.state
            return
        async with realmid.AsyncRealm(
            realm_id=settings.realm_id, api_key=settings.api_key, base_url=settings.base_url
        ) as built:
            app.state.realm = built  # where the middleware and the dependencies look
            yield

    app = FastAPI(title="realmid FastAPI example", lifespan=lifespan)
    if realm is not None:
        app.state.realm = realm
    install(app)  # refusals as the flat envelope (also the default; explicit here)
    app.add_middleware(RealmMiddleware, options=options or default_options())

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE.read_text(encoding="utf-8")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/me")
    def me(claims: CurrentClaims) -> dict[str, Any]:
        return {
            "user_id": claims.sub,
            "email": claims.extra.get("email", ""),
            "tenant_id": claims.tenant_id,
            "role": claims.role,
            "mfa_at": claims.mfa_at or None,
        }

    @app.get("/api/secure")
    def secure(claims: SecureClaims) -> dict[str, Any]:
        # The middleware checked MFA for this path already; the alias states it in the type
        # (and reuses the middleware's claims: one verification per request).
        return {"secret": "only with a recent second factor", "mfa_at": claims.mfa_at}

    @app.get("/dev/provider-token")
    def provider_token() -> JSONResponse:
        if demo_provider_token is None:
            return JSONResponse({"code": "not_found", "message": "not an emulator run"}, 404)
        return JSONResponse({"provider_token": demo_provider_token()})

    return app
