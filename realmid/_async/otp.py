"""The partner OTP primitive (``realm.otp``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncOtp:
    """The partner OTP primitive."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
