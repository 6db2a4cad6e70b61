# pyright: strict
"""A Starlette app on Starlette's own authentication: ``request.user`` and ``@requires``.

``create_app`` builds it. Two realmid pieces, both finding the realm at request time in
``app.state.realm`` (built in the app's ``lifespan``, or handed in):

- :func:`~realmid.middleware.starlette.authentication_middleware` (a
  :class:`~realmid.middleware.starlette.RealmAuthBackend`) verifies the bearer token:
  ``request.user`` is a ``RealmUser``, ``request.auth.scopes`` are ``authenticated``,
  ``role:<role>``, ``tenant:<id>`` and ``mfa`` (a second factor at most 15 minutes old);
- :class:`~realmid.middleware.starlette.RealmMiddleware` answers the login, refresh,
  logout and MFA-verify routes (``POST /login``, ``/token``, ``/logout``, ``/mfa/verify``);
  every other path is left to the backend.

``python -m examples.starlette_app`` runs it against the realm of ``REALMID_REALM_ID`` /
``REALMID_API_KEY``, or a local emulator with a demo user.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import realmid
from examples.settings import RealmSettings
from realmid.middleware import MiddlewareOptions
from realmid.middleware.starlette import RealmMiddleware, RealmUser, authentication_middleware

__all__ = ["create_app", "default_options"]


def default_options(**overrides: Any) -> MiddlewareOptions:
    """The middleware answers its POST routes only: the backend authenticates the rest."""
    settings: dict[str, Any] = {"exempt_paths": ("/**",)}
    settings.update(overrides)
    return MiddlewareOptions(**settings)


def user_json(request: Request) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, RealmUser)  # @requires("authenticated") let only these in
    claims = user.claims
    return {
        "user_id": user.identity,
        "display_name": user.display_name,
        "tenant_id": claims.tenant_id,
        "role": claims.role,
        "scopes": request.auth.scopes,
        "mfa_at": claims.mfa_at or None,
    }


async def health(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def whoami(request: Request) -> JSONResponse:
    """Public: says who is calling, if anyone (an anonymous call is not refused)."""
    user = request.user
    return JSONResponse({"authenticated": user.is_authenticated, "user": user.display_name})


@requires("authenticated")
async def me(request: Request) -> JSONResponse:
    return JSONResponse(user_json(request))


@requires(["authenticated", "role:owner"])
async def owners(request: Request) -> JSONResponse:
    return JSONResponse({"tenant_id": request.user.claims.tenant_id, "you_own_it": True})


@requires(["authenticated", "mfa"])
async def secure(request: Request) -> JSONResponse:
    # The same claims as request.user.claims, where realmid.claims_from reads them.
    claims = realmid.claims_from(request)
    assert claims is not None
    return JSONResponse({"secret": "only with a recent second factor", "mfa_at": claims.mfa_at})


def create_app(
    realm: realmid.Realm | realmid.AsyncRealm | None = None,
    *,
    settings: RealmSettings | None = None,
    options: MiddlewareOptions | None = None,
    demo_provider_token: Callable[[], str] | None = None,
) -> Starlette:
    """The Starlette app. ``realm``: a handle the caller owns, put in ``app.state.realm`` at
    once (the app then works without lifespan events too). Else ``settings``: ``lifespan``
    builds an :class:`~realmid.AsyncRealm` from them and closes it at shutdown.
    ``demo_provider_token`` (default: the settings') backs ``GET /dev/provider-token``.
    """
    if realm is None and settings is None:
        raise ValueError("create_app needs a realm or the settings to build one")
    if demo_provider_token is None and settings is not None:
        demo_provider_token = settings.demo_provider_token

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncGenerator[None]:
        if realm is not None or settings is None:
            yield  # the caller's handle, already in app.state
            return
        async with realmid.AsyncRealm(
            realm_id=settings.realm_id, api_key=settings.api_key, base_url=settings.base_url
        ) as built:
            app.state.realm = built
            yield

    async def provider_token(_: Request) -> JSONResponse:
        if demo_provider_token is None:
            return JSONResponse({"code": "not_found", "message": "not an emulator run"}, 404)
        return JSONResponse({"provider_token": demo_provider_token()})

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/whoami", whoami),
            Route("/api/me", me),
            Route("/api/owners", owners),
            Route("/api/secure", secure),
            Route("/dev/provider-token", provider_token),
        ],
        middleware=[
            Middleware(RealmMiddleware, options=options or default_options()),
            authentication_middleware(),
        ],
        lifespan=lifespan,
    )
    if realm is not None:
        app.state.realm = realm
    return app
