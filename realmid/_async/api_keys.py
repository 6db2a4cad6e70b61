"""Realm API keys (``realm.api_keys``, SPEC §6.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncApiKeys:
    """Realm API keys."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
