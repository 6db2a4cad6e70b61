"""A Django project guarded by ``realmid.middleware.django.RealmMiddleware`` (with DRF).

- ``GET /health``: public (an exempt path);
- ``GET /api/me`` (sync view), ``/api/me-async`` (async view): guarded; ``request.user``
  is a ``RealmUser`` and ``realmid.claims_from(request)`` answers the claims;
- ``GET /api/billing/invoices``: an MFA rule of ``REALMID["mfa_protected_paths"]``;
- ``POST /api/account/close``: ``@require_mfa(require_fresh=True)`` on the view;
- ``GET /api/drf/me``, ``POST /api/drf/payout``: DRF views with ``RealmAuthentication``
  and ``mfa_fresh(max_age=300)``;
- ``POST /login``, ``/token``, ``/logout``, ``/mfa/verify``: answered by the middleware;
  the same routes as views under ``/auth/``;
- ``GET /dev/provider-token``: the demo user's provider token (emulator runs only).

``python -m examples.django_app`` runs it against the realm of ``REALMID_REALM_ID`` /
``REALMID_API_KEY`` (``REALMID_BASE_URL``), or a local emulator with a demo user.
"""

from __future__ import annotations

from typing import Any

__all__ = ["configure"]


def configure(**overrides: Any) -> None:
    """Configure Django from ``examples.django_app.settings`` plus ``overrides``, once.

    For a process that has no ``DJANGO_SETTINGS_MODULE`` (the tests); a second call is a
    no-op, since Django's settings can be configured only once per process.
    """
    import django  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]

    if settings.configured:
        return
    from examples.django_app import settings as example

    values = {name: getattr(example, name) for name in dir(example) if name.isupper()}
    settings.configure(**{**values, **overrides})
    django.setup()
