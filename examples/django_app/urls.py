"""The example's URLs.

The middleware answers ``POST /login``, ``/token``, ``/logout`` and ``/mfa/verify`` itself;
``auth/`` serves the same routes as views (``/auth/login``, ...), to show that mounting.
"""

from __future__ import annotations

from django.urls import include, path  # type: ignore[import-untyped]

from examples.django_app import views
from realmid.middleware.django import auth_urls

urlpatterns = [
    path("health", views.health),
    path("dev/provider-token", views.provider_token),
    path("auth/", include(auth_urls())),
    path("api/me", views.me),
    path("api/me-async", views.me_async),
    path("api/billing/invoices", views.billing),
    path("api/account/close", views.close_account),
    path("api/drf/me", views.DRFMe.as_view()),
    path("api/drf/payout", views.DRFPayout.as_view()),
]
