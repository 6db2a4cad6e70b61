"""Importing every handler module fills :data:`ROUTES`; the dispatcher serves from it."""

from __future__ import annotations

from realmid.testing.handlers import admin, auth, origins, otp, realm, roles, tenants, users
from realmid.testing.handlers.registry import ROUTES, Route

MODULES = (admin, auth, origins, otp, realm, roles, tenants, users)

__all__ = ["MODULES", "ROUTES", "Route"]
