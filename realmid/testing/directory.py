"""A realm's directory: tenants, users, memberships, roles and invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from realmid.testing.ids import new_id, rfc3339
from realmid.testing.model import Invitation, Membership, Role, Tenant, User
from realmid.testing.store import Store

USER_STATUSES = ("active", "suspended", "deactivated")
TENANT_SIGNUP_MODES = ("closed", "allowlist")


def create_tenant(
    store: Store,
    realm_id: str,
    display_name: str,
    *,
    allowed_domains: Iterable[str] = (),
    signup_mode: str = "closed",
) -> Tenant:
    """A new tenant with no members (and so no owner yet)."""
    with store.lock:
        now = store.now()
        tenant = Tenant(
            id=new_id("ten"),
            realm_id=realm_id,
            display_name=display_name,
            signup_mode=signup_mode,
            allowed_domains=[d.strip().lower() for d in allowed_domains],
            config={},
            created_at=now,
            updated_at=now,
            seq=store.next_seq(),
        )
        store.tenants[tenant.id] = tenant
        return tenant


def delete_tenant(store: Store, tenant: Tenant) -> None:
    """Remove a tenant with its memberships, invitations, OTPs and origins; end its sessions."""
    with store.lock:
        now = store.now()
        del store.tenants[tenant.id]
        for key in [k for k in store.memberships if k[1] == tenant.id]:
            del store.memberships[key]
        for inv_id in [i.id for i in store.invitations.values() if i.tenant_id == tenant.id]:
            del store.invitations[inv_id]
        for otp_id in [o.id for o in store.otps.values() if o.tenant_id == tenant.id]:
            del store.otps[otp_id]
        for session in store.sessions.values():
            if session.tenant_id == tenant.id and session.revoked_at is None:
                session.revoked_at = now
        for origin in store.origins.values():
            if origin.entity_id == tenant.id and origin.detached_at is None:
                origin.detached_at = now


def create_user(
    store: Store,
    realm_id: str,
    email: str,
    *,
    display_name: str | None = None,
    status: str = "active",
) -> User:
    """A new user of the realm; the email must not be taken in the realm."""
    if status not in USER_STATUSES:
        raise ValueError(f"unknown user status {status!r}")
    with store.lock:
        if store.user_by_email(realm_id, email) is not None:
            raise ValueError(f"{email} is already a user of the realm")
        user = User(
            id=new_id("usr"),
            realm_id=realm_id,
            email=email.strip(),
            display_name=display_name,
            status=status,
            created_at=store.now(),
            seq=store.next_seq(),
        )
        store.users[user.id] = user
        return user


def add_member(store: Store, user: User, tenant: Tenant, role: str) -> Membership:
    """Make ``user`` a member of ``tenant`` with ``role`` (an owner becomes the tenant's owner)."""
    with store.lock:
        existing = store.membership(user.id, tenant.id)
        if existing is not None:
            existing.role = role
            existing.updated_at = store.now()
            membership = existing
        else:
            membership = Membership(user.id, tenant.id, role, store.next_seq(), store.now())
            store.memberships[(user.id, tenant.id)] = membership
        if role == "owner" and tenant.owner_user_id is None:
            tenant.owner_user_id = user.id
        return membership


def owners_of(store: Store, tenant_id: str) -> list[Membership]:
    """The tenant's members holding the ``owner`` role."""
    return [m for m in store.members_of(tenant_id) if m.role == "owner"]


def create_role(
    store: Store,
    realm_id: str,
    name: str,
    *,
    display_name: str | None = None,
    permissions: Iterable[str] = (),
) -> Role:
    """A new custom role in the realm's catalog."""
    with store.lock:
        if store.role_named(realm_id, name) is not None:
            raise ValueError(f"role {name!r} already exists")
        now = store.now()
        role = Role(
            id=new_id("role"),
            realm_id=realm_id,
            name=name,
            display_name=display_name,
            permissions=list(permissions),
            is_system=False,
            created_at=now,
            updated_at=now,
            seq=store.next_seq(),
        )
        store.roles[role.id] = role
        return role


def pending_invitations(store: Store, realm_id: str, email: str) -> list[Invitation]:
    """The realm's pending invitations for ``email``, oldest first."""
    wanted = email.strip().lower()
    found = [
        inv
        for inv in store.invitations.values()
        if inv.realm_id == realm_id and inv.status == "pending" and inv.email == wanted
    ]
    return sorted(found, key=lambda inv: inv.seq)


# ---------------------------------------------------------------------- wire shapes


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    # Optional members are omitted rather than sent as null: the schemas type them as
    # plain strings.
    return {key: value for key, value in body.items() if value is not None}


def tenant_body(tenant: Tenant) -> dict[str, Any]:
    """The ``Tenant`` body (plus the signup settings, which the schema lets through)."""
    return _compact(
        {
            "id": tenant.id,
            "display_name": tenant.display_name,
            "owner_user_id": tenant.owner_user_id,
            "config": tenant.config,
            "signup_mode": tenant.signup_mode,
            "allowed_domains": tenant.allowed_domains,
            "created_at": rfc3339(tenant.created_at),
            "updated_at": rfc3339(tenant.updated_at),
        }
    )


def user_body(user: User, membership: Membership | None = None) -> dict[str, Any]:
    """The ``User`` body, with the role held in the tenant it is read through."""
    return _compact(
        {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "status": user.status,
            "mfa_enabled": user.mfa.enabled,
            "role": membership.role if membership is not None else None,
        }
    )


def user_summary(user: User) -> dict[str, Any]:
    """The ``UserSummary`` body."""
    return _compact({"id": user.id, "email": user.email, "display_name": user.display_name})


def tenant_refs(store: Store, user: User) -> list[dict[str, Any]]:
    """The user's tenants as ``TenantRef`` bodies, oldest membership first."""
    refs = []
    for membership in store.memberships_of(user.id):
        tenant = store.tenants.get(membership.tenant_id)
        if tenant is not None:
            refs.append(
                {
                    "tenant_id": tenant.id,
                    "role": membership.role,
                    "display_name": tenant.display_name,
                }
            )
    return refs


def invitation_body(invitation: Invitation) -> dict[str, Any]:
    """The ``Invitation`` body."""
    return {
        "id": invitation.id,
        "tenant_id": invitation.tenant_id,
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation.status,
    }


def role_body(role: Role) -> dict[str, Any]:
    """The ``RoleObject`` body."""
    return _compact(
        {
            "id": role.id,
            "name": role.name,
            "display_name": role.display_name,
            "permissions": role.permissions,
            "is_system": role.is_system,
            "created_at": int(role.created_at),
            "updated_at": int(role.updated_at),
        }
    )
