"""Realm domain claims (``realm.domains``, SPEC §6.4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncDomains:
    """Realm domain claims."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
