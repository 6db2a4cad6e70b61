"""The middleware's I/O sequence (SPEC §10), written once over the sans-IO core.

This is the async source: ``python -m generator`` derives the sync twin from it. The ASGI
and WSGI adapters (``realmid.middleware.asgi`` / ``.wsgi``) call either face; every
decision is made by :class:`~realmid.middleware.core.MiddlewareCore`.

The guard: the bearer → ``realm.verify`` (signature, issuer, audience, times, and the
revocation gate of ``realm.tokens``, which the verifier is wired with) → the MFA check →
on an MFA failure, a step-up challenge pre-minted with ``realm.auth.mint_mfa_challenge``
(the 412 carries it; none when that call fails).

The handled routes (POST, JSON): login, MFA verify, refresh, logout. A request to one
that reads or sets the refresh cookie first passes the core's cross-site check (403
``forbidden`` otherwise, before the body is read or the issuer called).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from realmid import _telemetry
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.middleware.core import (
    MFARequirement,
    MiddlewareCore,
    Reply,
    RequestView,
    Route,
)
from realmid.middleware.options import MiddlewareOptions
from realmid.models import MFAChallenge
from realmid.verify import Claims

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


class AsyncMiddlewareFlow:
    """One configured middleware's I/O on the async face (the adapters drive it)."""

    def __init__(self, realm: AsyncRealm, options: MiddlewareOptions | None = None) -> None:
        self.realm = realm
        self.core = MiddlewareCore(options, clock=realm._config.clock, leeway=realm._config.leeway)
        self._logger = realm._config.logger
        # Read on every guarded request (the options are frozen).
        self._user_attributes = self.core.options.telemetry_user_attributes

    def __repr__(self) -> str:
        return f"{type(self).__name__}(realm={self.realm!r})"

    # ------------------------------------------------------------------ the guard

    async def authenticate(
        self,
        view: RequestView,
        requirement: MFARequirement | None,
        claims: Claims | None = None,
    ) -> Claims:
        """The request's verified claims; a RealmError (401 / 412 shaped) otherwise.

        ``claims`` already verified for this request (by the middleware in front of a
        FastAPI dependency) are not verified again; the MFA check still runs.

        The decision (``ok`` or the failure code) goes on the request's current span and the
        ``realmid.middleware.decisions`` counter (``realmid._telemetry``), once per request:
        not again for ``claims`` the middleware in front already decided on.
        """
        if claims is not None:
            return await self._authenticate(view, requirement, claims)
        try:
            verified = await self._authenticate(view, requirement, None)
        except RealmError as err:
            _telemetry.middleware_decision(str(err.code))
            raise
        _telemetry.middleware_decision("ok", verified, self._user_attributes)
        return verified

    async def _authenticate(
        self, view: RequestView, requirement: MFARequirement | None, claims: Claims | None
    ) -> Claims:
        token = self.core.bearer(view.authorization)
        if claims is None:
            claims = await self.realm.verify(token)
        if requirement is not None:
            reason = self.core.mfa_reason(claims, requirement)
            if reason is not None:
                challenge = await self._challenge(token, view.client_ip)
                raise self.core.mfa_error(reason, requirement, challenge)
        return claims

    def authenticate_local(
        self, authorization: str | None, requirement: MFARequirement | None
    ) -> Claims | None:
        """:meth:`authenticate` when it can finish with no I/O, on the caller's thread; None
        when it cannot (keys to fetch, a revocation check that needs the network, no
        verifier built yet, or an MFA step-up whose challenge must be minted).

        It reads only the request's ``Authorization`` header (``authorization``), so an
        adapter builds the whole :class:`RequestView` only when this answers None.

        The adapters call this first, so a request whose token verifies from memory never
        leaves the server's thread or event loop; only a miss goes through
        :meth:`authenticate` (a worker thread on the sync face under ASGI, the private loop
        on the async face under WSGI). A refusal that needs no I/O raises here, as there.
        """
        try:
            verifier = self.realm._verifier
            if verifier is None:
                return None
            # The common exact form "Bearer <token>" is read here, as bearer() would read it
            # (nothing to strip, no blank inside); any other goes to bearer(), its rules.
            token = (
                authorization[7:]
                if authorization is not None and authorization.startswith("Bearer ")
                else ""
            )
            if not token or " " in token or "\t" in token or token.strip() != token:
                token = self.core.bearer(authorization)
            claims = verifier.verify_local(token)
            if claims is None:
                return None
            if requirement is not None and self.core.mfa_reason(claims, requirement) is not None:
                return None  # the 412 carries a freshly minted challenge: that is I/O
        except RealmError as err:
            _telemetry.middleware_decision(str(err.code))
            raise
        # Tested inline (the verifier built means the telemetry loaded): with no provider
        # set, as is common, the accepted request makes no call here.
        ti, mi = _telemetry._ti, _telemetry._mi
        if (ti is not None and ti._TRACER_PROVIDER is not None) or (
            mi is not None and mi._METER_PROVIDER is not None
        ):
            _telemetry.middleware_decision("ok", claims, self._user_attributes)
        return claims

    async def _challenge(self, access_token: str, client_ip: str | None) -> MFAChallenge:
        try:
            return await self.realm.auth.mint_mfa_challenge(access_token, on_behalf_of_ip=client_ip)
        except (RealmError, ValueError) as exc:
            # The 412 still goes out, without a pre-minted challenge (the reference).
            code = exc.code if isinstance(exc, RealmError) else "bad_request"
            self._logger.info("realmid: no MFA challenge could be pre-minted (%s)", code)
            return MFAChallenge()

    # ------------------------------------------------------------------ handled routes

    async def handle(self, route: Route, view: RequestView, body: bytes) -> Reply:
        """Answer a POST to one of the handled routes."""
        try:
            # Before anything else: a forged request must not reach the issuer, nor have
            # the cookie it rides on rotated or cleared.
            self.core.check_cross_site(route, view)
            fields = self.core.parse_body(route, view, body)
            if route is Route.LOGIN:
                return await self._login(view, fields)
            if route is Route.MFA_VERIFY:
                return await self._mfa_verify(view, fields)
            if route is Route.REFRESH:
                return await self._refresh(view, fields)
            return await self._logout(view, fields)
        except RealmError as err:
            if isinstance(err, BadRequestError) and not err.http_status:
                # The facade refused a field before any I/O: its message names SDK
                # parameters, not the browser's fields, so the client gets a generic 400.
                return self._invalid_field()
            return self.core.error_reply(err)
        except ValueError:
            # Any other local input check that is still a bare ValueError.
            return self._invalid_field()

    def _invalid_field(self) -> Reply:
        return self.core.error_reply(
            RealmError(ErrorCode.BAD_REQUEST, "a request field has an invalid value", 400)
        )

    async def _login(self, view: RequestView, fields: dict[str, str]) -> Reply:
        # A 412 mfa_required (challenge token + methods) passes through as the envelope.
        session = await self.realm.auth.login(
            fields["provider_token"],
            method=fields.get("method", "firebase"),
            tenant_id=fields.get("tenant_id"),
            on_behalf_of_ip=view.client_ip,
        )
        return self.core.session_reply(session, view)

    async def _mfa_verify(self, view: RequestView, fields: dict[str, str]) -> Reply:
        session = await self.realm.auth.mfa_verify(
            fields["mfa_challenge_token"],
            fields["code"],
            method=fields.get("method", "totp"),
            on_behalf_of_ip=view.client_ip,
        )
        return self.core.session_reply(session, view)

    async def _refresh(self, view: RequestView, fields: dict[str, str]) -> Reply:
        refresh = self.core.refresh_token(view, fields)
        if refresh is None:
            raise RealmError(ErrorCode.UNAUTHORIZED, "no refresh token (cookie or body)", 401)
        try:
            minted = await self.realm.auth.token(
                refresh, tenant_id=fields.get("tenant_id"), on_behalf_of_ip=view.client_ip
            )
        except RealmError as err:
            # A refused refresh token is dead: drop the cookie that holds it.
            return self.core.error_reply(err, clear_cookie=err.http_status == 401, view=view)
        return self.core.mint_reply(minted, view)

    async def _logout(self, view: RequestView, fields: dict[str, str]) -> Reply:
        refresh = self.core.refresh_token(view, fields)
        access = await self._verified_bearer(view)

        async def issuer_logout() -> None:
            if refresh is not None:  # else no session the issuer could be told to end
                await self.realm.auth.logout(refresh, on_behalf_of_ip=view.client_ip)

        try:
            if access is None:
                await issuer_logout()
            else:
                # The route logs the user out of this app: its access token is refused from
                # now on, in realm.tokens (shared when a revocation cache is configured), by
                # the one logout policy (as the reference's Tokens.RevokeOnLogout).
                await self.realm.tokens.logout_then_park(access, issuer_logout)
        except RealmError as err:
            return self.core.error_reply(err, clear_cookie=True, view=view)
        return self.core.logout_reply(view)

    async def _verified_bearer(self, view: RequestView) -> str | None:
        """The request's access token when it verifies (only those are parked as revoked)."""
        try:
            token = self.core.bearer(view.authorization)
            await self.realm.verify(token)
        except RealmError:
            return None
        return token
