"""Operator views (``realm.admin``, ADR-048, SPEC §7.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncAdmin:
    """Operator views."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
