"""A Backend-for-Frontend (BFF) proxy on the async ``realmid.AsyncRealm`` (Starlette).

The browser only talks to the BFF; the BFF holds the API key and forwards a few calls to
the issuer with ``realm.request(...)``, acting for the user whose bearer the middleware
verified:

- ``GET /bff/sessions`` → ``GET /auth/sessions`` on behalf of the caller
  (``X-On-Behalf-Of-User`` = the token's ``sub``, ``X-On-Behalf-Of-IP`` = the client);
- ``DELETE /bff/sessions/{session_id}`` → ``DELETE /auth/sessions/{session_id}``, likewise;
- ``GET /bff/tenants`` and ``GET /bff/tenants/{tenant_id}`` → the platform calls
  ``GET /tenants[/{id}]``, for callers whose role is in ``admin_roles`` only;
- ``GET /health`` (public), and the middleware's own ``POST /login``, ``/token``,
  ``/logout``, ``/mfa/verify``; ``GET /dev/provider-token`` on emulator runs.

The issuer's answer is relayed as it is, a non-2xx one included: status, body (the error
envelope), ``Content-Type``, ``X-Request-Id`` and ``Retry-After``.

``python -m examples.bff_proxy`` runs it against the realm named by ``REALMID_REALM_ID`` /
``REALMID_API_KEY`` (``REALMID_BASE_URL``), or a local emulator with a demo user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import realmid
from realmid.middleware import MiddlewareOptions
from realmid.middleware.asgi import RealmASGIMiddleware
from realmid.middleware.core import envelope, status_for

__all__ = ["create_app", "default_options", "relay"]

# The upstream headers worth passing on; the rest (Server, Date, hop-by-hop) are the BFF's.
RELAYED_HEADERS = ("content-type", "x-request-id", "retry-after")
# The only query parameters forwarded: the caller must not steer the platform call.
PAGE_PARAMS = ("limit", "cursor")
# An id is interpolated into the issuer path, so it must stay one plain segment ("..", "%2F"
# or "?" would let a caller reach another endpoint with the platform token).
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_NO_STORE = {"cache-control": "no-store"}


def default_options(**overrides: Any) -> MiddlewareOptions:
    """The BFF's middleware options: ``/health`` and the dev route exempt, the rest guarded."""
    settings: dict[str, Any] = {"exempt_paths": ("/health", "/dev/*")}
    settings.update(overrides)
    return MiddlewareOptions(**settings)


def relay(upstream: httpx.Response) -> Response:
    """The issuer's answer, as it is: status, body bytes and the headers that describe them."""
    headers = {name: upstream.headers[name] for name in RELAYED_HEADERS if name in upstream.headers}
    return Response(upstream.content, status_code=upstream.status_code, headers=headers | _NO_STORE)


def _refuse(status: int, code: str, message: str) -> JSONResponse:
    """An answer of the BFF's own, in the issuer's envelope shape."""
    return JSONResponse({"code": code, "message": message}, status, headers=_NO_STORE)


def create_app(
    realm: realmid.AsyncRealm,
    *,
    options: MiddlewareOptions | None = None,
    admin_roles: Collection[str] = ("owner",),
    demo_provider_token: Callable[[], str] | None = None,
) -> RealmASGIMiddleware:
    """The Starlette BFF wrapped in ``realm.asgi_middleware`` (an ASGI app to serve).

    ``admin_roles``: the token roles allowed the platform (tenant) calls. The API key sees
    the whole realm, so the BFF, not the issuer, decides who may ask.
    """

    async def forward(request: Request, method: str, path: str, *, as_user: bool) -> Response:
        claims = realmid.claims_from(request)
        if claims is None:  # the middleware guards /bff/*; this only catches a misconfiguration
            return _refuse(401, "unauthorized", "missing bearer token")
        params = {k: request.query_params[k] for k in PAGE_PARAMS if k in request.query_params}
        # Behind a reverse proxy, run uvicorn with --proxy-headers and --forwarded-allow-ips
        # so this is the end user's address; a raw X-Forwarded-For is never trusted here.
        client_ip = request.client.host if request.client else None
        try:
            upstream = await realm.request(
                method,
                path,
                params=params,
                on_behalf_of_user=claims.sub if as_user else None,
                on_behalf_of_ip=client_ip,
            )
        except realmid.RealmError as err:
            # No answer from the issuer (network): say so as the middleware would (503).
            return JSONResponse(envelope(err), status_for(err), headers=_NO_STORE)
        return relay(upstream)

    def admin(request: Request) -> JSONResponse | None:
        """A 403 unless the caller's role is one of ``admin_roles``."""
        claims = realmid.claims_from(request)
        if claims is not None and claims.role in admin_roles:
            return None
        return _refuse(403, "forbidden", f"this call needs one of the roles: {sorted(admin_roles)}")

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def list_sessions(request: Request) -> Response:
        return await forward(request, "GET", "/auth/sessions", as_user=True)

    async def revoke_session(request: Request) -> Response:
        session_id = request.path_params["session_id"]
        if not _ID.fullmatch(session_id):
            return _refuse(400, "bad_request", "invalid session id")
        return await forward(request, "DELETE", f"/auth/sessions/{session_id}", as_user=True)

    async def list_tenants(request: Request) -> Response:
        refused = admin(request)
        if refused is not None:
            return refused
        return await forward(request, "GET", "/tenants", as_user=False)

    async def get_tenant(request: Request) -> Response:
        refused = admin(request)
        if refused is not None:
            return refused
        tenant_id = request.path_params["tenant_id"]
        if not _ID.fullmatch(tenant_id):
            return _refuse(400, "bad_request", "invalid tenant id")
        return await forward(request, "GET", f"/tenants/{tenant_id}", as_user=False)

    async def provider_token(_: Request) -> JSONResponse:
        if demo_provider_token is None:
            return _refuse(404, "not_found", "not an emulator run")
        return JSONResponse({"provider_token": demo_provider_token()}, headers=_NO_STORE)

    app = Starlette(
        routes=[
            Route("/health", health),
            Route("/bff/sessions", list_sessions, methods=["GET"]),
            Route("/bff/sessions/{session_id}", revoke_session, methods=["DELETE"]),
            Route("/bff/tenants", list_tenants, methods=["GET"]),
            Route("/bff/tenants/{tenant_id}", get_tenant, methods=["GET"]),
            Route("/dev/provider-token", provider_token, methods=["GET"]),
        ]
    )
    return realm.asgi_middleware(app, options or default_options())
