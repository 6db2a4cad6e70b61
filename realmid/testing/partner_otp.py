"""The partner OTP primitive: issue, and match-and-consume atomically with lockout."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable

from realmid.testing.errors import bad_request
from realmid.testing.ids import new_id, same_secret
from realmid.testing.model import Otp, OtpMisses
from realmid.testing.store import Store

PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_SUBJECT_REF = 256
MAX_MISSES = 5
LOCK_SECONDS = 900


class OtpFailure(Exception):
    """Why a presented value consumed nothing.

    ``code`` is ``otp_not_found``, ``otp_expired``, ``invalid_otp`` or ``otp_locked``;
    each caller maps it to its own answer (OTP login hides them all).
    """

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


def check_purpose(purpose: str) -> None:
    """400 ``invalid_purpose`` unless ``purpose`` matches ``^[a-z][a-z0-9_]{0,63}$``."""
    if PURPOSE.fullmatch(purpose) is None:
        raise bad_request("purpose must match ^[a-z][a-z0-9_]{0,63}$", "invalid_purpose")


def check_subject_ref(subject_ref: str) -> None:
    """400 ``invalid_subject_ref`` unless non-empty, at most 256 chars, no control characters."""
    if not subject_ref or len(subject_ref) > MAX_SUBJECT_REF:
        raise bad_request("subject_ref must be 1 to 256 characters", "invalid_subject_ref")
    if any(unicodedata.category(ch) == "Cc" for ch in subject_ref):
        raise bad_request("subject_ref must not contain control characters", "invalid_subject_ref")


def new_value() -> str:
    """Six random digits from the secrets module."""
    return f"{secrets.randbelow(1_000_000):06d}"


def issue(
    store: Store,
    *,
    realm_id: str,
    tenant_id: str,
    issuer_user_id: str,
    subject_ref: str,
    purpose: str,
    ttl: int | None = None,
) -> Otp:
    """A new active OTP for (tenant, subject_ref, purpose)."""
    check_purpose(purpose)
    check_subject_ref(subject_ref)
    with store.lock:
        now = store.now()
        otp = Otp(
            id=new_id("otp"),
            realm_id=realm_id,
            tenant_id=tenant_id,
            issuer_user_id=issuer_user_id,
            subject_ref=subject_ref,
            purpose=purpose,
            value=new_value(),
            issued_at=now,
            expires_at=now + (ttl if ttl is not None else store.otp_ttl),
            seq=store.next_seq(),
        )
        store.otps[otp.id] = otp
        return otp


def consume(
    store: Store,
    *,
    scope: tuple[str, str, str],
    matches: Callable[[Otp], bool],
    presented: str,
) -> Otp:
    """Consume the active OTP among those ``matches`` selects whose value is ``presented``.

    ``scope`` keys the miss counter: (tenant, or ``realm:<id>`` for OTP login,
    subject_ref, purpose). Runs entirely under the state lock, so of several concurrent
    verifications of one value exactly one consumes it. Raises :class:`OtpFailure`.
    """
    with store.lock:
        now = store.now()
        misses = store.otp_misses.setdefault(scope, OtpMisses())
        if misses.locked_until is not None:
            if misses.locked_until > now:
                raise OtpFailure(
                    "otp_locked",
                    "too many wrong values; try later",
                    int(misses.locked_until - now) + 1,
                )
            misses.count, misses.locked_until = 0, None
        candidates = sorted(
            (otp for otp in store.otps.values() if otp.consumed_at is None and matches(otp)),
            key=lambda otp: otp.seq,
        )
        if not candidates:
            raise OtpFailure("otp_not_found", "no active OTP for this subject and purpose")
        live_match: Otp | None = None
        expired_match = False
        for otp in candidates:
            # Compare against every candidate so timing does not reveal which one matched.
            if same_secret(presented, otp.value):
                if otp.expires_at > now and live_match is None:
                    live_match = otp
                elif otp.expires_at <= now:
                    expired_match = True
        if live_match is not None:
            live_match.consumed_at = now
            misses.count = 0
            return live_match
        if expired_match or all(otp.expires_at <= now for otp in candidates):
            raise OtpFailure("otp_expired", "the OTP has expired")
        misses.count += 1
        if misses.count >= MAX_MISSES:
            misses.locked_until = now + LOCK_SECONDS
            raise OtpFailure("otp_locked", "too many wrong values; try later", LOCK_SECONDS)
        raise OtpFailure("invalid_otp", "the presented value does not match")
