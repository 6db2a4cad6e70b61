"""Minting: platform token pairs, user sessions, RS256 access tokens, refresh rotation."""

from __future__ import annotations

import uuid
from typing import Any

from realmid.testing.directory import tenant_refs, user_summary
from realmid.testing.errors import ApiError, forbidden, unauthorized
from realmid.testing.ids import new_id, opaque_token, rfc3339
from realmid.testing.model import ApiKey, PlatformGrant, Realm, Session, User
from realmid.testing.principal import (
    PLATFORM_ACCESS_PREFIX,
    PLATFORM_REFRESH_PREFIX,
    USER_REFRESH_PREFIX,
)
from realmid.testing.store import Store

PLATFORM_REFRESH_TTL = 30 * 86_400

# Names a partner may not set through custom_claims: the JWT registered claims and every
# claim the issuer itself owns (a partner must not forge a tenant, role or MFA proof).
RESERVED_CLAIMS = frozenset(
    {
        "iss",
        "sub",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        "azp",
        "sid",
        "tenant_id",
        "role",
        "amr",
        "acr",
        "mfa_at",
        "auth_time",
        "email",
    }
)


# ---------------------------------------------------------------------- platform tokens


def issue_platform_grant(store: Store, realm: Realm, key: ApiKey) -> PlatformGrant:
    """A fresh platform access + refresh token pair for ``key``."""
    with store.lock:
        now = store.now()
        grant = PlatformGrant(
            realm_id=realm.id,
            api_key_id=key.id,
            access_token=opaque_token(PLATFORM_ACCESS_PREFIX),
            access_expires_at=now + int(realm.config["platform_token_ttl"]),
            refresh_token=opaque_token(PLATFORM_REFRESH_PREFIX),
            refresh_expires_at=now + PLATFORM_REFRESH_TTL,
        )
        store.platform_by_access[grant.access_token] = grant
        store.platform_by_refresh[grant.refresh_token] = grant
        return grant


def refresh_platform_grant(store: Store, refresh_token: str | None) -> PlatformGrant:
    """A new access token for a platform refresh token (rotating it if the realm says so)."""
    with store.lock:
        now = store.now()
        grant = store.platform_by_refresh.get(refresh_token or "")
        if grant is None or grant.refresh_expires_at <= now:
            raise unauthorized("platform refresh token is invalid or expired")
        key = store.api_keys.get(grant.api_key_id)
        realm = store.realm(grant.realm_id)
        if key is None or key.revoked_at is not None or realm is None:
            raise unauthorized("the API key behind this refresh token is revoked")
        fresh = PlatformGrant(
            realm_id=grant.realm_id,
            api_key_id=grant.api_key_id,
            access_token=opaque_token(PLATFORM_ACCESS_PREFIX),
            access_expires_at=now + int(realm.config["platform_token_ttl"]),
            refresh_token=grant.refresh_token,
            refresh_expires_at=grant.refresh_expires_at,
        )
        if realm.config["platform_refresh_rotates"]:
            del store.platform_by_refresh[grant.refresh_token]
            fresh.refresh_token = opaque_token(PLATFORM_REFRESH_PREFIX)
            fresh.refresh_expires_at = now + PLATFORM_REFRESH_TTL
        store.platform_by_access[fresh.access_token] = fresh
        store.platform_by_refresh[fresh.refresh_token] = fresh
        return fresh


def platform_token_body(grant: PlatformGrant, now: float) -> dict[str, Any]:
    """The ``PlatformTokenResponse`` body (``token_type`` is an extra the reference lacks)."""
    return {
        "access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_in": max(0, round(grant.access_expires_at - now)),
        "token_type": "Bearer",
    }


# ---------------------------------------------------------------------- user sessions


def ensure_session_room(store: Store, realm: Realm, user: User, status: int = 409) -> None:
    """Refuse a new session when the user already holds the realm's ``session_limit``."""
    limit = realm.config.get("session_limit")
    if limit is not None and len(store.live_sessions(user.id)) >= int(limit):
        raise ApiError(
            status,
            "session_limit_reached",
            f"the user already has {limit} active sessions; revoke one first",
        )


def open_session(
    store: Store,
    user: User,
    tenant_id: str,
    *,
    amr: list[str],
    mfa_at: int | None = None,
    user_agent: str | None = None,
    ip: str | None = None,
    limit_status: int = 409,
) -> Session:
    """A new session for ``user`` pinned to ``tenant_id``, within the realm's session limit."""
    with store.lock:
        realm = store.realms[user.realm_id]
        ensure_session_room(store, realm, user, limit_status)
        now = store.now()
        session = Session(
            id=new_id("ses"),
            realm_id=user.realm_id,
            user_id=user.id,
            tenant_id=tenant_id,
            refresh_token=opaque_token(USER_REFRESH_PREFIX),
            amr=list(amr),
            created_at=now,
            last_used_at=now,
            seq=store.next_seq(),
            user_agent=user_agent,
            ip=ip,
            mfa_at=mfa_at,
        )
        store.sessions[session.id] = session
        store.live_refresh[session.refresh_token] = session.id
        realm.last_activity_at = now
        return session


def rotate_refresh(store: Store, session: Session) -> str:
    """Give the session a new refresh token; the old one is refused from now on."""
    with store.lock:
        store.live_refresh.pop(session.refresh_token, None)
        store.retired_refresh[session.refresh_token] = session.id
        session.refresh_token = opaque_token(USER_REFRESH_PREFIX)
        store.live_refresh[session.refresh_token] = session.id
        session.last_used_at = store.now()
        return session.refresh_token


def revoke_session(store: Store, session: Session) -> None:
    """End the session: its refresh token stops working (access tokens live to ``exp``)."""
    with store.lock:
        if session.revoked_at is None:
            session.revoked_at = store.now()
        store.live_refresh.pop(session.refresh_token, None)
        store.retired_refresh[session.refresh_token] = session.id


def mint_access_token(
    store: Store, session: Session, custom_claims: dict[str, Any] | None = None
) -> tuple[str, int, str]:
    """An RS256 access token for the session: ``(token, expires_in, role)``."""
    with store.lock:
        realm = store.realms[session.realm_id]
        user = store.users[session.user_id]
        membership = store.membership(user.id, session.tenant_id)
        if membership is None:
            raise forbidden("the user is no longer a member of this tenant", "tenant_invalid")
        now = int(store.now())
        ttl = int(realm.config["access_token_ttl"])
        claims: dict[str, Any] = dict(custom_claims or {})
        claims.update(
            {
                "iss": store.base_url,
                "sub": user.id,
                "aud": realm.audience,
                "iat": now,
                "nbf": now,
                "exp": now + ttl,
                "jti": uuid.uuid4().hex,
                "azp": realm.id,
                "sid": session.id,
                "tenant_id": session.tenant_id,
                "role": membership.role,
                "amr": list(session.amr),
                "acr": session.acr,
                "email": user.email,
            }
        )
        if session.mfa_at is not None:
            claims["mfa_at"] = session.mfa_at
        return store.keys.sign(claims), ttl, membership.role


def session_body(store: Store, session: Session) -> dict[str, Any]:
    """Mint an access token and answer the ``Session`` body for it."""
    with store.lock:
        token, ttl, role = mint_access_token(store, session)
        user = store.users[session.user_id]
        return {
            "access_token": token,
            "refresh_token": session.refresh_token,
            "expires_in": ttl,
            "expires_at": rfc3339(int(store.now()) + ttl),
            "tenant_id": session.tenant_id,
            "role": role,
            "user": user_summary(user),
            "tenants": tenant_refs(store, user),
        }


def session_info_body(session: Session) -> dict[str, Any]:
    """The ``SessionInfo`` body."""
    body: dict[str, Any] = {
        "id": session.id,
        "created_at": rfc3339(session.created_at),
        "last_used_at": rfc3339(session.last_used_at),
    }
    if session.user_agent is not None:
        body["user_agent"] = session.user_agent
    if session.ip is not None:
        body["ip"] = session.ip
    return body
