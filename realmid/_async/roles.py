"""Platform-defined roles (``realm.roles``, ADR-040)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncRoles:
    """Platform-defined roles."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
