"""realm.otp end to end (both caller shapes), the local input checks, and secrets in reprs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from realmid.errors import ErrorCode, error_from_response, is_code
from realmid.models import IssueResponse, VerifyResponse, ViewResponse
from realmid.testing import RealmEmulator

from .support import call
from .surface_support import error_of, login, member, open_realm, unique

pytestmark = pytest.mark.anyio


async def test_issue_view_verify_in_the_bff_shape(face: str, emulator: RealmEmulator) -> None:
    manager = member(emulator, "owner")
    tenant_id = manager.tenant_id or ""
    colleague = emulator.seed_user(f"{unique('col')}@example.test", {tenant_id: "member"})
    async with open_realm(face, emulator) as (realm, sent):
        otp = await call(
            realm.otp.issue("order-1", "delivery", user_id=manager.id, on_behalf_of_ip="192.0.2.9")
        )
        assert isinstance(otp, IssueResponse)
        assert (otp.purpose, otp.subject_ref) == ("delivery", "order-1")
        assert otp.value.isdigit()
        assert isinstance(otp.expires_at, datetime)
        assert otp.expires_at.tzinfo is not None
        assert otp.expires_at.isoformat().replace("+00:00", "Z") == otp.expires_at_raw
        issue = next(s for s in sent.sent if s.path == "/otp")
        assert issue.headers["x-on-behalf-of-user"] == manager.id
        assert issue.headers["x-on-behalf-of-ip"] == "192.0.2.9"
        assert issue.headers["idempotency-key"]
        assert json.loads(issue.body) == {"subject_ref": "order-1", "purpose": "delivery"}

        seen = await call(realm.otp.view(otp.id, user_id=manager.id))
        assert isinstance(seen, ViewResponse)
        assert (seen.value, seen.issuer_user_id) == (otp.value, manager.id)
        # Issuer-scoped: a colleague in the same tenant learns nothing, not even existence.
        hidden = await error_of(lambda: realm.otp.view(otp.id, user_id=colleague.id))
        assert hidden.code is ErrorCode.OTP_NOT_FOUND
        assert hidden.http_status == 404
        unknown = await error_of(lambda: realm.otp.view("otp_unknown", user_id=manager.id))
        assert (unknown.code, unknown.http_status) == (hidden.code, 404)

        used = await call(realm.otp.verify("order-1", "delivery", otp.value, user_id=colleague.id))
        assert isinstance(used, VerifyResponse)
        assert (used.otp_id, used.issuer_user_id) == (otp.id, manager.id)
        assert isinstance(used.issued_at, datetime)
        assert otp.expires_at - used.issued_at == timedelta(seconds=emulator.otp_ttl)
        again = await error_of(
            lambda: realm.otp.verify("order-1", "delivery", otp.value, user_id=colleague.id)
        )
        assert again.code is ErrorCode.OTP_NOT_FOUND
        gone = await error_of(lambda: realm.otp.view(otp.id, user_id=manager.id))
        assert gone.code is ErrorCode.OTP_NOT_FOUND


async def test_issue_view_verify_in_the_public_client_shape(
    face: str, emulator: RealmEmulator
) -> None:
    manager = member(emulator, "owner")
    async with open_realm(face, emulator) as (realm, sent):
        session = await login(realm, emulator, manager)
        bearer = session.access_token
        otp = await call(realm.otp.issue("door-7", "unlock", user_bearer=bearer))
        seen = await call(realm.otp.view(otp.id, user_bearer=bearer))
        assert seen.value == otp.value
        used = await call(realm.otp.verify("door-7", "unlock", otp.value, user_bearer=bearer))
        assert used.issuer_user_id == manager.id
        otp_calls = [s for s in sent.sent if s.path.startswith("/otp")]
        assert len(otp_calls) == 3
        for request in otp_calls:
            assert request.headers["authorization"] == f"Bearer {bearer}"
            assert "x-on-behalf-of-user" not in request.headers


async def test_verify_misses_lockout_and_expiry(face: str, emulator: RealmEmulator) -> None:
    manager = member(emulator, "owner")
    async with open_realm(face, emulator) as (realm, _):
        otp = await call(realm.otp.issue("parcel-9", "handover", user_id=manager.id))
        wrong = "000000" if otp.value != "000000" else "111111"
        miss = await error_of(
            lambda: realm.otp.verify("parcel-9", "handover", wrong, user_id=manager.id)
        )
        assert (miss.code, miss.http_status) == (ErrorCode.INVALID_OTP, 401)
        for _ in range(3):
            await error_of(
                lambda: realm.otp.verify("parcel-9", "handover", wrong, user_id=manager.id)
            )
        locked = await error_of(
            lambda: realm.otp.verify("parcel-9", "handover", wrong, user_id=manager.id)
        )
        assert (locked.code, locked.http_status) == (ErrorCode.OTP_LOCKED, 423)
        assert locked.details["retry_after"] > 0

        late = await call(realm.otp.issue("parcel-10", "handover", user_id=manager.id))
        emulator.advance(emulator.otp_ttl + 1)
        expired = await error_of(
            lambda: realm.otp.verify("parcel-10", "handover", late.value, user_id=manager.id)
        )
        assert (expired.code, expired.http_status) == (ErrorCode.OTP_EXPIRED, 410)


@pytest.mark.parametrize(
    ("subject_ref", "purpose", "code"),
    [
        ("order-1", "Delivery", ErrorCode.INVALID_PURPOSE),
        ("order-1", "9lives", ErrorCode.INVALID_PURPOSE),
        ("order-1", "a" * 65, ErrorCode.INVALID_PURPOSE),
        ("order-1", "", ErrorCode.INVALID_PURPOSE),
        ("", "delivery", ErrorCode.INVALID_SUBJECT_REF),
        ("x" * 257, "delivery", ErrorCode.INVALID_SUBJECT_REF),
        ("line\nbreak", "delivery", ErrorCode.INVALID_SUBJECT_REF),
    ],
)
async def test_purpose_and_subject_ref_are_checked_before_any_request(
    face: str, emulator: RealmEmulator, subject_ref: str, purpose: str, code: ErrorCode
) -> None:
    manager = member(emulator, "owner")
    async with open_realm(face, emulator) as (realm, sent):
        local = await error_of(lambda: realm.otp.issue(subject_ref, purpose, user_id=manager.id))
        assert local.code is code
        assert local.http_status == 0  # refused here, not by the issuer
        checked = await error_of(
            lambda: realm.otp.verify(subject_ref, purpose, "123456", user_id=manager.id)
        )
        assert checked.code is code
        assert sent.sent == []
        # The issuer answers the very same code, so one except-branch covers both.
        raw = await call(
            realm.request(
                "POST",
                "/otp",
                json={"subject_ref": subject_ref, "purpose": purpose},
                on_behalf_of_user=manager.id,
            )
        )
        assert raw.status_code == 400
        assert is_code(error_from_response(raw), code)


@pytest.mark.parametrize(
    "shape", [{}, {"user_id": "usr_1", "user_bearer": "a.b.c"}, {"user_bearer": "bad bearer\n"}]
)
async def test_otp_refuses_a_bad_caller_shape_before_any_request(
    face: str, emulator: RealmEmulator, shape: dict[str, Any]
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        with pytest.raises(ValueError):
            await call(realm.otp.issue("s", "p", **shape))
        with pytest.raises(ValueError):
            await call(realm.otp.view("otp_1", **shape))
        with pytest.raises(ValueError):
            await call(realm.otp.verify("s", "p", "123456", **shape))
        assert sent.sent == []


async def test_secrets_never_appear_in_reprs(face: str, emulator: RealmEmulator) -> None:
    manager = member(emulator, "owner")
    emulator.set_config(otp_login_enabled=True)
    async with open_realm(face, emulator) as (realm, _):
        session = await login(realm, emulator, manager)
        minted = await call(realm.auth.token(session.refresh_token))
        otp = await call(realm.otp.issue("order-1", "delivery", user_id=manager.id))
        seen = await call(realm.otp.view(otp.id, user_id=manager.id))
        key = await call(realm.api_keys.create("repr check"))
        secrets = {
            session.access_token,
            session.refresh_token,
            minted.access_token,
            minted.refresh_token,
            otp.value,
            key.secret,
        }
        shown = " ".join(repr(x) for x in (session, minted, otp, seen, key))
        for secret in secrets:
            assert secret
            assert secret not in shown
        # What is not secret stays visible, so the reprs are still useful.
        assert session.user.id in shown
        assert otp.id in shown
        assert key.prefix in shown
