"""``/tenants/{id}/users/*`` (status, MFA enrollment) and ``/tenants/{id}/invitations``."""

from __future__ import annotations

from realmid.testing.call import Call, Reply
from realmid.testing.directory import invitation_body, user_body
from realmid.testing.errors import bad_request, conflict, not_found
from realmid.testing.handlers.registry import operation
from realmid.testing.ids import new_id
from realmid.testing.mfa import new_backup_codes, new_totp_secret, otpauth_uri, totp_matches
from realmid.testing.model import Invitation, Membership, Mfa, Tenant, User
from realmid.testing.tokens import revoke_session


def member(call: Call) -> tuple[Tenant, User, Membership]:
    """The tenant, and the ``{user_id}`` member of it (404 when not a member)."""
    tenant = call.tenant()
    user = call.store.user_in(tenant.realm_id, call.path["user_id"])
    membership = call.store.membership(user.id, tenant.id) if user is not None else None
    if user is None or membership is None:
        raise not_found("no such user in this tenant")
    return tenant, user, membership


@operation("list_users")
def list_users(call: Call) -> Reply:
    """``GET /tenants/{id}/users``: the tenant's members, oldest membership first."""
    tenant = call.tenant()
    store = call.store
    members = store.members_of(tenant.id)
    return call.page(members, lambda m: user_body(store.users[m.user_id], m), key=lambda m: m.seq)


@operation("get_user")
def get_user(call: Call) -> Reply:
    """``GET /tenants/{id}/users/{uid}``."""
    _, user, membership = member(call)
    return Reply(200, user_body(user, membership))


@operation("update_user_status")
def update_user_status(call: Call) -> Reply:
    """``PATCH .../status``: active / suspended / deactivated (deactivation ends sessions)."""
    tenant, user, membership = member(call)
    status = call.field("status")
    user.status = status
    if status == "deactivated":
        for session in call.store.live_sessions(user.id):
            revoke_session(call.store, session)
    call.audit(
        "user.status_updated",
        target_type="user",
        target_id=user.id,
        tenant_id=tenant.id,
        summary=f"status set to {status}",
    )
    return Reply(200, user_body(user, membership))


@operation("enroll_user_mfa")
def enroll_user_mfa(call: Call) -> Reply:
    """``POST .../mfa/enroll``: a pending TOTP secret and backup codes, shown once."""
    tenant, user, _ = member(call)
    if user.mfa.enabled:
        raise conflict("MFA is already enabled; reset it before enrolling again")
    user.mfa.pending_secret = new_totp_secret()
    user.mfa.pending_backup_codes = new_backup_codes()
    call.audit("user.mfa_enrolled", target_type="user", target_id=user.id, tenant_id=tenant.id)
    body = {
        "secret": user.mfa.pending_secret,
        "otpauth_uri": otpauth_uri(user.mfa.pending_secret, user.email),
        "backup_codes": list(user.mfa.pending_backup_codes),
    }
    return Reply(200, body)


@operation("confirm_user_mfa")
def confirm_user_mfa(call: Call) -> Reply:
    """``POST .../mfa/confirm``: a current TOTP code turns the pending enrollment on."""
    tenant, user, _ = member(call)
    pending = user.mfa.pending_secret
    if pending is None:
        if user.mfa.enabled:
            raise conflict("MFA is already enabled")
        raise conflict("no MFA enrollment in progress; enroll first")
    if not totp_matches(pending, call.field("code"), call.store.now()):
        raise bad_request("the code does not match the enrolled secret", "invalid_otp")
    user.mfa = Mfa(secret=pending, backup_codes=set(user.mfa.pending_backup_codes))
    call.audit("user.mfa_confirmed", target_type="user", target_id=user.id, tenant_id=tenant.id)
    return Reply(204)


@operation("reset_user_mfa")
def reset_user_mfa(call: Call) -> Reply:
    """``DELETE .../mfa``: forget the user's factor (and any pending enrollment)."""
    tenant, user, _ = member(call)
    user.mfa = Mfa()
    call.audit("user.mfa_reset", target_type="user", target_id=user.id, tenant_id=tenant.id)
    return Reply(204)


# ---------------------------------------------------------------------- invitations


@operation("create_invitation")
def create_invitation(call: Call) -> Reply:
    """``POST /tenants/{id}/invitations``: invite an email with a catalog role."""
    store = call.store
    tenant = call.tenant()
    email = str(call.field("email")).strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain:
        raise bad_request("email: not an email address")
    role = call.field("role") or "member"
    if role == "owner":
        raise bad_request("invitations cannot grant owner; use transfer-owner after joining")
    if store.role_named(tenant.realm_id, role) is None:
        raise not_found(f"no role {role!r} in the catalog", "role_not_found")
    existing = store.user_by_email(tenant.realm_id, email)
    if existing is not None and store.membership(existing.id, tenant.id) is not None:
        raise conflict(f"{email} is already a member of this tenant")
    for invitation in store.invitations.values():
        if (invitation.tenant_id, invitation.email, invitation.status) == (
            tenant.id,
            email,
            "pending",
        ):
            raise conflict(f"{email} already has a pending invitation")
    invitation = Invitation(
        id=new_id("inv"),
        realm_id=tenant.realm_id,
        tenant_id=tenant.id,
        email=email,
        role=role,
        status="pending",
        created_at=store.now(),
        seq=store.next_seq(),
    )
    store.invitations[invitation.id] = invitation
    call.audit(
        "invitation.created",
        target_type="invitation",
        target_id=invitation.id,
        tenant_id=tenant.id,
        summary=f"{email} as {role}",
    )
    return Reply(201, invitation_body(invitation))


@operation("list_invitations")
def list_invitations(call: Call) -> Reply:
    """``GET /tenants/{id}/invitations``: the tenant's pending invitations."""
    tenant = call.tenant()
    pending = sorted(
        (
            inv
            for inv in call.store.invitations.values()
            if inv.tenant_id == tenant.id and inv.status == "pending"
        ),
        key=lambda inv: inv.seq,
    )
    return call.page(pending, invitation_body, key=lambda inv: inv.seq)


@operation("delete_invitation")
def delete_invitation(call: Call) -> Reply:
    """``DELETE /tenants/{id}/invitations/{iid}``: withdraw a pending invitation."""
    tenant = call.tenant()
    invitation = call.store.invitations.get(call.path["invitation_id"])
    if invitation is None or invitation.tenant_id != tenant.id or invitation.status != "pending":
        raise not_found("no such invitation")
    del call.store.invitations[invitation.id]
    call.audit(
        "invitation.deleted", target_type="invitation", target_id=invitation.id, tenant_id=tenant.id
    )
    return Reply(204)
