"""Sans-IO helpers the resources share: input checks before any I/O, wire → facade models.

Nothing here sends a request; both faces (``realmid/_async`` and its generated twin) use
the same functions.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from realmid_api.models import APIKey as WireAPIKey
from realmid_api.models import IssueResponse as WireIssueResponse
from realmid_api.models import MFAEnrollResult as WireMFAEnrollResult
from realmid_api.models import MintResult as WireMintResult
from realmid_api.models import Session as WireSession
from realmid_api.models import TenantRef as WireTenantRef
from realmid_api.models import UserSummary as WireUserSummary
from realmid_api.models import VerifyResponse as WireVerifyResponse
from realmid_api.models import ViewResponse as WireViewResponse
from realmid_api.types import UNSET, Response, Unset

from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.models import (
    APIKey,
    IssueResponse,
    MFAEnrollResult,
    MintResult,
    Session,
    TenantRef,
    UserSummary,
    VerifyResponse,
    ViewResponse,
)
from realmid.origins import normalize_origin

# Header values the SDK forwards: printable ASCII, no leading/trailing space, so nobody can
# smuggle a second header (CR/LF) through a user id, an IP or a bearer (as realm.request).
_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
# A header a caller forwards through realm.request: an RFC 9110 token as its name, and a
# value without CR, LF or NUL (which would end the header, or the whole head, early).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_BREAK = re.compile(r"[\r\n\x00]")
# The partner OTP purpose tag (contract: IssueRequest.purpose).
PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_SUBJECT_REF = 256


# ---------------------------------------------------------------------- input checks


def header_value(name: str, value: str) -> str:
    """``value`` when it is safe as an HTTP header value, else BadRequestError (before any I/O)."""
    if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
        raise BadRequestError(f"{name} must be a non-empty printable ASCII string")
    return value


def forwarded_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Caller-given headers for ``realm.request``, checked before any I/O (BadRequestError)."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise BadRequestError(f"header name {name!r} is not a valid HTTP token")
        if not isinstance(value, str) or _HEADER_BREAK.search(value):
            # The value is not echoed: it may be a credential.
            raise BadRequestError(f"header {name} must be a string without CR, LF or NUL")
        checked[name] = value
    return checked


def optional_header(name: str, value: str | None) -> str | Unset:
    """A checked header value, or UNSET (header left out) for None."""
    return UNSET if value is None else header_value(name, value)


def path_id(name: str, value: str) -> str:
    """An id that goes into a URL path segment.

    The generated client percent-encodes it, but ``""``, ``"."`` and ``".."`` would still
    change which route is hit (``/tenants/`` is the list, ``..`` climbs a segment).
    """
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise BadRequestError(f"{name} must be a non-empty id, got {value!r}")
    return value


def non_empty(name: str, value: str) -> str:
    """A required string argument that must not be empty."""
    if not isinstance(value, str) or not value:
        raise BadRequestError(f"{name} must be a non-empty string")
    return value


def hostname(name: str, value: str) -> str:
    """A hostname argument, also accepted as an origin or URL (``normalize_origin``)."""
    return path_id(name, normalize_origin(value))


def or_unset(value: Any) -> Any:
    """None → UNSET, so the generated model leaves the member out of the JSON body."""
    return UNSET if value is None else value


def acting_user(user_id: str | None, user_bearer: str | None) -> tuple[str | Unset, str | None]:
    """Check the two ways of naming the end user; ``(X-On-Behalf-Of-User, bearer)``.

    BFF shape: ``user_id`` → the platform token is the bearer and the user rides in
    ``X-On-Behalf-Of-User``. Public-client shape: ``user_bearer`` → the user's access token
    is the bearer. Exactly one is required; both or neither is a BadRequestError, raised before
    any I/O.
    """
    if (user_id is None) == (user_bearer is None):
        raise BadRequestError(
            "give exactly one of user_id= (BFF: platform token + X-On-Behalf-Of-User) "
            "or user_bearer= (the user's access token)"
        )
    if user_id is not None:
        return header_value("user_id", user_id), None
    return UNSET, header_value("user_bearer", user_bearer or "")


def check_purpose(purpose: str) -> str:
    """BadRequestError ``invalid_purpose`` unless ``purpose`` matches ``^[a-z][a-z0-9_]{0,63}$``."""
    if not isinstance(purpose, str) or PURPOSE.fullmatch(purpose) is None:
        raise BadRequestError(
            f"purpose must match ^[a-z][a-z0-9_]{{0,63}}$, got {purpose!r}",
            code=ErrorCode.INVALID_PURPOSE,
        )
    return purpose


def check_subject_ref(subject_ref: str) -> str:
    """BadRequestError ``invalid_subject_ref`` unless 1-256 characters, no control characters."""
    if not isinstance(subject_ref, str) or not 1 <= len(subject_ref) <= MAX_SUBJECT_REF:
        raise BadRequestError(
            f"subject_ref must be 1 to {MAX_SUBJECT_REF} characters",
            code=ErrorCode.INVALID_SUBJECT_REF,
        )
    if any(unicodedata.category(ch) == "Cc" for ch in subject_ref):
        raise BadRequestError(
            "subject_ref must not contain control characters", code=ErrorCode.INVALID_SUBJECT_REF
        )
    return subject_ref


def idempotency_key() -> str:
    """A fresh key for one creating POST; the transport retries reuse it (no double create)."""
    return str(uuid.uuid4())


def unexpected(response: Response[Any]) -> RealmError:
    """The error for a 2xx whose body is none of the documented shapes."""
    status = int(response.status_code)
    return RealmError(
        ErrorCode.SERVER_ERROR,
        f"unexpected response body for HTTP {status}",
        status,
        request_id=response.headers.get("x-request-id"),
    )


# ---------------------------------------------------------------------- wire → facade


def text(value: object) -> str:
    """A wire string member, or "" when absent (UNSET) or not a string."""
    return value if isinstance(value, str) else ""


def parse_time(raw: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (UTC when it names no offset); None if bad."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, read without checking anything ({} when it is not a JWT).

    Only for filling in display fields of a token the issuer has just handed us; never a
    basis for an authorization decision (that is ``realm.verify``).
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    segment = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        payload = json.loads(base64.urlsafe_b64decode(segment))
    except (ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}


def _user(wire: WireUserSummary | Unset, access_token: str) -> UserSummary:
    if isinstance(wire, WireUserSummary) and text(wire.id):
        return UserSummary(
            id=text(wire.id),
            email=text(wire.email),
            display_name=text(wire.display_name),
            extra=dict(wire.additional_properties),
        )
    # The reference: "User is populated from the access JWT's claims (sub/email) when the
    # wire response omits it."
    claims = unverified_claims(access_token) if access_token else {}
    return UserSummary(id=text(claims.get("sub")), email=text(claims.get("email")))


def _tenant_ref(wire: WireTenantRef) -> TenantRef:
    # `tenant_id` is the wire name; `id` is what older issuers sent.
    return TenantRef(
        tenant_id=text(wire.tenant_id) or text(wire.id),
        role=text(wire.role),
        display_name=text(wire.display_name),
        extra=dict(wire.additional_properties),
    )


def number(value: object) -> int:
    """A wire integer member, or 0 when absent (UNSET) or not an integer."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def session(wire: WireSession) -> Session:
    """A facade Session; one without an access token is the several-tenants answer.

    Told apart by structure, as the reference does: the Go ``Session`` of a user who must
    choose a tenant has empty tokens (``""``), and an issuer may as well leave them out.
    """
    tenants = wire.tenants if isinstance(wire.tenants, list) else []
    refs = tuple(_tenant_ref(ref) for ref in tenants)
    access_token = text(wire.access_token)
    if not access_token:
        return Session(
            access_token="",
            refresh_token="",
            expires_in=0,
            user=_user(wire.user, ""),
            tenants=refs,
            extra=dict(wire.additional_properties),
        )
    return Session(
        access_token=access_token,
        refresh_token=text(wire.refresh_token),
        expires_in=number(wire.expires_in),
        expires_at=parse_time(wire.expires_at),
        expires_at_raw=text(wire.expires_at),
        tenant_id=text(wire.tenant_id),
        role=text(wire.role),
        user=_user(wire.user, access_token),
        tenants=refs,
        extra=dict(wire.additional_properties),
    )


def mint_result(wire: WireMintResult) -> MintResult:
    """A facade MintResult."""
    return MintResult(
        access_token=wire.access_token,
        refresh_token=text(wire.refresh_token),
        expires_in=number(wire.expires_in),
        tenant_id=text(wire.tenant_id),
        role=text(wire.role),
        extra=dict(wire.additional_properties),
    )


def api_key(wire: WireAPIKey) -> APIKey:
    """A facade APIKey (its secret hidden from repr)."""
    scopes = wire.scopes if isinstance(wire.scopes, list) else []
    return APIKey(
        id=wire.id,
        display_name=text(wire.display_name),
        prefix=text(wire.prefix),
        secret=text(wire.secret),
        scopes=tuple(scopes),
        created_at=text(wire.created_at),
        revoked_at=text(wire.revoked_at),
        extra=dict(wire.additional_properties),
    )


def mfa_enroll_result(wire: WireMFAEnrollResult) -> MFAEnrollResult:
    """A facade MFAEnrollResult (all of it hidden from repr)."""
    codes = wire.backup_codes if isinstance(wire.backup_codes, list) else []
    return MFAEnrollResult(
        secret=text(wire.secret),
        otpauth_uri=text(wire.otpauth_uri),
        backup_codes=tuple(codes),
        extra=dict(wire.additional_properties),
    )


def issue_response(wire: WireIssueResponse) -> IssueResponse:
    """A facade IssueResponse."""
    return IssueResponse(
        id=wire.id,
        value=wire.value,
        expires_at=parse_time(wire.expires_at),
        expires_at_raw=wire.expires_at,
        purpose=wire.purpose,
        subject_ref=wire.subject_ref,
        extra=dict(wire.additional_properties),
    )


def view_response(wire: WireViewResponse) -> ViewResponse:
    """A facade ViewResponse."""
    return ViewResponse(
        id=wire.id,
        value=wire.value,
        expires_at=parse_time(wire.expires_at),
        expires_at_raw=wire.expires_at,
        purpose=wire.purpose,
        subject_ref=wire.subject_ref,
        issuer_user_id=wire.issuer_user_id,
        extra=dict(wire.additional_properties),
    )


def verify_response(wire: WireVerifyResponse) -> VerifyResponse:
    """A facade VerifyResponse."""
    return VerifyResponse(
        otp_id=wire.otp_id,
        issuer_user_id=wire.issuer_user_id,
        issued_at=parse_time(wire.issued_at),
        issued_at_raw=wire.issued_at,
        subject_ref=wire.subject_ref,
        purpose=wire.purpose,
        extra=dict(wire.additional_properties),
    )


def json_object(name: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping argument as a plain dict; anything else is a BadRequestError before any I/O."""
    if not isinstance(value, Mapping):
        raise BadRequestError(f"{name} must be a mapping")
    return dict(value)
