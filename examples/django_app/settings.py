"""The example's Django settings: one file, no database.

``REALMID`` comes from the environment (``python -m examples.django_app`` sets it to a
local emulator when ``REALMID_REALM_ID`` / ``REALMID_API_KEY`` are not set).
"""

from __future__ import annotations

import os
from typing import Any

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "examples.django_app.urls"
USE_TZ = True
DATABASES: dict[str, Any] = {}  # no models: the identity comes from the token

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",  # request.user is Django's AnonymousUser when no token
    "rest_framework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "realmid.middleware.django.RealmMiddleware",
]

REALMID: dict[str, Any] = {
    "realm_id": os.environ.get("REALMID_REALM_ID", ""),
    "api_key": os.environ.get("REALMID_API_KEY", ""),
    "base_url": os.environ.get("REALMID_BASE_URL", "https://auth.realmid.dev"),
    "exempt_paths": ["/health", "/public/*", "/dev/*"],
    "mfa_protected_paths": ["/api/billing/**"],
    "token_delivery": os.environ.get("REALMID_TOKEN_DELIVERY", "cookie"),
    "cookie_secure": os.environ.get("REALMID_COOKIE_SECURE", "1") != "0",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["realmid.middleware.drf.RealmAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {"version": 1, "disable_existing_loggers": False}
