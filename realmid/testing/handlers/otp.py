"""``/otp``: the partner OTP primitive (issue, issuer-only view, verify-and-consume)."""

from __future__ import annotations

from realmid.testing.call import Call, Reply
from realmid.testing.errors import ApiError, forbidden
from realmid.testing.handlers.registry import operation
from realmid.testing.ids import rfc3339
from realmid.testing.model import User
from realmid.testing.partner_otp import OtpFailure, check_subject_ref, consume, issue

OTP_FIELD_CODES = {"purpose": "invalid_purpose", "subject_ref": "invalid_subject_ref"}
FAILURE_STATUS = {"otp_not_found": 404, "otp_expired": 410, "invalid_otp": 401, "otp_locked": 423}


def tenant_scoped_user(call: Call) -> tuple[User, str]:
    """The acting user and the tenant the OTP lives in (a user with no tenant answers 403)."""
    user, tenant_id = call.acting_user()
    if tenant_id is None or call.store.membership(user.id, tenant_id) is None:
        raise forbidden("the acting user belongs to no tenant")
    return user, tenant_id


def otp_not_found() -> ApiError:
    """The one 404 for "unknown", "someone else's" and "no longer active" (no leak)."""
    return ApiError(404, "otp_not_found", "no such OTP")


@operation("issue_otp", field_codes=OTP_FIELD_CODES)
def issue_otp(call: Call) -> Reply:
    """``POST /otp``: mint an OTP; the plaintext value is in this answer."""
    user, tenant_id = tenant_scoped_user(call)
    subject_ref = call.field("subject_ref")
    check_subject_ref(subject_ref)
    otp = issue(
        call.store,
        realm_id=user.realm_id,
        tenant_id=tenant_id,
        issuer_user_id=user.id,
        subject_ref=subject_ref,
        purpose=call.field("purpose"),
    )
    call.audit(
        "otp.issued",
        target_type="otp",
        target_id=otp.id,
        tenant_id=tenant_id,
        actor_user_id=user.id,
        summary=f"purpose {otp.purpose}",
    )
    body = {
        "id": otp.id,
        "value": otp.value,
        "expires_at": rfc3339(otp.expires_at),
        "purpose": otp.purpose,
        "subject_ref": otp.subject_ref,
    }
    return Reply(201, body)


@operation("view_otp")
def view_otp(call: Call) -> Reply:
    """``GET /otp/{id}``: the issuer (same user, same tenant) sees the active value."""
    user, tenant_id = tenant_scoped_user(call)
    otp = call.store.otps.get(call.path["otp_id"])
    if (
        otp is None
        or otp.issuer_user_id != user.id
        or otp.tenant_id != tenant_id
        or otp.consumed_at is not None
        or otp.expires_at <= call.store.now()
    ):
        raise otp_not_found()
    body = {
        "id": otp.id,
        "value": otp.value,
        "expires_at": rfc3339(otp.expires_at),
        "purpose": otp.purpose,
        "subject_ref": otp.subject_ref,
        "issuer_user_id": otp.issuer_user_id,
    }
    return Reply(200, body)


@operation("verify_otp", field_codes=OTP_FIELD_CODES)
def verify_otp(call: Call) -> Reply:
    """``POST /otp/verify``: match and consume atomically; misses count toward a lockout."""
    user, tenant_id = tenant_scoped_user(call)
    subject_ref = call.field("subject_ref")
    purpose = call.field("purpose")
    check_subject_ref(subject_ref)
    try:
        otp = consume(
            call.store,
            scope=(tenant_id, subject_ref, purpose),
            matches=lambda o: (
                o.tenant_id == tenant_id and o.subject_ref == subject_ref and o.purpose == purpose
            ),
            presented=call.field("presented"),
        )
    except OtpFailure as failure:
        if failure.code == "otp_not_found":
            raise otp_not_found() from None
        extra = {}
        headers = {}
        if failure.retry_after is not None:
            extra["retry_after"] = failure.retry_after
            headers["Retry-After"] = str(failure.retry_after)
        raise ApiError(
            FAILURE_STATUS[failure.code], failure.code, failure.message, headers=headers, **extra
        ) from None
    call.audit(
        "otp.verified",
        target_type="otp",
        target_id=otp.id,
        tenant_id=tenant_id,
        actor_user_id=user.id,
        summary=f"purpose {otp.purpose}",
    )
    body = {
        "otp_id": otp.id,
        "issuer_user_id": otp.issuer_user_id,
        "issued_at": rfc3339(otp.issued_at),
        "subject_ref": otp.subject_ref,
        "purpose": otp.purpose,
    }
    return Reply(200, body)
