"""``/auth/*``: platform and user login, refresh, logout, MFA, OTP login, sessions."""

from __future__ import annotations

import json
from typing import Any

import jwt

from realmid.testing.call import Call, Reply
from realmid.testing.directory import (
    add_member,
    create_user,
    pending_invitations,
    tenant_refs,
    user_summary,
)
from realmid.testing.errors import (
    ApiError,
    bad_request,
    forbidden,
    not_found,
    unauthorized,
)
from realmid.testing.handlers.registry import operation
from realmid.testing.keys import ProviderIdentity
from realmid.testing.mfa import (
    create_challenge,
    live_challenge,
    methods_for,
    normalize_backup_code,
    record_failure,
    totp_matches,
)
from realmid.testing.model import MfaChallenge, Realm, Tenant, User
from realmid.testing.partner_otp import OtpFailure, consume
from realmid.testing.realms import find_api_key, hostname_of
from realmid.testing.reference_shapes import PLATFORM_GRANT_ANSWER
from realmid.testing.tokens import (
    RESERVED_CLAIMS,
    ensure_session_room,
    issue_platform_grant,
    mint_access_token,
    open_session,
    platform_token_body,
    refresh_platform_grant,
    revoke_session,
    rotate_refresh,
    session_body,
    session_info_body,
)

MAX_CUSTOM_CLAIMS_BYTES = 4096


# ---------------------------------------------------------------------- shared checks


def serves_origin(call: Call, realm: Realm, host: str) -> bool:
    """Whether ``host`` is the realm's audience host or one of its live origins."""
    if host == hostname_of(realm.audience):
        return True
    return any(o.domain == host for o in call.store.live_origins(realm.id))


def check_origin(call: Call, realm: Realm, *, required: bool) -> None:
    """``Origin`` must name the audience's host or a live origin of the realm."""
    origin = call.header("origin")
    if origin is None:
        if required:
            raise bad_request("the Origin header is required", "missing_origin")
        return
    host = hostname_of(origin)
    if not serves_origin(call, realm, host):
        raise forbidden(f"origin {host!r} is not allowed for this realm", "realm_origin_mismatch")


def realm_of_origin(call: Call) -> Realm:
    """The realm a login without ``realm_id`` is for: the one that owns its ``Origin``.

    The reference's LoginRequest names no realm; the issuer routes by origin, as it maps
    hostnames to realms. Missing Origin → 400 ``missing_origin``; an origin no realm owns →
    403 ``realm_origin_mismatch``.
    """
    origin = call.header("origin")
    if origin is None:
        raise bad_request("the Origin header is required", "missing_origin")
    host = hostname_of(origin)
    owners = sorted(
        (realm for realm in call.store.realms.values() if serves_origin(call, realm, host)),
        key=lambda realm: realm.seq,
    )
    if not owners:
        raise forbidden(f"no realm serves origin {host!r}", "realm_origin_mismatch")
    if len(owners) > 1:
        # Only possible with audiences given by hand: bound origins are unique.
        raise bad_request(f"several realms serve origin {host!r}; name one with realm_id")
    return owners[0]


def check_status(user: User) -> None:
    """Suspended and deactivated users may not obtain tokens."""
    if user.status == "suspended":
        raise forbidden("the account is suspended", "account_suspended")
    if user.status == "deactivated":
        raise forbidden("the account is deactivated", "account_deactivated")


def mfa_required(challenge: MfaChallenge) -> ApiError:
    """The 412 envelope that hands the client a challenge to answer."""
    return ApiError(
        412,
        "mfa_required",
        "a second factor is required",
        mfa_challenge_token=challenge.token,
        methods=list(challenge.methods),
    )


# ---------------------------------------------------------------------- login


@operation("login")
def login(call: Call) -> Reply:
    """``POST /auth/login``: the platform API-key grant or a user provider-token login."""
    if call.field("grant_type") == "platform_api_key":
        return _platform_login(call)
    return _user_login(call)


def _platform_login(call: Call) -> Reply:
    store = call.store
    realm = store.realm(call.field("realm_id"))
    key = find_api_key(store, realm.id, call.field("api_key")) if realm is not None else None
    if realm is None or key is None or key.revoked_at is not None:
        raise unauthorized("unknown realm, or invalid or revoked API key")
    grant = issue_platform_grant(store, realm, key)
    return Reply(200, platform_token_body(grant, store.now()), shape=PLATFORM_GRANT_ANSWER)


def _user_login(call: Call) -> Reply:
    store = call.store
    realm_id = call.field("realm_id")
    if realm_id is None:
        realm = realm_of_origin(call)
    else:
        found = store.realm(realm_id)
        if found is None:
            raise not_found("no such realm")
        realm = found
    check_origin(call, realm, required=True)
    try:
        identity = store.provider.verify(
            call.field("provider_token"), call.field("method"), store.now()
        )
    except jwt.PyJWTError:
        raise unauthorized(
            "the provider token is invalid, expired or from another provider",
            "provider_token_invalid",
        ) from None
    wanted_tenant = call.field("tenant_id") or None
    user = _provision(call, realm, identity, wanted_tenant)
    if user is None:
        raise bad_request("the user belongs to no tenant of this realm", "tenant_required")
    check_status(user)
    memberships = store.memberships_of(user.id)
    if wanted_tenant is not None:
        if store.membership(user.id, wanted_tenant) is None:
            raise forbidden("the user is not a member of that tenant", "tenant_invalid")
        tenant_id = wanted_tenant
    elif not memberships:
        raise bad_request("the user belongs to no tenant of this realm", "tenant_required")
    elif len(memberships) > 1:
        # A Session without tokens: the tenants to choose from (the reference profile
        # fills the token fields with their Go zero values).
        body = {"user": user_summary(user), "tenants": tenant_refs(store, user)}
        return Reply(200, body)
    else:
        tenant_id = memberships[0].tenant_id
    ensure_session_room(store, realm, user)
    amr = ["fed"]
    if user.mfa.enabled:
        challenge = create_challenge(
            store, user, tenant_id, amr=amr, user_agent=call.user_agent, ip=call.end_user_ip
        )
        raise mfa_required(challenge)
    session = open_session(
        store, user, tenant_id, amr=amr, user_agent=call.user_agent, ip=call.end_user_ip
    )
    call.audit(
        "session.created",
        target_type="session",
        target_id=session.id,
        tenant_id=tenant_id,
        actor_user_id=user.id,
        realm_id=realm.id,
        summary=f"{user.email} logged in with {call.field('method')}",
    )
    return Reply(200, session_body(store, session))


def _provision(
    call: Call, realm: Realm, identity: ProviderIdentity, wanted_tenant: str | None
) -> User | None:
    """The realm's user for this identity, joining invited / allowlisted tenants on the way.

    A first login creates the user only when a pending invitation or a tenant's signup
    allowlist lets them in (both need a verified email).
    """
    store = call.store
    user = store.user_by_email(realm.id, identity.email)
    verified = identity.email_verified
    invitations = pending_invitations(store, realm.id, identity.email) if verified else []
    email_domain = identity.email.rsplit("@", 1)[-1].lower()
    allowlisted: list[Tenant] = []
    if verified:
        allowlisted = sorted(
            (
                t
                for t in store.tenants.values()
                if t.realm_id == realm.id
                and t.signup_mode == "allowlist"
                and email_domain in t.allowed_domains
            ),
            key=lambda t: t.seq,
        )
    if user is None:
        if not invitations and not allowlisted:
            return None
        user = create_user(store, realm.id, identity.email, display_name=identity.display_name)
    for invitation in invitations:
        tenant = store.tenant_in(realm.id, invitation.tenant_id)
        if tenant is not None and store.membership(user.id, tenant.id) is None:
            add_member(store, user, tenant, invitation.role)
        invitation.status = "accepted"
    has_tenant = bool(store.memberships_of(user.id))
    for tenant in allowlisted:
        joining = tenant.id == wanted_tenant or not has_tenant
        if joining and store.membership(user.id, tenant.id) is None:
            add_member(store, user, tenant, "member")
            has_tenant = True
            if wanted_tenant is None:
                break
    return user


# ---------------------------------------------------------------------- refresh / logout


# Members only the user refresh takes: a body with one of them is a user refresh.
USER_REFRESH_FIELDS = ("refresh_token", "tenant_id", "custom_claims")


def is_platform_refresh(call: Call) -> bool:
    """Whether a ``/auth/token`` request is the platform refresh.

    The reference sends the platform refresh with the refresh token as the bearer and no
    body, so no body, an empty one, ``{}`` and ``{"grant_type": "platform_refresh"}`` all
    are; a body naming the user refresh's members is not.
    """
    grant_type = call.field("grant_type")
    if grant_type is not None:
        return bool(grant_type == "platform_refresh")
    return all(call.field(name) is None for name in USER_REFRESH_FIELDS)


@operation("token")
def token(call: Call) -> Reply:
    """``POST /auth/token``: platform refresh (bearer) or user refresh-token rotation."""
    store = call.store
    if is_platform_refresh(call):
        grant = refresh_platform_grant(store, call.bearer)
        return Reply(200, platform_token_body(grant, store.now()), shape=PLATFORM_GRANT_ANSWER)
    if not call.field("refresh_token"):
        raise bad_request("refresh_token is required to refresh a user session")
    session_id = store.live_refresh.get(call.field("refresh_token"))
    session = store.sessions.get(session_id or "")
    if session is None or session.revoked_at is not None:
        raise unauthorized("the refresh token is invalid, rotated or revoked")
    realm = store.realms[session.realm_id]
    check_origin(call, realm, required=False)
    user = store.users[session.user_id]
    check_status(user)
    tenant_id = call.field("tenant_id") or session.tenant_id
    if store.tenant_in(realm.id, tenant_id) is None or store.membership(user.id, tenant_id) is None:
        raise forbidden("the user is not a member of that tenant", "tenant_invalid")
    custom: dict[str, Any] = call.field("custom_claims") or {}
    reserved = sorted(set(custom) & RESERVED_CLAIMS)
    if reserved:
        raise bad_request(f"custom_claims may not set registered claims: {', '.join(reserved)}")
    if len(json.dumps(custom)) > MAX_CUSTOM_CLAIMS_BYTES:
        raise bad_request(f"custom_claims must be at most {MAX_CUSTOM_CLAIMS_BYTES} bytes of JSON")
    session.tenant_id = tenant_id
    refresh_token = rotate_refresh(store, session)
    access_token, ttl, role = mint_access_token(store, session, custom)
    body = {
        "access_token": access_token,
        "refresh_token": refresh_token,
        "expires_in": ttl,
        "tenant_id": tenant_id,
        "role": role,
    }
    return Reply(200, body)


@operation("logout")
def logout(call: Call) -> Reply:
    """``POST /auth/logout``: revoke the session behind a refresh token (unknown → still 204)."""
    store = call.store
    session = store.sessions.get(store.live_refresh.get(call.field("refresh_token") or "") or "")
    if session is not None and session.revoked_at is None:
        revoke_session(store, session)
        call.audit(
            "session.logged_out",
            target_type="session",
            target_id=session.id,
            tenant_id=session.tenant_id,
            actor_user_id=session.user_id,
            realm_id=session.realm_id,
        )
    return Reply(204)


# ---------------------------------------------------------------------- MFA


@operation("mfa_verify")
def mfa_verify(call: Call) -> Reply:
    """``POST /auth/mfa/verify``: answer a login or step-up challenge."""
    store = call.store
    challenge = live_challenge(store, call.field("mfa_challenge_token"))
    method = call.field("method") or "totp"
    if method not in challenge.methods:
        raise bad_request(f"method must be one of {', '.join(challenge.methods)}")
    realm = store.realms[challenge.realm_id]
    check_origin(call, realm, required=False)
    user = store.users[challenge.user_id]
    if not _second_factor_ok(call, challenge, user, method, call.field("code")):
        record_failure(store, challenge)
        raise unauthorized("the code is not valid", "invalid_otp")
    check_status(user)
    now = int(store.now())
    amr = list(dict.fromkeys([*challenge.amr, "otp", "mfa"]))
    if challenge.session_id is not None:
        session = store.sessions.get(challenge.session_id)
        if session is None or session.revoked_at is not None:
            raise unauthorized("the session behind this challenge has ended")
        challenge.used = True
        session.mfa_at = now
        session.amr = amr
        rotate_refresh(store, session)
        kind = "mfa.step_up"
    else:
        session = open_session(
            store,
            user,
            challenge.tenant_id,
            amr=amr,
            mfa_at=now,
            user_agent=challenge.user_agent,
            ip=challenge.ip,
        )
        challenge.used = True
        kind = "session.created"
    call.audit(
        kind,
        target_type="session",
        target_id=session.id,
        tenant_id=session.tenant_id,
        actor_user_id=user.id,
        realm_id=realm.id,
        summary=f"second factor passed with {method}",
    )
    return Reply(200, session_body(store, session))


def _second_factor_ok(
    call: Call, challenge: MfaChallenge, user: User, method: str, code: str
) -> bool:
    store = call.store
    if method == "totp":
        return user.mfa.secret is not None and totp_matches(user.mfa.secret, code, store.now())
    if method == "backup_code":
        normalized = normalize_backup_code(code)
        if normalized in user.mfa.backup_codes:
            user.mfa.backup_codes.discard(normalized)
            return True
        return False
    if method == "otp_internal":
        try:
            consume(
                store,
                scope=(challenge.tenant_id, user.id, "mfa"),
                matches=lambda otp: (
                    otp.tenant_id == challenge.tenant_id
                    and otp.subject_ref == user.id
                    and otp.purpose == "mfa"
                ),
                presented=code,
            )
        except OtpFailure:
            return False
        return True
    return False


@operation("mfa_challenge")
def mfa_challenge(call: Call) -> Reply:
    """``POST /auth/mfa/challenge``: a step-up challenge for the bearer's live session."""
    store = call.store
    principal = call.principal
    if principal is None or principal.is_platform:
        raise unauthorized("a user access token is required")
    session = store.sessions.get(principal.session_id or "")
    if session is None or session.revoked_at is not None:
        raise unauthorized("the session behind this token has ended")
    user = store.users[session.user_id]
    realm = store.realms[session.realm_id]
    if user.mfa.enabled:
        methods = methods_for(realm)
    elif realm.config.get("otp_mfa_enabled"):
        methods = ["otp_internal"]
    else:
        raise not_found("the user has no second factor enrolled")
    challenge = create_challenge(
        store, user, session.tenant_id, amr=session.amr, session_id=session.id
    )
    challenge.methods = methods
    return Reply(200, {"mfa_challenge_token": challenge.token, "methods": methods})


# ---------------------------------------------------------------------- OTP login


@operation("otp_login")
def otp_login(call: Call) -> Reply:
    """``POST /auth/otp/login``: identifier + manager-issued OTP (purpose ``login``)."""
    store = call.store
    miss = unauthorized("invalid identifier or code", "invalid_credentials")
    realm = store.realm(call.field("realm_id"))
    if realm is None:
        raise miss
    check_origin(call, realm, required=True)
    if not realm.config.get("otp_login_enabled"):
        raise forbidden("OTP login is not enabled for this realm")
    identifier = str(call.field("identifier")).strip()
    wanted = identifier.lower()
    try:
        otp = consume(
            store,
            scope=(f"realm:{realm.id}", wanted, "login"),
            matches=lambda o: (
                o.realm_id == realm.id and o.purpose == "login" and o.subject_ref.lower() == wanted
            ),
            presented=call.field("presented"),
        )
    except OtpFailure:
        # Every miss looks the same, so the endpoint never says whether an account exists.
        raise miss from None
    user = store.user_by_email(realm.id, identifier)
    if user is None or store.membership(user.id, otp.tenant_id) is None:
        raise miss
    check_status(user)
    if user.mfa.enabled:
        challenge = create_challenge(
            store, user, otp.tenant_id, amr=["otp"], user_agent=call.user_agent, ip=call.end_user_ip
        )
        raise mfa_required(challenge)
    # The contract lists no 409 for this operation, so a full session quota answers 403.
    session = open_session(
        store,
        user,
        otp.tenant_id,
        amr=["otp"],
        user_agent=call.user_agent,
        ip=call.end_user_ip,
        limit_status=409,
    )
    call.audit(
        "session.created",
        target_type="session",
        target_id=session.id,
        tenant_id=session.tenant_id,
        actor_user_id=user.id,
        realm_id=realm.id,
        summary=f"{user.email} logged in with an OTP",
    )
    return Reply(200, session_body(store, session))


# ---------------------------------------------------------------------- sessions


@operation("list_sessions")
def list_sessions(call: Call) -> Reply:
    """``GET /auth/sessions``: the acting user's live sessions."""
    user, _ = call.acting_user()
    return call.page(call.store.live_sessions(user.id), session_info_body, key=lambda s: s.seq)


@operation("revoke_session")
def revoke_session_op(call: Call) -> Reply:
    """``DELETE /auth/sessions/{id}``: end one of the acting user's sessions."""
    user, _ = call.acting_user()
    session = call.store.sessions.get(call.path["session_id"])
    if session is None or session.user_id != user.id or session.revoked_at is not None:
        raise not_found("no such session")
    revoke_session(call.store, session)
    call.audit(
        "session.revoked",
        target_type="session",
        target_id=session.id,
        tenant_id=session.tenant_id,
        summary=f"session of {user.email} revoked",
    )
    return Reply(204)
