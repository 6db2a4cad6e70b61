"""Guard HTTP routes with Realm ID tokens (SPEC §10): ASGI and WSGI middleware.

Build one from a realm handle; construction does no I/O::

    from realmid.middleware import MFARule, MiddlewareOptions

    options = MiddlewareOptions(mfa_protected_paths=["/billing/**",
                                                    MFARule("/account/delete", require_fresh=True)])
    app = realm.asgi_middleware(app, options)      # Starlette, FastAPI, any ASGI app
    app = realm.wsgi_middleware(app, options)      # Flask, Django, any WSGI app

Route code reads the verified claims with :func:`realmid.claims_from`. The decisions live in
:mod:`realmid.middleware.core` (sans-IO); the I/O sequence in ``realmid.middleware._async.flow``
(its sync twin is generated); :mod:`.asgi` and :mod:`.wsgi` adapt it to the two interfaces.
FastAPI and Flask helpers are in :mod:`.fastapi` and :mod:`.flask`, Starlette's
``AuthenticationBackend`` in :mod:`.starlette`, Django and DRF in :mod:`.django`
(``RealmMiddleware``, ``require_mfa``, ``auth_urls``) and :mod:`.drf`
(``RealmAuthentication``, ``MFAFresh``) — optional extras: nothing here imports a framework.
"""

from __future__ import annotations

from realmid.middleware.claims import claims_from
from realmid.middleware.options import (
    DEFAULT_EXEMPT_PATHS,
    DEFAULT_MFA_MAX_AGE,
    FRESH_WINDOW,
    MFAGateReason,
    MFARule,
    MiddlewareOptions,
)

__all__ = [
    "DEFAULT_EXEMPT_PATHS",
    "DEFAULT_MFA_MAX_AGE",
    "FRESH_WINDOW",
    "MFAGateReason",
    "MFARule",
    "MiddlewareOptions",
    "claims_from",
]
