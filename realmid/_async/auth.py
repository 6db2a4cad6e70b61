"""Login, refresh, MFA, OTP login, logout and sessions (``realm.auth``, SPEC §4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncAuth:
    """Login, refresh, MFA, OTP login, logout and sessions."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
