"""A FastAPI app guarded by realmid's ASGI middleware, with a browser page that logs in.

``create_app(realm)`` builds it for any realm handle (the page, ``/api/me``, an
MFA-protected ``/api/secure``); ``python -m examples.fastapi_app`` runs it, against the
realm named by ``REALMID_REALM_ID`` / ``REALMID_API_KEY`` (``REALMID_BASE_URL``), or
against a local :class:`~realmid.testing.RealmEmulator` with a demo user when those are
not set.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

import realmid
from realmid.middleware import MFARule, MiddlewareOptions

PAGE = Path(__file__).with_name("index.html")

__all__ = ["PAGE", "create_app", "default_options"]


def default_options(**overrides: Any) -> MiddlewareOptions:
    """The example's middleware options: the page and dev routes exempt, /api/secure MFA."""
    settings: dict[str, Any] = {
        "exempt_paths": ("/", "/health", "/dev/*", "/favicon.ico"),
        "mfa_protected_paths": (MFARule("/api/secure", max_age=300),),
    }
    settings.update(overrides)
    return MiddlewareOptions(**settings)


def create_app(
    realm: realmid.Realm | realmid.AsyncRealm,
    *,
    options: MiddlewareOptions | None = None,
    demo_provider_token: Callable[[], str] | None = None,
) -> Any:
    """The FastAPI app wrapped in ``realm.asgi_middleware`` (an ASGI app to serve).

    ``demo_provider_token`` (emulator runs only) backs ``GET /dev/provider-token``, which
    the page's "Use the demo user" button calls.
    """
    app = FastAPI(title="realmid FastAPI example")

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE.read_text(encoding="utf-8")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    # Annotated, evaluated right here: the dependency is built from this function's `realm`.
    Claims = Annotated[realmid.Claims, Depends(realm.require_claims())]

    @app.get("/api/me")
    def me(claims: Claims) -> dict[str, Any]:
        return {
            "user_id": claims.sub,
            "email": claims.extra.get("email", ""),
            "tenant_id": claims.tenant_id,
            "role": claims.role,
            "mfa_at": claims.mfa_at or None,
        }

    @app.get("/api/secure")
    def secure(request: Request) -> dict[str, Any]:
        claims = realmid.claims_from(request)  # the middleware checked MFA for this path
        assert claims is not None
        return {"secret": "only with a recent second factor", "mfa_at": claims.mfa_at}

    @app.get("/dev/provider-token")
    def provider_token() -> JSONResponse:
        if demo_provider_token is None:
            return JSONResponse({"code": "not_found", "message": "not an emulator run"}, 404)
        return JSONResponse({"provider_token": demo_provider_token()})

    return realm.asgi_middleware(app, options or default_options())
