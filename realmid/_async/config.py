"""Realm configuration (``realm.config``, SPEC §6.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncConfig:
    """Realm configuration."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
