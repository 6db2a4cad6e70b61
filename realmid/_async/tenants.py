"""Tenants, their invitations and users (``realm.tenants``, SPEC §6.1-6.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from realmid_api.api.invitations import create_invitation, delete_invitation, list_invitations
from realmid_api.api.tenants import (
    claim_tenant_domain,
    create_tenant,
    delete_tenant,
    get_tenant,
    list_tenants,
    transfer_tenant_owner,
    update_tenant,
    update_tenant_config,
    update_user_role,
    verify_tenant_domain,
)
from realmid_api.api.users import (
    confirm_user_mfa,
    enroll_user_mfa,
    get_user,
    list_users,
    reset_user_mfa,
    update_user_status,
)
from realmid_api.models import (
    InvitationCreate,
    InvitationPage,
    MfaConfirmRequest,
    TenantConfigPatch,
    TenantCreate,
    TenantDomainClaimRequest,
    TenantPage,
    TenantPatch,
    TransferOwnerRequest,
    UserPage,
    UserRoleUpdate,
    UserStatusUpdate,
)

from realmid import _inputs, _telemetry
from realmid._async.pagination import AsyncPaginated
from realmid._http import new_idempotency_key
from realmid.errors import BadRequestError
from realmid.models import (
    ROLE_OWNER,
    DomainVerifyResult,
    Invitation,
    MFAEnrollResult,
    Tenant,
    TenantDomainClaim,
    UpdateUserRoleResult,
    User,
    UserStatus,
)

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("tenants")
class AsyncTenants:
    """Tenants of the realm (SPEC §6.1), with ``.invitations`` and ``.users``."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm
        self.invitations = AsyncInvitations(realm)
        self.users = AsyncUsers(realm)

    async def create(
        self,
        display_name: str,
        *,
        allowed_domains: Sequence[str] | None = None,
        signup_mode: str | None = None,
    ) -> Tenant:
        """Create a tenant.

        ``signup_mode`` is ``closed`` (the issuer's default: invitation only) or
        ``allowlist`` (users whose verified email domain is in ``allowed_domains`` join on
        first login); ``open`` is reserved for the base admin tenant::

            tenant = realm.tenants.create("Acme", signup_mode="allowlist",
                                          allowed_domains=["acme.com"])
        """
        body = TenantCreate(
            display_name=_inputs.non_empty("display_name", display_name),
            allowed_domains=None if allowed_domains is None else [*allowed_domains],
            signup_mode=signup_mode,
        )
        return await self._realm._call(
            create_tenant.asyncio_detailed,
            Tenant,
            body=body,
            idempotency_key=new_idempotency_key(),
        )

    async def get(self, tenant_id: str) -> Tenant:
        """One tenant; ``RealmError(not_found)`` when the realm has no such tenant."""
        return await self._realm._call(
            get_tenant.asyncio_detailed, Tenant, tenant_id=_inputs.path_id("tenant_id", tenant_id)
        )

    def list(self, *, limit: int | None = None) -> AsyncPaginated[Tenant]:
        """Every tenant of the realm, oldest first.

        Pages are fetched one at a time as you iterate::

            for tenant in realm.tenants.list():
                ...
        """
        return self._realm._paginate(list_tenants.asyncio_detailed, TenantPage, limit=limit)

    async def update(self, tenant_id: str, *, display_name: str | None = None) -> Tenant:
        """Patch a tenant's mutable fields (today: ``display_name``).

        A patch that changes nothing is a :class:`~realmid.BadRequestError`, raised before
        any request.
        """
        if display_name is None:
            raise BadRequestError("nothing to update: pass display_name=")
        return await self._realm._call(
            update_tenant.asyncio_detailed,
            Tenant,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            body=TenantPatch(display_name=_inputs.non_empty("display_name", display_name)),
        )

    async def delete(self, tenant_id: str) -> None:
        """Delete a tenant with its memberships, invitations and sessions."""
        await self._realm._send(
            delete_tenant.asyncio_detailed, tenant_id=_inputs.path_id("tenant_id", tenant_id)
        )

    async def transfer_owner(self, tenant_id: str, new_owner_user_id: str) -> Tenant:
        """Hand ownership to another member of the tenant; previous owners become members.

        The new owner must already be a member (``bad_request`` otherwise); an unknown user
        is ``not_found``. This is the only way to make someone ``owner``.
        """
        body = TransferOwnerRequest(
            new_owner_user_id=_inputs.non_empty("new_owner_user_id", new_owner_user_id)
        )
        return await self._realm._call(
            transfer_tenant_owner.asyncio_detailed,
            Tenant,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            body=body,
        )

    async def update_config(self, tenant_id: str, patch: Mapping[str, Any]) -> Tenant:
        """Merge ``patch`` into the tenant's config blob.

        A JSON merge: nested objects merge, ``None`` deletes a key::

            tenant = realm.tenants.update_config(tenant.id, {"theme": {"color": "teal"}})
        """
        body = TenantConfigPatch.from_dict(_inputs.json_object("patch", patch))
        return await self._realm._call(
            update_tenant_config.asyncio_detailed,
            Tenant,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            body=body,
        )

    async def update_user_role(
        self, tenant_id: str, user_id: str, role: str
    ) -> UpdateUserRoleResult:
        """Set a member's role to a role of the realm's catalog (see ``realm.roles``).

        ``role="owner"`` is refused here with a :class:`~realmid.BadRequestError` (a
        RealmError and a ValueError), before any request: ownership changes hands only
        through :meth:`transfer_owner`, which demotes the previous owner in the same step.
        Demoting the tenant's last owner raises :class:`~realmid.LastOwnerError`
        (``last_owner``); a role missing from the catalog raises
        :class:`~realmid.RoleNotFoundError`.
        """
        if role == ROLE_OWNER:
            raise BadRequestError(
                "role 'owner' cannot be granted with update_user_role; "
                "use realm.tenants.transfer_owner(tenant_id, user_id)"
            )
        return await self._realm._call(
            update_user_role.asyncio_detailed,
            UpdateUserRoleResult,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
            body=UserRoleUpdate(role=_inputs.non_empty("role", role)),
        )

    async def claim_domain(
        self,
        tenant_id: str,
        domain: str,
        *,
        method: str | None = None,
        realm_id: str | None = None,
    ) -> TenantDomainClaim:
        """Start (or repeat, idempotently) a tenant-owned claim of ``domain``.

        ``method`` is ``dns_txt`` (the issuer's default) or ``html_file``; the answer says
        what to publish: ``dns_record_name``/``dns_record_value`` or
        ``file_path``/``file_content``. Then call :meth:`verify_domain`. ``domain`` may be
        given as a URL or origin; it is reduced to its hostname (``realmid.normalize_origin``).
        ``realm_id`` defaults to this handle's realm.
        """
        body = TenantDomainClaimRequest(domain=_inputs.hostname("domain", domain), method=method)
        return await self._realm._call(
            claim_tenant_domain.asyncio_detailed,
            TenantDomainClaim,
            platform_id=_realm_id(self._realm, realm_id),
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            body=body,
            idempotency_key=new_idempotency_key(),
        )

    async def verify_domain(
        self, tenant_id: str, domain: str, *, realm_id: str | None = None
    ) -> DomainVerifyResult:
        """Check the published proof of a tenant's claim; on success bind the domain to it.

        ``verified`` is False (``status`` ``pending``) while the proof is not visible yet;
        call again once it is. A domain never claimed is ``not_found``.
        """
        return await self._realm._call(
            verify_tenant_domain.asyncio_detailed,
            DomainVerifyResult,
            platform_id=_realm_id(self._realm, realm_id),
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            domain=_inputs.hostname("domain", domain),
        )


@_telemetry.traced("tenants.invitations")
class AsyncInvitations:
    """Pending invitations into a tenant (``realm.tenants.invitations``)."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def create(self, tenant_id: str, email: str, *, role: str | None = None) -> Invitation:
        """Invite ``email`` into the tenant with ``role`` (default ``member``).

        The user joins on their first login with that (verified) email. ``owner`` cannot be
        granted by invitation; an existing member or a pending invitation is ``conflict``.
        """
        body = InvitationCreate(email=_inputs.non_empty("email", email), role=role)
        return await self._realm._call(
            create_invitation.asyncio_detailed,
            Invitation,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            body=body,
            idempotency_key=new_idempotency_key(),
        )

    def list(self, tenant_id: str, *, limit: int | None = None) -> AsyncPaginated[Invitation]:
        """The tenant's pending invitations, fetched page by page as you iterate."""
        return self._realm._paginate(
            list_invitations.asyncio_detailed,
            InvitationPage,
            limit=limit,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
        )

    async def delete(self, tenant_id: str, invitation_id: str) -> None:
        """Withdraw a pending invitation (``not_found`` once accepted or withdrawn)."""
        await self._realm._send(
            delete_invitation.asyncio_detailed,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            invitation_id=_inputs.path_id("invitation_id", invitation_id),
        )


@_telemetry.traced("tenants.users")
class AsyncUsers:
    """Users of a tenant (``realm.tenants.users``, SPEC §6.3)."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def get(self, tenant_id: str, user_id: str) -> User:
        """A member of the tenant, with the role they hold there."""
        return await self._realm._call(
            get_user.asyncio_detailed,
            User,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
        )

    def list(self, tenant_id: str, *, limit: int | None = None) -> AsyncPaginated[User]:
        """The tenant's members, fetched page by page as you iterate."""
        return self._realm._paginate(
            list_users.asyncio_detailed,
            UserPage,
            limit=limit,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
        )

    async def update_status(self, tenant_id: str, user_id: str, status: UserStatus | str) -> User:
        """Activate, suspend or deactivate a user (deactivation also ends their sessions).

        ``status`` is one of :class:`~realmid.models.UserStatus`; anything else is a
        :class:`~realmid.BadRequestError` before any request.
        """
        try:
            wanted = UserStatus(status)
        except ValueError:
            choices = ", ".join(s.value for s in UserStatus)
            raise BadRequestError(f"status must be one of {choices}, got {status!r}") from None
        return await self._realm._call(
            update_user_status.asyncio_detailed,
            User,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
            body=UserStatusUpdate(status=wanted.value),
        )

    async def enroll_mfa(self, tenant_id: str, user_id: str) -> MFAEnrollResult:
        """Start TOTP enrollment: the secret, its ``otpauth://`` URI and backup codes, once.

        Nothing is active until :meth:`confirm_mfa` sees a current code. A user whose MFA
        is already on is ``conflict`` (reset first).
        """
        wire = await self._realm._call(
            enroll_user_mfa.asyncio_detailed,
            MFAEnrollResult,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
        )
        return wire

    async def confirm_mfa(self, tenant_id: str, user_id: str, code: str) -> None:
        """Turn the pending enrollment on with a current TOTP code (``invalid_otp`` if wrong)."""
        await self._realm._send(
            confirm_user_mfa.asyncio_detailed,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
            body=MfaConfirmRequest(code=_inputs.non_empty("code", code)),
        )

    async def reset_mfa(self, tenant_id: str, user_id: str) -> None:
        """Remove the user's second factor (and any pending enrollment)."""
        await self._realm._send(
            reset_user_mfa.asyncio_detailed,
            tenant_id=_inputs.path_id("tenant_id", tenant_id),
            user_id=_inputs.path_id("user_id", user_id),
        )


def _realm_id(realm: AsyncRealm, realm_id: str | None) -> str:
    return realm.realm_id if realm_id is None else _inputs.path_id("realm_id", realm_id)
