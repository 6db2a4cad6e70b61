"""The realmid quickstart: a narrated tour against the embedded Realm ID emulator.

Run it with ``scripts/quickstart`` (or ``python -m examples.quickstart`` in the venv).
Every step prints one line; the whole tour takes a few seconds and needs no network.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from pyotp.totp import TOTP

import realmid
from examples.fastapi_app import create_app
from examples.serving import serve_asgi
from realmid.testing import RealmEmulator

EMAIL = "ada@example.com"


class Narrator:
    """Prints one numbered line per step, with how long it took."""

    def __init__(self) -> None:
        self.step = 0
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        self.step += 1
        print(f"{self.step:>2}. {text}")

    def done(self) -> None:
        print(f"\ndone: {self.step} steps in {time.perf_counter() - self.started:.1f} s")


def short(secret: str) -> str:
    """Show only the start of a secret: enough to tell two apart, never enough to use."""
    return f"{secret[:8]}…"


def login_with_totp(realm: realmid.Realm, provider_token: str, totp: TOTP, **kw: Any) -> Any:
    """Log in; answer the MFA challenge with a real TOTP code when the issuer asks for one."""
    try:
        return realm.auth.login(provider_token, **kw)
    except realmid.RealmError as err:
        if not realmid.is_code(err, realmid.ErrorCode.MFA_REQUIRED):
            raise
        return realm.auth.mfa_verify(err.details["mfa_challenge_token"], totp.now())


@contextmanager
def guarded_app(realm: realmid.Realm) -> Iterator[Callable[[str], httpx.Response]]:
    """The FastAPI example app (examples/fastapi_app) behind the middleware, on loopback."""
    with serve_asgi(create_app(realm)) as url:
        yield lambda token: httpx.get(f"{url}/api/me", headers={"Authorization": f"Bearer {token}"})


def tour(emu: RealmEmulator, say: Callable[[str], None]) -> None:
    # A revocation cache makes a logout refuse the access token at once (in production,
    # a RedisRevocationCache shared by every pod); without one, logout parks nothing.
    realm = realmid.Realm(
        realm_id=emu.realm_id,
        api_key=emu.api_key,
        base_url=emu.base_url,
        revocation=realmid.MemRevocationCache(),
    )
    with realm:
        info = realm.info()
        say(f"realm {info.id} at {realm.base_url} (audience {info.audience})")

        acme = realm.tenants.create("Acme")
        globex = realm.tenants.create("Globex")
        say(f"created tenants {acme.display_name} ({acme.id}) and {globex.display_name}")

        invitation = realm.tenants.invitations.create(acme.id, EMAIL, role="member")
        say(f"invited {invitation.email} to {acme.display_name} as {invitation.role}")

        first = realm.auth.login(emu.mint_provider_token(EMAIL))
        # A member the issuer may leave out is None: one login answer (the tenant choice)
        # has no tokens, so they are optional on the model.
        assert first.user is not None
        assert first.user.id is not None
        user_id = first.user.id
        say(f"{EMAIL} logged in with a provider token: user {user_id}, role {first.role}")

        enrolment = realm.tenants.users.enroll_mfa(acme.id, user_id)
        assert enrolment.secret is not None
        totp = TOTP(enrolment.secret)
        realm.tenants.users.confirm_mfa(acme.id, user_id, totp.now())
        say(f"enrolled TOTP for {EMAIL} ({len(enrolment.backup_codes or ())} backup codes)")

        try:
            realm.auth.login(emu.mint_provider_token(EMAIL))
        except realmid.RealmError as err:
            methods = ", ".join(err.details["methods"])
            say(f"next login answers {err.code} (methods: {methods})")
            session = realm.auth.mfa_verify(err.details["mfa_challenge_token"], totp.now())
        else:
            raise SystemExit("the issuer did not ask for the second factor")
        assert session.access_token
        assert session.refresh_token
        say(f"answered with TOTP code: access token {short(session.access_token)}")

        claims = realm.verify(session.access_token)
        say(f"verified locally: sub={claims.sub} tenant={claims.tenant_id} amr={list(claims.amr)}")

        with guarded_app(realm) as get_me:
            refused = get_me("not-a-token")
            say(f"the example app's /api/me without a valid token: {refused.status_code}")
            answer = get_me(session.access_token)
            me = answer.json()
            say(f"with the token: {answer.status_code}, user {me['user_id']} as {me['role']}")

        realm.tenants.invitations.create(globex.id, EMAIL, role="member")
        login_with_totp(realm, emu.mint_provider_token(EMAIL), totp, tenant_id=globex.id)
        switched = realm.auth.token(session.refresh_token, tenant_id=globex.id)
        say(f"refreshed with a tenant switch: now in {switched.tenant_id} as {switched.role}")
        after = realm.verify(switched.access_token)
        say(f"the new access token says tenant={after.tenant_id}")

        realm.auth.logout(switched.refresh_token, access_token=switched.access_token)
        try:
            realm.verify(switched.access_token)
        except realmid.TokenRevokedError as err:
            say(f"logged out; the old access token is refused: {err.code} (revoked)")
        else:
            raise SystemExit("the logged-out token still verified")

        issued = realm.otp.issue("order-1042", "delivery_confirm", user_id=user_id)
        say(f"issued a partner OTP for order-1042, expires {issued.expires_at:%H:%M:%S} UTC")
        verified = realm.otp.verify("order-1042", "delivery_confirm", issued.value, user_id=user_id)
        say(f"verified it once: issued by {verified.issuer_user_id}")
        try:
            realm.otp.verify("order-1042", "delivery_confirm", issued.value, user_id=user_id)
        except realmid.RealmError as err:
            say(f"a second verify of the same code is refused: {err.code}")
        else:
            raise SystemExit("the OTP verified twice")


def main() -> int:
    narrator = Narrator()
    with RealmEmulator() as emu:
        narrator.say(f"started the Realm ID emulator at {emu.base_url}")
        tour(emu, narrator.say)
    narrator.done()
    return 0


if __name__ == "__main__":
    sys.exit(main())
