"""The reference's Go types, transcribed, and the encoder the ``reference`` profile uses.

The Go SDK v0.10.0 reference (``go-sdk-v0.10.0.txt``) shows the wire shape of most answers
as Go structs with ``json:"..."`` tags. :data:`GO_TYPES` holds them field for field (json
name, Go type, ``omitempty``), in declaration order, so :func:`encode` can write an answer
exactly as ``encoding/json`` would: the type's fields and nothing else, an ``omitempty``
field left out when it holds its zero value, every other field present (its zero value
when the emulator has nothing for it). ``tests/emulator/test_emu_reference_shapes.py``
reads the reference and fails when a transcription drifts from it.

Where the reference shows no type for an answer, the type here is a decision
(``source="decision"``), and its comment says why it looks the way it does.

:data:`ANSWERS` maps each operation's success answer to its Go type; errors are
:data:`ERROR_TYPE`. A handler whose operation answers one of several types names the one
it means in ``Reply.shape`` (the platform-token answer of login and refresh).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REFERENCE = "reference"
DECISION = "decision"


@dataclass(frozen=True)
class GoField:
    """One exported struct field: its json name, its Go type as written, its ``omitempty``."""

    json: str
    go_type: str
    omitempty: bool = False


@dataclass(frozen=True)
class GoType:
    """A Go struct (type ``params`` for a generic one such as ``Page[T]``)."""

    name: str
    fields: tuple[GoField, ...]
    source: str = REFERENCE
    params: tuple[str, ...] = ()


def _f(json: str, go_type: str) -> GoField:
    """A field Go always encodes."""
    return GoField(json, go_type)


def _o(json: str, go_type: str) -> GoField:
    """An ``omitempty`` field."""
    return GoField(json, go_type, omitempty=True)


def _type(
    name: str, *fields: GoField, source: str = REFERENCE, params: tuple[str, ...] = ()
) -> GoType:
    return GoType(name, fields, source, params)


# Fields tagged ``json:"-"`` (``IssueResponse.ExpiresAt time.Time``, ``RealmInfo.Extra``, ...)
# never reach the wire, so they are not listed.
_TYPES: tuple[GoType, ...] = (
    # ------------------------------------------------------------------ auth
    _type(
        "Session",
        _f("access_token", "string"),
        _f("refresh_token", "string"),
        _f("expires_in", "int"),
        _o("expires_at", "string"),
        _o("tenant_id", "string"),
        _o("role", "string"),
        _f("user", "UserSummary"),
        _f("tenants", "[]TenantRef"),
    ),
    _type(
        "UserSummary",
        _f("id", "string"),
        _o("email", "string"),
        _o("display_name", "string"),
    ),
    _type(
        "TenantRef",
        _f("tenant_id", "string"),
        _o("id", "string"),
        _f("role", "string"),
        _o("display_name", "string"),
    ),
    _type(
        "MintResult",
        _f("access_token", "string"),
        _f("refresh_token", "string"),
        _f("expires_in", "int"),
        _f("tenant_id", "string"),
        _f("role", "string"),
    ),
    # The reference shows no type for the platform grants' answer (the SDK keeps it to
    # itself). Decision: the token fields Session and MintResult share, as they encode
    # them, and nothing else (no token_type).
    _type(
        "PlatformTokenResponse",
        _f("access_token", "string"),
        _f("refresh_token", "string"),
        _f("expires_in", "int"),
        source=DECISION,
    ),
    # MintMFAChallenge returns (token, methods) with no struct. Decision: both members,
    # always present, named as on the 412 mfa_required envelope.
    _type(
        "MfaChallenge",
        _f("mfa_challenge_token", "string"),
        _f("methods", "[]string"),
        source=DECISION,
    ),
    _type(
        "SessionInfo",
        _f("id", "string"),
        _o("created_at", "string"),
        _o("last_used_at", "string"),
        _o("user_agent", "string"),
        _o("ip", "string"),
    ),
    # ------------------------------------------------------------------ envelopes
    _type(
        "Page",
        _f("items", "[]T"),
        _o("next_cursor", "string"),
        _o("total", "*int"),
        params=("T",),
    ),
    # The reference shows no error type (RealmError is the SDK's own, built from the
    # envelope). Decision: the envelope of ARCHITECTURE.md, code and message always, the
    # siblings a code needs only when it carries them, and no request_id (the
    # X-Request-Id header carries it).
    _type(
        "Error",
        _f("code", "string"),
        _f("message", "string"),
        _o("mfa_challenge_token", "string"),
        _o("methods", "[]string"),
        _o("reason", "string"),
        _o("retry_after", "int"),
        source=DECISION,
    ),
    # ------------------------------------------------------------------ realm
    _type(
        "RealmInfo",
        _f("id", "string"),
        _o("audience", "string"),
        _o("domain", "string"),
        _o("display_name", "string"),
    ),
    # The reference verifies against the JWKS but shows no type for it. Decision: RFC 7517
    # with the RSA members of RFC 7518, as a Go issuer publishes an RS256 key.
    _type("Jwks", _f("keys", "[]Jwk"), source=DECISION),
    _type(
        "Jwk",
        _f("kty", "string"),
        _f("use", "string"),
        _f("alg", "string"),
        _f("kid", "string"),
        _f("n", "string"),
        _f("e", "string"),
        source=DECISION,
    ),
    _type(
        "APIKey",
        _f("id", "string"),
        _o("display_name", "string"),
        _o("prefix", "string"),
        _o("secret", "string"),
        _o("scopes", "[]string"),
        _o("created_at", "string"),
        _o("revoked_at", "string"),
    ),
    _type(
        "DomainClaim",
        _f("hostname", "string"),
        _o("claim_token", "string"),
        _o("txt_record", "*DomainTxt"),
        _o("status", "string"),
    ),
    # The reference names DomainTxt "the {name, value} pair" without its struct. Decision:
    # both members, always present.
    _type("DomainTxt", _f("name", "string"), _f("value", "string"), source=DECISION),
    _type(
        "DomainVerifyResult",
        _o("hostname", "string"),
        _o("verified", "bool"),
        _o("status", "string"),
    ),
    # ------------------------------------------------------------------ tenants and users
    _type(
        "Tenant",
        _f("id", "string"),
        _o("display_name", "string"),
        _o("owner_user_id", "string"),
        _o("config", "map[string]any"),
        _o("created_at", "string"),
        _o("updated_at", "string"),
    ),
    _type(
        "TenantDomainClaim",
        _f("domain", "string"),
        _f("status", "string"),
        _f("method", "string"),
        _o("dns_record_name", "string"),
        _o("dns_record_value", "string"),
        _o("file_path", "string"),
        _o("file_content", "string"),
    ),
    _type(
        "UpdateUserRoleResult",
        _f("id", "string"),
        _f("role", "string"),
        _f("tenant_id", "string"),
        _f("updated_at", "int64"),
    ),
    _type(
        "Invitation",
        _f("id", "string"),
        _f("tenant_id", "string"),
        _f("email", "string"),
        _o("role", "string"),
        _o("status", "string"),
    ),
    _type(
        "User",
        _f("id", "string"),
        _o("email", "string"),
        _o("display_name", "string"),
        _o("status", "string"),
        _o("mfa_enabled", "bool"),
        _o("role", "string"),
    ),
    _type(
        "MFAEnrollResult",
        _o("secret", "string"),
        _o("otpauth_uri", "string"),
        _o("backup_codes", "[]string"),
    ),
    # ------------------------------------------------------------------ roles
    _type(
        "RoleObject",
        _f("id", "string"),
        _f("name", "string"),
        _o("display_name", "string"),
        _f("permissions", "[]string"),
        _f("is_system", "bool"),
        _f("created_at", "int64"),
        _f("updated_at", "int64"),
    ),
    _type(
        "RoleListPage",
        _f("items", "[]RoleObject"),
        _o("next_cursor", "string"),
        _o("total", "*int"),
    ),
    _type("RoleDeleteResult", _f("status", "string")),
    # ------------------------------------------------------------------ origins
    _type(
        "Origin",
        _f("id", "string"),
        _f("domain", "string"),
        _f("entity_type", "string"),
        _f("entity_id", "string"),
        _o("verification_id", "*string"),
        _o("created_at", "string"),
        _o("detached_at", "*string"),
    ),
    _type(
        "OriginClaim",
        _f("domain", "string"),
        _f("status", "string"),
        _f("method", "string"),
        _f("dns_record_name", "string"),
        _f("dns_record_value", "string"),
    ),
    # ------------------------------------------------------------------ admin
    _type(
        "AdminEventsResponse",
        _f("items", "[]AuditEvent"),
        _f("next_cursor", "*string"),
    ),
    _type(
        "AuditEvent",
        _f("id", "int64"),
        _f("occurred_at", "int64"),
        _f("kind", "string"),
        _o("actor_user_id", "string"),
        _o("actor_label", "string"),
        _o("platform_id", "string"),
        _o("tenant_id", "string"),
        _o("target_type", "string"),
        _o("target_id", "string"),
        _o("summary", "string"),
    ),
    _type(
        "AdminPlatformsResponse",
        _f("items", "[]PlatformSummary"),
        _f("next_cursor", "*string"),
        _f("total", "int"),
    ),
    _type(
        "PlatformSummary",
        _f("id", "string"),
        _f("display_name", "string"),
        _f("slug", "string"),
        _f("status", "string"),
        _f("signup_mode", "string"),
        _f("domains", "[]string"),
        _f("owner", "PlatformOwner"),
        _f("tenants_count", "int"),
        _f("users_count", "int"),
        _f("last_activity_at", "int64"),
        _f("created_at", "int64"),
    ),
    _type(
        "PlatformOwner",
        _f("user_id", "string"),
        _f("name", "string"),
        _f("email", "string"),
    ),
    _type("AdminSearchResponse", _f("items", "[]SearchHit")),
    _type(
        "SearchHit",
        _f("type", "string"),
        _f("id", "string"),
        _f("label", "string"),
        _o("sublabel", "string"),
        _o("platform_id", "string"),
    ),
    _type(
        "AdminStats",
        _f("platforms_count", "int"),
        _f("tenants_count", "int"),
        _f("users_count", "int"),
        _f("sessions_active", "int"),
        _f("events_24h", "int"),
    ),
    # ------------------------------------------------------------------ partner OTP
    _type(
        "IssueResponse",
        _f("id", "string"),
        _f("value", "string"),
        _f("expires_at", "string"),
        _f("purpose", "string"),
        _f("subject_ref", "string"),
    ),
    _type(
        "ViewResponse",
        _f("id", "string"),
        _f("value", "string"),
        _f("expires_at", "string"),
        _f("purpose", "string"),
        _f("subject_ref", "string"),
        _f("issuer_user_id", "string"),
    ),
    _type(
        "VerifyResponse",
        _f("otp_id", "string"),
        _f("issuer_user_id", "string"),
        _f("issued_at", "string"),
        _f("subject_ref", "string"),
        _f("purpose", "string"),
    ),
)

GO_TYPES: Mapping[str, GoType] = {t.name: t for t in _TYPES}

ERROR_TYPE = "Error"
PLATFORM_GRANT_ANSWER = "PlatformTokenResponse"
# A free-form object: encoded as the emulator holds it.
FREE_FORM = "map[string]any"

# (operationId, status) → the Go type of that answer. Lists the reference gives no envelope
# type for (Tenants, Users, Invitations, Origins, sessions, API keys) are its Page[T].
ANSWERS: Mapping[tuple[str, int], str] = {
    ("login", 200): "Session",  # the platform grant names PLATFORM_GRANT_ANSWER in Reply.shape
    ("token", 200): "MintResult",  # likewise for the platform refresh
    ("mfa_verify", 200): "Session",
    ("mfa_challenge", 200): "MfaChallenge",
    ("otp_login", 200): "Session",
    ("list_sessions", 200): "Page[SessionInfo]",
    ("get_jwks", 200): "Jwks",
    ("get_realm_info", 200): "RealmInfo",
    ("create_tenant", 201): "Tenant",
    ("list_tenants", 200): "Page[Tenant]",
    ("get_tenant", 200): "Tenant",
    ("update_tenant", 200): "Tenant",
    ("transfer_tenant_owner", 200): "Tenant",
    ("update_tenant_config", 200): "Tenant",
    ("update_user_role", 200): "UpdateUserRoleResult",
    ("claim_tenant_domain", 200): "TenantDomainClaim",
    ("verify_tenant_domain", 200): "DomainVerifyResult",
    ("create_invitation", 201): "Invitation",
    ("list_invitations", 200): "Page[Invitation]",
    ("list_users", 200): "Page[User]",
    ("get_user", 200): "User",
    ("update_user_status", 200): "User",
    ("enroll_user_mfa", 200): "MFAEnrollResult",
    ("claim_domain", 200): "DomainClaim",
    ("verify_domain", 200): "DomainVerifyResult",
    ("create_api_key", 201): "APIKey",
    ("list_api_keys", 200): "Page[APIKey]",
    ("revoke_api_key", 200): "APIKey",
    # Config.Update returns only an error. Decision: the realm's whole config after the
    # patch, a free-form map encoded as it is.
    ("update_realm_config", 200): FREE_FORM,
    ("list_roles", 200): "RoleListPage",
    ("create_role", 201): "RoleObject",
    ("update_role", 200): "RoleObject",
    ("delete_role", 200): "RoleDeleteResult",
    ("rename_role", 200): "RoleObject",
    ("list_origins", 200): "Page[Origin]",
    # Origins.Bind is named in the Go docs but missing from its SDK: the bound Origin row.
    ("bind_origin", 201): "Origin",
    ("claim_origin", 200): "OriginClaim",
    ("verify_origin", 200): "DomainVerifyResult",
    ("list_admin_events", 200): "AdminEventsResponse",
    ("list_admin_platforms", 200): "AdminPlatformsResponse",
    ("admin_search", 200): "AdminSearchResponse",
    ("admin_stats", 200): "AdminStats",
    ("issue_otp", 201): "IssueResponse",
    ("view_otp", 200): "ViewResponse",
    ("verify_otp", 200): "VerifyResponse",
}


def answer_type(operation_id: str | None, status: int, shape: str | None = None) -> str | None:
    """The Go type of an answer: ``shape`` if the handler named one, else the table's."""
    if shape is not None:
        return shape
    if status >= 400:
        return ERROR_TYPE
    if operation_id is None:
        return None
    return ANSWERS.get((operation_id, status))


# ---------------------------------------------------------------------- the encoder

_GENERIC = re.compile(r"^(\w+)\[(.+)\]$")
_SCALAR_ZERO: Mapping[str, Any] = {"string": "", "int": 0, "int64": 0, "bool": False}


def encode(go_type: str, value: Any, bindings: Mapping[str, str] | None = None) -> Any:
    """``value`` as ``encoding/json`` writes a Go value of ``go_type`` holding it.

    ``None`` means the emulator has nothing: it becomes the type's zero value. Values are
    not converted (a string stays a string); the contract self-check catches a mismatch.
    """
    go_type = (bindings or {}).get(go_type, go_type)
    if value is None:
        return zero(go_type, bindings)
    if go_type.startswith("*"):
        return encode(go_type[1:], value, bindings)
    if go_type.startswith("[]"):
        if not isinstance(value, list | tuple):
            return value
        return [encode(go_type[2:], item, bindings) for item in value]
    if go_type in _SCALAR_ZERO or go_type.startswith("map[") or go_type == "any":
        return value
    return _encode_struct(go_type, value, bindings)


def zero(go_type: str, bindings: Mapping[str, str] | None = None) -> Any:
    """The JSON of a Go zero value: ``""``, ``0``, ``false``, ``null``, or a zero struct."""
    go_type = (bindings or {}).get(go_type, go_type)
    if go_type in _SCALAR_ZERO:
        return _SCALAR_ZERO[go_type]
    if go_type.startswith(("*", "[]", "map[")) or go_type == "any":
        return None  # nil pointer, nil slice, nil map, nil interface
    return _encode_struct(go_type, {}, bindings)


def is_empty(go_type: str, value: Any, bindings: Mapping[str, str] | None = None) -> bool:
    """Whether ``omitempty`` leaves the field out (Go: false, 0, "", nil, empty slice or map).

    A struct is never empty to ``omitempty``, and a non-nil pointer is kept even when it
    points at a zero value.
    """
    go_type = (bindings or {}).get(go_type, go_type)
    if value is None:
        return not _is_struct(go_type)
    if go_type.startswith("*") or _is_struct(go_type):
        return False
    if go_type.startswith(("[]", "map[")) or go_type == "string":
        return len(value) == 0
    if go_type in ("int", "int64", "bool"):
        return not value
    return False


def _is_struct(go_type: str) -> bool:
    return not (
        go_type in _SCALAR_ZERO or go_type == "any" or go_type.startswith(("*", "[]", "map["))
    )


def _encode_struct(go_type: str, value: Any, bindings: Mapping[str, str] | None) -> Any:
    name = go_type
    args: tuple[str, ...] = ()
    generic = _GENERIC.match(go_type)
    if generic is not None:
        name, args = generic.group(1), tuple(a.strip() for a in generic.group(2).split(","))
    spec = GO_TYPES.get(name)
    if spec is None:
        raise KeyError(f"no Go type {name!r} in the reference table")
    if not isinstance(value, Mapping):
        return value
    inner = dict(bindings or {})
    inner.update(zip(spec.params, args, strict=True))
    out: dict[str, Any] = {}
    for field in spec.fields:
        member = value.get(field.json)
        if field.omitempty and is_empty(field.go_type, member, inner):
            continue
        out[field.json] = encode(field.go_type, member, inner)
    return out


def type_names(go_type: str) -> set[str]:
    """The struct names ``go_type`` refers to (``*[]Page[User]`` → ``{"Page", "User"}``)."""
    names: set[str] = set()
    for word in re.findall(r"[A-Za-z_]\w*", go_type):
        if word not in _SCALAR_ZERO and word not in ("map", "any", "T"):
            names.add(word)
    return names
