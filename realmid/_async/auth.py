"""Login, refresh, MFA, OTP login, logout and sessions (``realm.auth``, SPEC §4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from realmid_api.api.auth import (
    list_sessions,
    login,
    logout,
    mfa_challenge,
    mfa_verify,
    otp_login,
    revoke_session,
    token,
)
from realmid_api.models import (
    LogoutRequest,
    MfaVerifyRequest,
    OtpLoginRequest,
    SessionInfoPage,
    TokenRequest,
    TokenRequestCustomClaims,
    UserLoginRequest,
    UserSummary,
)

from realmid import _inputs, _telemetry
from realmid._async._paging import under_bearer
from realmid._async.pagination import AsyncPaginated
from realmid._auth_flow import user_bearer as as_user
from realmid._jose import unverified_claims
from realmid.errors import RealmError
from realmid.models import MFAChallenge, MintResult, Session, SessionInfo

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm

# Answers meaning "this issuer has no step-up challenge endpoint (for this session)":
# not found, method not allowed, not implemented.
_NO_CHALLENGE_ENDPOINT = frozenset({404, 405, 501})


@_telemetry.traced("auth")
class AsyncAuth:
    """Login, refresh, MFA, OTP login, logout and sessions (SPEC §4).

    Every call that names an end user (sessions) accepts the two shapes of the reference:
    ``user_id=`` for a partner backend (BFF: the platform token is the bearer and the user
    rides in ``X-On-Behalf-Of-User``) or ``user_bearer=`` for a public client (the user's
    access token is the bearer). Exactly one; both or neither is a ValueError before any I/O.
    ``on_behalf_of_ip=`` forwards the end user's IP as ``X-On-Behalf-Of-IP`` so the issuer's
    per-IP rate limits see the browser, not the backend.
    """

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def _origin(self, origin: str | None) -> str:
        if origin is not None:
            return _inputs.header_value("origin", origin)
        return await self._realm.origin()

    async def login(
        self,
        provider_token: str,
        *,
        method: str = "firebase",
        tenant_id: str | None = None,
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> Session:
        """Exchange an upstream provider token (Firebase, Google) for a realm session.

        A user in several tenants who names none gets a Session with
        ``needs_tenant_choice`` and the ``tenants`` to choose from (no tokens); call again
        with ``tenant_id=``. A user with a second factor gets
        ``RealmError(mfa_required)`` whose ``details`` carry ``mfa_challenge_token`` and
        ``methods``; answer it with :meth:`mfa_verify`::

            try:
                session = realm.auth.login(id_token, origin="https://app.example.com")
            except RealmError as err:
                if not is_code(err, ErrorCode.MFA_REQUIRED):
                    raise
                session = realm.auth.mfa_verify(err.details["mfa_challenge_token"], code)
            if session.needs_tenant_choice:
                session = realm.auth.login(id_token, tenant_id=session.tenants[0].tenant_id)

        ``origin`` overrides the ``Origin`` header (default: the realm's configured origin,
        else its audience). Custom claims are not accepted on login (SPEC §4.1); use
        :meth:`token`.
        """
        body = UserLoginRequest(
            grant_type="provider_token",
            realm_id=self._realm.realm_id,
            # The issuer may add providers (the reference: others are roadmap): any name goes.
            method=_inputs.non_empty("method", method),
            provider_token=_inputs.non_empty("provider_token", provider_token),
            tenant_id=tenant_id,
        )
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        wire = await self._realm._call(
            login.asyncio_detailed,
            Session,
            body=body,
            origin=await self._origin(origin),
            x_on_behalf_of_ip=ip,
        )
        return _user_from_token(wire)

    async def mfa_verify(
        self,
        challenge_token: str,
        code: str,
        *,
        method: str = "totp",
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> Session:
        """Answer an MFA challenge (from a 412 ``mfa_required`` or :meth:`mint_mfa_challenge`).

        ``method`` is ``totp`` (default), ``backup_code`` or ``otp_internal``. A wrong code
        raises ``RealmError(invalid_otp)`` and the challenge may be retried; a used, expired
        or unknown challenge raises ``unauthorized``::

            session = realm.auth.mfa_verify(challenge, "123456")
            session = realm.auth.mfa_verify(challenge, "3f9a-12c4", method="backup_code")
        """
        body = MfaVerifyRequest(
            mfa_challenge_token=_inputs.non_empty("challenge_token", challenge_token),
            code=_inputs.non_empty("code", code),
            method=_inputs.non_empty("method", method),
        )
        wire = await self._realm._call(
            mfa_verify.asyncio_detailed,
            Session,
            body=body,
            origin=await self._origin(origin),
            x_on_behalf_of_ip=_inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip),
        )
        return _user_from_token(wire)

    async def mfa_verify_otp(
        self,
        challenge_token: str,
        presented: str,
        *,
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> Session:
        """Answer an MFA challenge with a partner-issued OTP (method ``otp_internal``).

        Offered when the challenge's ``methods`` include ``otp_internal`` (the realm's
        ``otp_mfa_enabled``); the OTP is one issued with purpose ``mfa`` for the user.
        """
        return await self.mfa_verify(
            challenge_token,
            presented,
            method="otp_internal",
            origin=origin,
            on_behalf_of_ip=on_behalf_of_ip,
        )

    async def mint_mfa_challenge(
        self, access_token: str, *, on_behalf_of_ip: str | None = None
    ) -> MFAChallenge:
        """Mint a step-up challenge for the session behind ``access_token``.

        The call rides the user's access token as its bearer. Answer the challenge with
        :meth:`mfa_verify`; the session's next tokens carry a fresh ``mfa_at``. When the
        issuer has no challenge to offer (it lacks the endpoint: 404, 405 or 501 — a 404
        is also what it answers for a user with no second factor enrolled), the result is
        empty (``available`` False) rather than an error, so a middleware can fall back to
        a plain 412::

            challenge = realm.auth.mint_mfa_challenge(access_token)
            if challenge.available:
                ...  # send challenge.token and challenge.methods to the client
        """
        bearer = _inputs.header_value("access_token", access_token)
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        with as_user(bearer):
            try:
                return await self._realm._call(
                    mfa_challenge.asyncio_detailed, MFAChallenge, x_on_behalf_of_ip=ip
                )
            except RealmError as err:
                if err.http_status in _NO_CHALLENGE_ENDPOINT:
                    return MFAChallenge()
                raise

    async def otp_login(
        self,
        identifier: str,
        presented: str,
        *,
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> Session:
        """Log in with an identifier (email or E.164 phone) and a partner-issued OTP.

        Gated by the realm's ``otp_login_enabled``. Every miss is the same
        ``RealmError(invalid_credentials)``, so the answer never tells whether an account
        exists. A user with a second factor gets ``mfa_required`` as with :meth:`login`.
        """
        body = OtpLoginRequest(
            realm_id=self._realm.realm_id,
            identifier=_inputs.non_empty("identifier", identifier),
            presented=_inputs.non_empty("presented", presented),
        )
        wire = await self._realm._call(
            otp_login.asyncio_detailed,
            Session,
            body=body,
            origin=await self._origin(origin),
            x_on_behalf_of_ip=_inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip),
        )
        return _user_from_token(wire)

    async def token(
        self,
        refresh_token: str,
        *,
        tenant_id: str | None = None,
        custom_claims: Mapping[str, Any] | None = None,
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> MintResult:
        """Rotate a user's refresh token (SPEC §4.2).

        ``tenant_id`` switches the session to another of the user's tenants;
        ``custom_claims`` are merged into the new access token (registered claim names are
        refused by the issuer with ``bad_request``). The old refresh token stops working::

            minted = realm.auth.token(session.refresh_token, custom_claims={"plan": "pro"})
        """
        claims = (
            None
            if custom_claims is None
            else TokenRequestCustomClaims.from_dict(
                _inputs.json_object("custom_claims", custom_claims)
            )
        )
        body = TokenRequest(
            grant_type="refresh_token",
            refresh_token=_inputs.non_empty("refresh_token", refresh_token),
            tenant_id=tenant_id,
            custom_claims=claims,
        )
        return await self._realm._call(
            token.asyncio_detailed,
            MintResult,
            body=body,
            origin=await self._origin(origin),
            x_on_behalf_of_ip=_inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip),
        )

    async def logout(
        self,
        refresh_token: str | None = None,
        *,
        access_token: str | None = None,
        origin: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> None:
        """Revoke a refresh token (the session). None means the caller's current session.

        With ``access_token`` and a ``revocation=`` cache configured on the handle, the
        token's ``jti`` is then parked in that cache until the token's own expiry, so
        ``realm.verify`` refuses it from now on (across pods with a shared Redis cache):
        after the issuer confirms the logout, and also when the issuer could not act on it
        (unreachable, 5xx, 429), so the partner fails closed. The policy is
        :meth:`realm.tokens.logout_then_park <realmid.TokensClient.logout_then_park>`; a
        cache failure is logged, not raised. Without a configured cache nothing is parked,
        as in the reference ("pushed to the SDK's RevocationCache (if configured)");
        ``realm.tokens.revoke_on_logout`` and the middleware's logout route park in
        ``realm.tokens`` either way. The access token never goes to the issuer.
        """
        body = LogoutRequest(
            refresh_token=(
                None if refresh_token is None else _inputs.non_empty("refresh_token", refresh_token)
            )
        )
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        at = await self._origin(origin)

        async def issuer_logout() -> None:
            await self._realm._send(
                logout.asyncio_detailed, body=body, origin=at, x_on_behalf_of_ip=ip
            )

        if access_token is None or self._realm.revocation is None:
            await issuer_logout()
        else:
            await self._realm.tokens.logout_then_park(
                _inputs.non_empty("access_token", access_token), issuer_logout
            )

    def list_sessions(
        self,
        *,
        user_id: str | None = None,
        user_bearer: str | None = None,
        on_behalf_of_ip: str | None = None,
        limit: int | None = None,
    ) -> AsyncPaginated[SessionInfo]:
        """The user's live sessions, fetched page by page as you iterate.

        Name the user with exactly one of ``user_id`` (BFF) or ``user_bearer`` (public
        client); anything else is a ValueError here, before any request::

            for info in realm.auth.list_sessions(user_id=user.id):
                print(info.id, info.last_used_at)
        """
        on_behalf, bearer = _inputs.acting_user(user_id, user_bearer)
        pages = self._realm._paginate(
            list_sessions.asyncio_detailed,
            SessionInfoPage,
            limit=limit,
            x_on_behalf_of_user=on_behalf,
            x_on_behalf_of_ip=_inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip),
        )
        return under_bearer(pages, bearer)

    async def revoke_session(
        self,
        session_id: str,
        *,
        user_id: str | None = None,
        user_bearer: str | None = None,
        on_behalf_of_ip: str | None = None,
    ) -> None:
        """End one of the user's sessions (its refresh token stops working).

        The user is named as for :meth:`list_sessions`. Another user's session, or one
        already ended, is ``RealmError(not_found)``.
        """
        on_behalf, bearer = _inputs.acting_user(user_id, user_bearer)
        session_id = _inputs.path_id("session_id", session_id)
        ip = _inputs.optional_header("on_behalf_of_ip", on_behalf_of_ip)
        with as_user(bearer):
            await self._realm._send(
                revoke_session.asyncio_detailed,
                session_id=session_id,
                x_on_behalf_of_user=on_behalf,
                x_on_behalf_of_ip=ip,
            )


def _user_from_token(wire: Session) -> Session:
    """The behaviour the facade adds to a generated Session, applied in place.

    - ``user`` comes from the access token's ``sub``/``email`` claims when the answer leaves
      it out (the reference: "User is populated from the access JWT's claims when the wire
      response omits it"); read, not verified: the issuer just handed the token over.
    - a tenant named ``id`` (older issuers) is read as ``tenant_id``.
    """
    if wire.access_token and (wire.user is None or not wire.user.id):
        claims = unverified_claims(wire.access_token) or {}
        sub, email = claims.get("sub"), claims.get("email")
        wire.user = UserSummary(
            id=sub if isinstance(sub, str) and sub else None,
            email=email if isinstance(email, str) and email else None,
        )
    for ref in wire.tenants or ():
        if not ref.tenant_id and ref.id:
            ref.tenant_id = ref.id
    return wire
