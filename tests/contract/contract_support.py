"""Helpers for the contract tests: bearer tokens for a running emulator, the schemathesis tally."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from realmid.testing import RealmEmulator

# A token this close to its expiry (emulator clock, seconds) is refreshed before it is sent.
REFRESH_MARGIN = 30.0


@dataclass
class SchemathesisTally:
    """Which operations schemathesis drove, and how many generated cases it sent."""

    operations: set[str] = field(default_factory=set)
    cases: int = 0

    def record(self, operation_id: str) -> None:
        self.operations.add(operation_id)
        self.cases += 1


class Credentials:
    """Bearers for the default realm of a running emulator, minted on demand and kept fresh.

    The platform pair comes from the ``platform_api_key`` login grant and its access token is
    renewed with the ``platform_refresh`` grant; the user token is a seeded session's.
    """

    def __init__(self, emu: RealmEmulator, user_id: str) -> None:
        self.emu = emu
        self.user_id = user_id
        self.http = httpx.Client(base_url=emu.base_url, timeout=10)
        self._platform: dict[str, Any] | None = None
        self._platform_expires_at = 0.0
        self._user: str | None = None
        self._user_expires_at = 0.0

    def close(self) -> None:
        self.http.close()

    def _stale(self, expires_at: float) -> bool:
        return self.emu.now() >= expires_at - REFRESH_MARGIN

    def _take_platform(self, response: httpx.Response) -> None:
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        self._platform = body
        self._platform_expires_at = self.emu.now() + int(body["expires_in"])

    def _platform_grant(self) -> dict[str, Any]:
        if self._platform is None:
            self._take_platform(
                self.http.post(
                    "/auth/login",
                    json={
                        "grant_type": "platform_api_key",
                        "realm_id": self.emu.realm_id,
                        "api_key": self.emu.api_key,
                    },
                )
            )
        elif self._stale(self._platform_expires_at):
            refresh_token = self._platform["refresh_token"]
            self._take_platform(
                self.http.post(
                    "/auth/token",
                    json={"grant_type": "platform_refresh"},
                    headers={"Authorization": f"Bearer {refresh_token}"},
                )
            )
        assert self._platform is not None
        return self._platform

    def platform_access(self) -> str:
        """A live platform access token."""
        return str(self._platform_grant()["access_token"])

    def platform_refresh(self) -> str:
        """The platform refresh token."""
        return str(self._platform_grant()["refresh_token"])

    def user_access(self) -> str:
        """A live access token of the seeded user."""
        if self._user is None or self._stale(self._user_expires_at):
            session = self.emu.session_for(self.user_id)
            self._user = str(session["access_token"])
            self._user_expires_at = self.emu.now() + int(session["expires_in"])
        return self._user

    def bearer(self, scheme: str) -> str:
        """The token for an OpenAPI security scheme of the contract."""
        if scheme == "platformBearer":
            return self.platform_access()
        if scheme == "platformRefreshBearer":
            return self.platform_refresh()
        if scheme == "userBearer":
            return self.user_access()
        raise ValueError(f"no credentials for {scheme!r}")
