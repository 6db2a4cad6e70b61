"""The models the facade returns: the generated ones, re-exported, plus paging and constants.

Every answer is a model generated from ``openapi/realmid.yaml`` (``realmid_api.models``), so
a field added to the spec reaches users with a regeneration and no hand edit. The
generator's templates make them fit for a facade (generator/README.md):

- an absent member is ``None``, everywhere;
- ``format: date-time`` members are aware datetimes, with the wire string beside them as
  ``<name>_raw``;
- secrets (tokens, API-key secrets, OTP values, TOTP material) are hidden from ``repr()``;
- members the SDK does not know are kept in ``additional_properties`` (also hidden from
  ``repr()``), and ``to_dict()`` writes them back;
- ``to_dict()`` is JSON-ready, and pydantic (FastAPI's ``response_model``) takes them as
  they are.

The generated ones load lazily, as in ``realmid_api.models``: the first access to a name
imports the one module that defines it, so importing this module (the handles do) costs
none of them.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

if TYPE_CHECKING:
    from realmid_api.models import (
        AdminEventsResponse,
        AdminPlatformsResponse,
        AdminSearchResponse,
        AdminStats,
        APIKey,
        AuditEvent,
        DomainClaim,
        DomainTxt,
        DomainVerifyResult,
        Invitation,
        IssueResponse,
        MFAChallenge,
        MFAEnrollResult,
        MintResult,
        Origin,
        OriginClaim,
        PlatformOwner,
        PlatformSummary,
        RealmConfig,
        RealmInfo,
        RoleDeleteResult,
        RoleListPage,
        RoleObject,
        SearchHit,
        Session,
        SessionInfo,
        Tenant,
        TenantDomainClaim,
        TenantRef,
        UpdateUserRoleResult,
        User,
        UserSummary,
        VerifyResponse,
        ViewResponse,
    )

T = TypeVar("T")

# The generated models re-exported here, each imported on first access (``__getattr__``).
_GENERATED = frozenset(
    {
        "AdminEventsResponse",
        "AdminPlatformsResponse",
        "AdminSearchResponse",
        "AdminStats",
        "APIKey",
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
        "UserSummary",
        "VerifyResponse",
        "ViewResponse",
    }
)

# The two system roles of every realm (ADR-040); every other role name is partner-defined.
ROLE_OWNER = "owner"
ROLE_MEMBER = "member"


@attrs.frozen
class Page(Generic[T]):
    """One page of a list, in the wire's page envelope shape (SPEC §7)."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None


class UserStatus(StrEnum):
    """The statuses ``realm.tenants.users.update_status`` can set."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"


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


def __getattr__(name: str) -> Any:
    if name not in _GENERATED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("realmid_api.models"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _GENERATED)
