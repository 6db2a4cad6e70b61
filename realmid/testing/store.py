"""All emulator state in one place, guarded by one re-entrant lock.

Handlers run synchronously under :attr:`Store.lock` (never across an ``await``), and the
Python-side helpers that tests call from their own threads take the same lock, so every
operation sees and leaves a consistent state.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from realmid.testing.clock import Clock
from realmid.testing.keys import KeyRing, ProviderKeys
from realmid.testing.model import (
    ApiKey,
    AuditEvent,
    DomainVerification,
    Invitation,
    Membership,
    MfaChallenge,
    Origin,
    Otp,
    OtpMisses,
    PlatformGrant,
    Realm,
    Role,
    Session,
    Tenant,
    User,
)

DEFAULT_OTP_TTL = 600


class Store:
    """The in-memory issuer: tables keyed by id plus a few secondary indexes."""

    def __init__(self, clock: Clock, keys: KeyRing | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.keys = keys if keys is not None else KeyRing(self.lock)
        self.provider = ProviderKeys()
        self.base_url = ""
        self.otp_ttl = DEFAULT_OTP_TTL
        self.realms: dict[str, Realm] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.platform_by_access: dict[str, PlatformGrant] = {}
        self.platform_by_refresh: dict[str, PlatformGrant] = {}
        self.tenants: dict[str, Tenant] = {}
        self.users: dict[str, User] = {}
        self.memberships: dict[tuple[str, str], Membership] = {}
        self.sessions: dict[str, Session] = {}
        self.live_refresh: dict[str, str] = {}
        self.retired_refresh: dict[str, str] = {}
        self.challenges: dict[str, MfaChallenge] = {}
        self.invitations: dict[str, Invitation] = {}
        self.roles: dict[str, Role] = {}
        self.verifications: dict[str, DomainVerification] = {}
        self.origins: dict[str, Origin] = {}
        self.otps: dict[str, Otp] = {}
        self.otp_misses: dict[tuple[str, str, str], OtpMisses] = {}
        self.events: list[AuditEvent] = []
        self.txt_records: dict[str, list[str]] = {}
        self.files: dict[tuple[str, str], str] = {}
        self._seq = itertools.count(1)

    def now(self) -> float:
        """The emulator clock."""
        return self.clock.now()

    def next_seq(self) -> int:
        """The next creation counter value."""
        return next(self._seq)

    # ------------------------------------------------------------------ lookups

    def realm(self, realm_id: str) -> Realm | None:
        """The realm with this id, if any."""
        return self.realms.get(realm_id)

    def tenant_in(self, realm_id: str, tenant_id: str) -> Tenant | None:
        """The tenant if it belongs to ``realm_id`` (another realm's tenant is "absent")."""
        tenant = self.tenants.get(tenant_id)
        return tenant if tenant is not None and tenant.realm_id == realm_id else None

    def user_in(self, realm_id: str, user_id: str) -> User | None:
        """The user if they belong to ``realm_id``."""
        user = self.users.get(user_id)
        return user if user is not None and user.realm_id == realm_id else None

    def user_by_email(self, realm_id: str, email: str) -> User | None:
        """The realm's user with this email (case-insensitive), if any."""
        wanted = email.strip().lower()
        for user in self.users.values():
            if user.realm_id == realm_id and user.email.lower() == wanted:
                return user
        return None

    def memberships_of(self, user_id: str) -> list[Membership]:
        """The user's tenant memberships, oldest first."""
        found = [m for m in self.memberships.values() if m.user_id == user_id]
        return sorted(found, key=lambda m: m.seq)

    def members_of(self, tenant_id: str) -> list[Membership]:
        """The tenant's memberships, oldest first."""
        found = [m for m in self.memberships.values() if m.tenant_id == tenant_id]
        return sorted(found, key=lambda m: m.seq)

    def membership(self, user_id: str, tenant_id: str) -> Membership | None:
        """The user's membership of the tenant, if any."""
        return self.memberships.get((user_id, tenant_id))

    def role_named(self, realm_id: str, name: str) -> Role | None:
        """The catalog role called ``name``."""
        for role in self.roles.values():
            if role.realm_id == realm_id and role.name == name:
                return role
        return None

    def role_by_ref(self, realm_id: str, ref: str) -> Role | None:
        """A catalog role by id, or by name (the reference passes either as ``role_id``)."""
        role = self.roles.get(ref)
        if role is not None and role.realm_id == realm_id:
            return role
        return self.role_named(realm_id, ref)

    def live_sessions(self, user_id: str) -> list[Session]:
        """The user's sessions that are not revoked, oldest first."""
        found = [s for s in self.sessions.values() if s.user_id == user_id and s.revoked_at is None]
        return sorted(found, key=lambda s: s.seq)

    def live_origins(self, realm_id: str) -> list[Origin]:
        """The realm's origin allowlist (rows not detached), oldest first."""
        found = [
            o for o in self.origins.values() if o.realm_id == realm_id and o.detached_at is None
        ]
        return sorted(found, key=lambda o: o.seq)

    # ------------------------------------------------------------------ audit

    def audit(self, kind: str, **fields: Any) -> AuditEvent:
        """Append an audit event stamped with the emulator clock."""
        event = AuditEvent(
            id=len(self.events) + 1, occurred_at=int(self.now()), kind=kind, **fields
        )
        self.events.append(event)
        realm = self.realms.get(event.platform_id or "")
        if realm is not None:
            realm.last_activity_at = self.now()
        return event
