"""Second factors: TOTP enrollment (RFC 6238 via pyotp), backup codes, MFA challenges."""

from __future__ import annotations

import secrets

import pyotp

from realmid.testing.errors import unauthorized
from realmid.testing.ids import opaque_token
from realmid.testing.model import MfaChallenge, Realm, User
from realmid.testing.store import Store

BACKUP_CODE_COUNT = 8
CHALLENGE_TTL = 300
MAX_CHALLENGE_FAILURES = 5
TOTP_ISSUER = "Realm ID Emulator"


def new_totp_secret() -> str:
    """A random base32 TOTP secret."""
    return pyotp.random_base32()


def otpauth_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=TOTP_ISSUER)


def new_backup_codes() -> list[str]:
    """Eight single-use backup codes like ``3f9a-12c4``."""
    return [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(BACKUP_CODE_COUNT)]


def normalize_backup_code(code: str) -> str:
    """Backup codes compare case- and whitespace-insensitively."""
    return "".join(code.split()).lower()


def totp_matches(secret: str, code: str, now: float) -> bool:
    """Whether ``code`` is the TOTP of ``secret`` at ``now`` (±1 step of clock drift)."""
    code = code.strip()
    if not code.isdigit():
        return False
    return pyotp.TOTP(secret).verify(code, for_time=int(now), valid_window=1)


def methods_for(realm: Realm) -> list[str]:
    """The second factors a user of ``realm`` may answer a challenge with."""
    methods = ["totp", "backup_code"]
    if realm.config.get("otp_mfa_enabled"):
        methods.append("otp_internal")
    return methods


def create_challenge(
    store: Store,
    user: User,
    tenant_id: str,
    *,
    amr: list[str],
    session_id: str | None = None,
    user_agent: str | None = None,
    ip: str | None = None,
) -> MfaChallenge:
    """A fresh single-use challenge; ``session_id`` set means a step-up of that session."""
    with store.lock:
        realm = store.realms[user.realm_id]
        challenge = MfaChallenge(
            token=opaque_token("mfa"),
            realm_id=realm.id,
            user_id=user.id,
            tenant_id=tenant_id,
            methods=methods_for(realm),
            expires_at=store.now() + CHALLENGE_TTL,
            amr=list(amr),
            session_id=session_id,
            user_agent=user_agent,
            ip=ip,
        )
        store.challenges[challenge.token] = challenge
        return challenge


def live_challenge(store: Store, token: str) -> MfaChallenge:
    """The unused, unexpired challenge for ``token``; anything else answers 401."""
    with store.lock:
        challenge = store.challenges.get(token)
        if challenge is None or challenge.used or challenge.expires_at <= store.now():
            raise unauthorized("the MFA challenge is unknown, expired or already used")
        return challenge


def record_failure(store: Store, challenge: MfaChallenge) -> None:
    """Count a wrong answer; too many burn the challenge (no brute force of a 6-digit code)."""
    with store.lock:
        challenge.failures += 1
        if challenge.failures >= MAX_CHALLENGE_FAILURES:
            challenge.used = True
