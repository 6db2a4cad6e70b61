"""Tenants, their invitations and users (``realm.tenants``, SPEC §6.1-6.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncTenants:
    """Tenants, their invitations and users."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
