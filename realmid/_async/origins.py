"""The realm's origin allowlist (``realm.origins``, ADR-047/049)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncOrigins:
    """The realm's origin allowlist."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
