"""Who is calling: a platform (realm API key → platform token) or a user (access JWT)."""

from __future__ import annotations

from dataclasses import dataclass

import jwt

from realmid.testing.contract import Operation
from realmid.testing.model import ApiKey, Realm
from realmid.testing.store import Store

PLATFORM_ACCESS_PREFIX = "rpat"
PLATFORM_REFRESH_PREFIX = "rprt"
USER_REFRESH_PREFIX = "rrt"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    A platform principal acts for a whole realm with its API key's scopes; a user
    principal is the subject of an access token, pinned to one tenant and session.
    """

    kind: str
    realm_id: str
    api_key_id: str | None = None
    scopes: frozenset[str] = frozenset()
    user_id: str | None = None
    tenant_id: str | None = None
    session_id: str | None = None

    @property
    def is_platform(self) -> bool:
        """Whether this is a platform bearer."""
        return self.kind == "platform"

    @property
    def identity(self) -> str:
        """A stable label for scoping idempotency keys and audit events."""
        if self.is_platform:
            return f"api_key:{self.api_key_id}"
        return f"user:{self.user_id}"

    def has_scope(self, scope: str) -> bool:
        """Whether the API key carries ``scope`` (``*`` carries every scope)."""
        return "*" in self.scopes or scope in self.scopes


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, if well-formed."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate(store: Store, op: Operation, token: str | None) -> Principal | None:
    """The principal ``token`` proves for ``op`` (None when it proves nothing usable there).

    Only the schemes the contract lists for the operation count: a user JWT on a
    platform-only operation proves nothing.
    """
    if token is None:
        return None
    with store.lock:
        if token.startswith(PLATFORM_ACCESS_PREFIX + "_") and op.allows("platformBearer"):
            live = _live_platform_token(store, token)
            if live is None:
                return None
            key, realm = live
            realm.last_activity_at = store.now()
            return Principal(
                kind="platform",
                realm_id=realm.id,
                api_key_id=key.id,
                scopes=frozenset(key.scopes),
            )
        if token.count(".") == 2 and op.allows("userBearer"):
            return _user_principal(store, token)
    return None


def is_platform_token(store: Store, token: str | None) -> bool:
    """Whether ``token`` is a live platform access token, whatever the operation.

    The cheap check the pipeline makes before rate limiting: such a caller is a partner
    backend (BFF), the only caller whose ``X-On-Behalf-Of-IP`` the issuer believes.
    Touches nothing (no ``last_activity_at``): :func:`authenticate` does that.
    """
    if token is None or not token.startswith(PLATFORM_ACCESS_PREFIX + "_"):
        return False
    with store.lock:
        return _live_platform_token(store, token) is not None


def _live_platform_token(store: Store, token: str) -> tuple[ApiKey, Realm] | None:
    """The key and realm of a live platform access token (None: unknown, expired, revoked)."""
    grant = store.platform_by_access.get(token)
    if grant is None or grant.access_expires_at <= store.now():
        return None
    key = store.api_keys.get(grant.api_key_id)
    realm = store.realm(grant.realm_id)
    # Revoking a leaked key must cut off the tokens already minted from it, too.
    if key is None or key.revoked_at is not None or realm is None:
        return None
    return key, realm


def _user_principal(store: Store, token: str) -> Principal | None:
    try:
        claims = store.keys.decode(token, store.now())
    except jwt.PyJWTError:
        return None
    user = store.users.get(str(claims.get("sub")))
    if user is None:
        return None
    realm = store.realm(user.realm_id)
    if realm is None or claims.get("aud") != realm.audience or claims.get("iss") != store.base_url:
        return None
    tenant_id = claims.get("tenant_id")
    session_id = claims.get("sid")
    return Principal(
        kind="user",
        realm_id=realm.id,
        user_id=user.id,
        tenant_id=tenant_id if isinstance(tenant_id, str) else None,
        session_id=session_id if isinstance(session_id, str) else None,
    )
