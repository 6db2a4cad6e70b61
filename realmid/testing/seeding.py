"""Python-side seeding shared by :class:`RealmEmulator` and the ``/_emulator`` control routes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyotp

from realmid.testing.directory import add_member, create_tenant, create_user
from realmid.testing.mfa import new_backup_codes, new_totp_secret
from realmid.testing.model import Mfa, Tenant
from realmid.testing.store import Store
from realmid.testing.tokens import open_session, session_body


@dataclass(frozen=True)
class SeededUser:
    """A user created by ``seed_user``: ids, and the MFA material when seeded with ``mfa=True``."""

    id: str
    email: str
    realm_id: str
    tenants: Mapping[str, str]
    totp_secret: str | None = None
    backup_codes: tuple[str, ...] = ()
    _clock: Callable[[], float] | None = field(default=None, repr=False, compare=False)

    @property
    def user_id(self) -> str:
        """Alias of :attr:`id`."""
        return self.id

    @property
    def tenant_id(self) -> str | None:
        """The first tenant the user was seeded into, if any."""
        return next(iter(self.tenants), None)

    def totp_now(self) -> str:
        """The current TOTP code on the emulator's clock (honours ``emu.advance``)."""
        if self.totp_secret is None:
            raise ValueError("this user was seeded without MFA")
        now = self._clock() if self._clock is not None else None
        totp = pyotp.TOTP(self.totp_secret)
        return totp.at(int(now)) if now is not None else totp.now()

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (for the control surface)."""
        return {
            "id": self.id,
            "email": self.email,
            "realm_id": self.realm_id,
            "tenants": dict(self.tenants),
            "totp_secret": self.totp_secret,
            "backup_codes": list(self.backup_codes),
        }


def require_realm(store: Store, realm_id: str) -> None:
    """ValueError unless the realm exists."""
    if store.realm(realm_id) is None:
        raise ValueError(f"no realm {realm_id!r}")


def seed_tenant(
    store: Store,
    realm_id: str,
    display_name: str,
    *,
    owner_email: str | None = None,
    allowed_domains: tuple[str, ...] = (),
    signup_mode: str = "closed",
) -> Tenant:
    """A tenant, optionally with an owner (created as a user if the email is new)."""
    with store.lock:
        require_realm(store, realm_id)
        tenant = create_tenant(
            store,
            realm_id,
            display_name,
            allowed_domains=allowed_domains,
            signup_mode=signup_mode,
        )
        if owner_email is not None:
            owner = store.user_by_email(realm_id, owner_email) or create_user(
                store, realm_id, owner_email
            )
            add_member(store, owner, tenant, "owner")
        return tenant


def seed_user(
    store: Store,
    realm_id: str,
    email: str,
    *,
    tenants: Mapping[str, str] | None = None,
    status: str = "active",
    display_name: str | None = None,
    mfa: bool = False,
) -> SeededUser:
    """A user with memberships (``{tenant_id: role}``) and, with ``mfa``, a confirmed TOTP."""
    with store.lock:
        require_realm(store, realm_id)
        for tenant_id, role in (tenants or {}).items():
            if store.tenant_in(realm_id, tenant_id) is None:
                raise ValueError(f"no tenant {tenant_id!r} in realm {realm_id!r}")
            if store.role_named(realm_id, role) is None:
                raise ValueError(f"no role {role!r} in the realm's catalog; create_role first")
        user = create_user(store, realm_id, email, display_name=display_name, status=status)
        for tenant_id, role in (tenants or {}).items():
            add_member(store, user, store.tenants[tenant_id], role)
        secret = None
        codes: list[str] = []
        if mfa:
            secret = new_totp_secret()
            codes = new_backup_codes()
            user.mfa = Mfa(secret=secret, backup_codes=set(codes))
        return SeededUser(
            id=user.id,
            email=user.email,
            realm_id=realm_id,
            tenants=dict(tenants or {}),
            totp_secret=secret,
            backup_codes=tuple(codes),
            _clock=store.now,
        )


def seed_session(
    store: Store,
    user_id: str,
    tenant_id: str | None = None,
    *,
    mfa: bool = False,
) -> dict[str, Any]:
    """A live session for a user without the HTTP login dance; returns the Session body."""
    with store.lock:
        user = store.users.get(user_id)
        if user is None:
            raise ValueError(f"no user {user_id!r}")
        memberships = store.memberships_of(user.id)
        if tenant_id is None:
            if not memberships:
                raise ValueError("the user belongs to no tenant")
            tenant_id = memberships[0].tenant_id
        elif store.membership(user.id, tenant_id) is None:
            raise ValueError(f"the user is not a member of {tenant_id!r}")
        amr = ["fed", "otp", "mfa"] if mfa else ["fed"]
        session = open_session(
            store, user, tenant_id, amr=amr, mfa_at=int(store.now()) if mfa else None
        )
        return session_body(store, session)
