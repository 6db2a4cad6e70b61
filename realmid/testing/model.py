"""The emulator's records: plain dataclasses, mutated only under the state lock.

Times are unix seconds on the emulator clock; ``seq`` is a global creation counter that
gives every list a stable order (and keyset cursors something to point at).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Realm:
    """A realm ("platform"): the partner's issuer namespace."""

    id: str
    display_name: str
    slug: str
    audience: str
    domain: str
    status: str
    signup_mode: str
    config: dict[str, Any]
    created_at: float
    last_activity_at: float
    seq: int
    owner_user_id: str | None = None


@dataclass
class ApiKey:
    """A realm API key; only the digest of its secret is kept."""

    id: str
    realm_id: str
    display_name: str
    prefix: str
    secret_digest: str
    scopes: list[str]
    created_at: float
    seq: int
    revoked_at: float | None = None


@dataclass
class PlatformGrant:
    """A platform token pair minted from an API key (opaque access + refresh tokens)."""

    realm_id: str
    api_key_id: str
    access_token: str
    access_expires_at: float
    refresh_token: str
    refresh_expires_at: float


@dataclass
class Tenant:
    """A tenant of a realm."""

    id: str
    realm_id: str
    display_name: str
    signup_mode: str
    allowed_domains: list[str]
    config: dict[str, Any]
    created_at: float
    updated_at: float
    seq: int
    owner_user_id: str | None = None


@dataclass
class Membership:
    """A user's role in one tenant."""

    user_id: str
    tenant_id: str
    role: str
    seq: int
    updated_at: float


@dataclass
class Mfa:
    """A user's TOTP factor: a pending secret until confirmed, then an enabled one."""

    secret: str | None = None
    pending_secret: str | None = None
    pending_backup_codes: list[str] = field(default_factory=list)
    backup_codes: set[str] = field(default_factory=set)

    @property
    def enabled(self) -> bool:
        """Whether the user must pass a second factor at login."""
        return self.secret is not None


@dataclass
class User:
    """A user of a realm (one per email per realm)."""

    id: str
    realm_id: str
    email: str
    display_name: str | None
    status: str
    created_at: float
    seq: int
    mfa: Mfa = field(default_factory=Mfa)


@dataclass
class Session:
    """A login session: one live refresh token at a time, the rest retired."""

    id: str
    realm_id: str
    user_id: str
    tenant_id: str
    refresh_token: str
    amr: list[str]
    created_at: float
    last_used_at: float
    seq: int
    user_agent: str | None = None
    ip: str | None = None
    mfa_at: int | None = None
    revoked_at: float | None = None

    @property
    def acr(self) -> str:
        """The assurance level: ``aal2`` once a second factor was passed in this session."""
        return "aal2" if self.mfa_at is not None else "aal1"


@dataclass
class MfaChallenge:
    """A pending second-factor challenge (login or step-up), single use, short lived."""

    token: str
    realm_id: str
    user_id: str
    tenant_id: str
    methods: list[str]
    expires_at: float
    amr: list[str]
    session_id: str | None = None
    failures: int = 0
    used: bool = False
    user_agent: str | None = None
    ip: str | None = None


@dataclass
class Invitation:
    """A pending invitation of an email address into a tenant."""

    id: str
    realm_id: str
    tenant_id: str
    email: str
    role: str
    status: str
    created_at: float
    seq: int


@dataclass
class Role:
    """An entry of a realm's role catalog (``owner``/``member`` are the system roles)."""

    id: str
    realm_id: str
    name: str
    display_name: str | None
    permissions: list[str]
    is_system: bool
    created_at: float
    updated_at: float
    seq: int


@dataclass
class DomainVerification:
    """A domain-validation row owned by a realm (domains, origins) or a tenant."""

    id: str
    realm_id: str
    owner_type: str
    owner_id: str
    hostname: str
    method: str
    token: str
    record_name: str
    record_value: str
    file_path: str
    file_content: str
    status: str
    created_at: float
    seq: int
    verified_at: float | None = None


@dataclass
class Origin:
    """A live (or detached) origin mapping: hostname → realm or tenant."""

    id: str
    realm_id: str
    domain: str
    entity_type: str
    entity_id: str
    verification_id: str | None
    created_at: float
    seq: int
    detached_at: float | None = None


@dataclass
class Otp:
    """A partner OTP bound to (tenant, subject_ref, purpose)."""

    id: str
    realm_id: str
    tenant_id: str
    issuer_user_id: str
    subject_ref: str
    purpose: str
    value: str
    issued_at: float
    expires_at: float
    seq: int
    consumed_at: float | None = None


@dataclass
class OtpMisses:
    """Failed verifications for one (tenant, subject_ref, purpose)."""

    count: int = 0
    locked_until: float | None = None


@dataclass
class AuditEvent:
    """One row of the audit log."""

    id: int
    occurred_at: int
    kind: str
    platform_id: str | None = None
    tenant_id: str | None = None
    actor_user_id: str | None = None
    actor_label: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    summary: str | None = None
