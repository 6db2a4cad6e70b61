"""A Flask app guarded by realmid's WSGI middleware, on the sync ``realmid.Realm``.

``create_app(realm)`` builds it:

- ``GET /health``: public (an exempt path);
- ``GET /api/me``: guarded; the view reads the verified claims with
  :mod:`realmid.middleware.flask`;
- ``POST /login``, ``/token`` (refresh), ``/logout``, ``/mfa/verify``: answered by the
  middleware itself, no view code;
- ``GET /dev/provider-token``: the demo user's provider token (emulator runs only).

``python -m examples.flask_app`` runs it against the realm named by ``REALMID_REALM_ID`` /
``REALMID_API_KEY`` (``REALMID_BASE_URL``), or a local emulator with a demo user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify

import realmid
from realmid.middleware import MiddlewareOptions
from realmid.middleware.flask import claims, require_claims

__all__ = ["create_app", "default_options"]


def default_options(**overrides: Any) -> MiddlewareOptions:
    """The example's middleware options: ``/health`` and the dev route exempt."""
    settings: dict[str, Any] = {"exempt_paths": ("/health", "/dev/*")}
    settings.update(overrides)
    return MiddlewareOptions(**settings)


def create_app(
    realm: realmid.Realm,
    *,
    options: MiddlewareOptions | None = None,
    demo_provider_token: Callable[[], str] | None = None,
) -> Flask:
    """The Flask app with ``realm.wsgi_middleware`` in front of its WSGI callable.

    Wrapping ``app.wsgi_app`` (not ``app``) keeps the object a Flask app: ``app.run`` and
    the test client still work, and every request still crosses the middleware.
    """
    app = Flask(__name__)

    @app.get("/health")
    def health() -> Any:
        return jsonify(status="ok")

    @app.get("/api/me")
    @require_claims  # belt and braces: the view never runs without verified claims
    def me() -> Any:
        verified = claims()
        assert verified is not None  # require_claims answered 401 otherwise
        return jsonify(
            user_id=verified.sub,
            email=verified.extra.get("email", ""),
            tenant_id=verified.tenant_id,
            role=verified.role,
            mfa_at=verified.mfa_at or None,
        )

    @app.get("/dev/provider-token")
    def provider_token() -> Any:
        if demo_provider_token is None:
            return jsonify(code="not_found", message="not an emulator run"), 404
        return jsonify(provider_token=demo_provider_token())

    guarded = realm.wsgi_middleware(app.wsgi_app, options or default_options())
    app.wsgi_app = guarded  # type: ignore[method-assign]
    return app
