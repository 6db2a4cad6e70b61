"""Value types the facade returns where it adds meaning to the generated wire models."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

import attrs
from realmid_api.models import (
    AdminEventsResponse,
    AdminPlatformsResponse,
    AdminSearchResponse,
    AdminStats,
    AuditEvent,
    DomainClaim,
    DomainTxt,
    DomainVerifyResult,
    Invitation,
    Origin,
    OriginClaim,
    PlatformOwner,
    PlatformSummary,
    RealmConfig,
    RoleDeleteResult,
    RoleListPage,
    RoleObject,
    SearchHit,
    SessionInfo,
    Tenant,
    TenantDomainClaim,
    UpdateUserRoleResult,
    User,
)


@attrs.frozen
class RealmInfo:
    """Realm metadata (``realm.info()``), cached for the handle's lifetime.

    ``audience`` is the realm's canonical ``aud``: the verifier's default audience and,
    when no ``origin`` is configured, the ``Origin`` sent on auth calls.
    """

    id: str
    audience: str = ""
    domain: str = ""
    display_name: str = ""
    extra: dict[str, Any] = attrs.field(factory=dict)


T = TypeVar("T")

# The two system roles of every realm (ADR-040); every other role name is partner-defined.
ROLE_OWNER = "owner"
ROLE_MEMBER = "member"


@attrs.frozen
class Page(Generic[T]):
    """One page of a list, in the wire's page envelope shape (SPEC §7)."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


# ---------------------------------------------------------------------------------------
# The resources' answers (realm.auth, realm.tenants, ... realm.otp).
#
# Where the wire model says all there is to say, the generated attrs model is re-exported
# as is. The facade's own types below exist where it adds meaning: timestamps parsed to
# aware datetimes, a user filled in from the access token, an empty result with a name,
# and above all secrets (tokens, OTP values, API key secrets, TOTP material) kept out of
# ``repr()``, so a log line or a traceback never prints one.


class UserStatus(StrEnum):
    """The statuses ``realm.tenants.users.update_status`` can set."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"


@attrs.frozen
class UserSummary:
    """The user a session belongs to.

    When the issuer's answer omits it, ``id`` and ``email`` come from the access token's
    ``sub`` and ``email`` claims (read, not verified: the token was just received from the
    issuer itself; use ``realm.verify`` to authenticate a token a client presents).
    """

    id: str
    email: str = ""
    display_name: str = ""
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class TenantRef:
    """A tenant the user belongs to, with their role there (in ``Session.tenants``)."""

    tenant_id: str
    role: str
    display_name: str = ""
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Session:
    """A user session: the answer of ``login``, ``mfa_verify``, ``mfa_verify_otp``, ``otp_login``.

    ``tenant_id`` / ``role`` are the tenant the login resolved to. When the user belongs to
    several tenants and none was chosen, the issuer mints nothing: the Session has empty
    tokens, ``needs_tenant_choice`` is True and ``tenants`` lists the choices; log in again
    with ``tenant_id=``. The tokens are never shown by ``repr()``.
    """

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_in: int
    expires_at: datetime | None = None
    expires_at_raw: str = ""
    tenant_id: str = ""
    role: str = ""
    user: UserSummary = attrs.field(factory=lambda: UserSummary(id=""))
    tenants: tuple[TenantRef, ...] = ()
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def needs_tenant_choice(self) -> bool:
        """True for the several-tenants answer: no tokens yet, pick one of ``tenants``."""
        return not self.access_token


@attrs.frozen
class MintResult:
    """The answer of ``realm.auth.token``: the rotated pair, for ``tenant_id`` with ``role``."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_in: int
    tenant_id: str = ""
    role: str = ""
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class MFAChallenge:
    """A step-up challenge from ``realm.auth.mint_mfa_challenge``.

    Empty (``token == ""``, ``available`` False) when the issuer has no challenge endpoint
    for this session, so the caller falls back to a plain 412 without a pre-minted one.
    """

    token: str = attrs.field(default="", repr=False)
    methods: tuple[str, ...] = ()
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def available(self) -> bool:
        """Whether a challenge was minted."""
        return bool(self.token)


@attrs.frozen
class APIKey:
    """A realm API key. ``secret`` is only set in the answer of ``create`` and never shown."""

    id: str
    display_name: str = ""
    prefix: str = ""
    secret: str = attrs.field(default="", repr=False)
    scopes: tuple[str, ...] = ()
    created_at: str = ""
    revoked_at: str = ""
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class MFAEnrollResult:
    """TOTP enrollment material, shown once; none of it is printed by ``repr()``."""

    secret: str = attrs.field(default="", repr=False)
    otpauth_uri: str = attrs.field(default="", repr=False)  # embeds the secret
    backup_codes: tuple[str, ...] = attrs.field(default=(), repr=False)
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class IssueResponse:
    """A freshly issued OTP. ``value`` is the plaintext, returned this once."""

    id: str
    value: str = attrs.field(repr=False)
    expires_at: datetime | None
    expires_at_raw: str
    purpose: str
    subject_ref: str
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class ViewResponse:
    """An active OTP as its issuer sees it (``realm.otp.view``)."""

    id: str
    value: str = attrs.field(repr=False)
    expires_at: datetime | None
    expires_at_raw: str
    purpose: str
    subject_ref: str
    issuer_user_id: str
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class VerifyResponse:
    """The OTP a verification consumed: who issued it, and when."""

    otp_id: str
    issuer_user_id: str
    issued_at: datetime | None
    issued_at_raw: str
    subject_ref: str
    purpose: str
    # Members the issuer sent that this SDK does not know, kept as they came (not shown by
    # repr: an unknown member may be a credential).
    extra: dict[str, Any] = attrs.field(factory=dict, repr=False)


__all__ = [
    "ROLE_MEMBER",
    "ROLE_OWNER",
    "APIKey",
    "AdminEventsResponse",
    "AdminPlatformsResponse",
    "AdminSearchResponse",
    "AdminStats",
    "AuditEvent",
    "DomainClaim",
    "DomainTxt",
    "DomainVerifyResult",
    "Invitation",
    "IssueResponse",
    "MFAChallenge",
    "MFAEnrollResult",
    "MintResult",
    "Origin",
    "OriginClaim",
    "Page",
    "PlatformOwner",
    "PlatformSummary",
    "RealmConfig",
    "RealmInfo",
    "RoleDeleteResult",
    "RoleListPage",
    "RoleObject",
    "SearchHit",
    "Session",
    "SessionInfo",
    "Tenant",
    "TenantDomainClaim",
    "TenantRef",
    "UpdateUserRoleResult",
    "User",
    "UserStatus",
    "UserSummary",
    "VerifyResponse",
    "ViewResponse",
]
