"""realmid: the Python SDK for Realm ID, a multi-tenant auth issuer.

Construct one handle at startup and share it::

    import realmid

    realm = realmid.Realm(realm_id="01HXYZ...", api_key="rk_live_...")
    info = realm.info()

``AsyncRealm`` is the same surface for asyncio. The wire layer is the generated package
``realmid_api`` (from ``openapi/realmid.yaml``); this package is the facade over it.
Names load lazily, so ``import realmid`` stays cheap until a handle is needed.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from realmid._version import SERVER_VERSION, __version__

if TYPE_CHECKING:
    from realmid._async.pagination import AsyncPaginated
    from realmid._async.realm import AsyncRealm
    from realmid._async.tokens import AsyncTokensClient
    from realmid._config import DEFAULT_BASE_URL, RetryPolicy
    from realmid._sync.pagination import Paginated
    from realmid._sync.realm import Realm
    from realmid._sync.tokens import TokensClient
    from realmid.errors import (
        BadRequestError,
        ErrorCode,
        LastOwnerError,
        RealmError,
        RoleExistsError,
        RoleInUseError,
        RoleNotFoundError,
        SystemRoleImmutableError,
        TokenRevokedError,
        is_code,
    )
    from realmid.jwks import AsyncJwksCache, JwksCache
    from realmid.middleware.claims import claims_from
    from realmid.models import ROLE_MEMBER, ROLE_OWNER, Page, RealmInfo
    from realmid.origin_names import normalize_origin
    from realmid.revocation import (
        AsyncRedisRevocationCache,
        AsyncRevocationCache,
        MemRevocationCache,
        RedisRevocationCache,
        RevocationCache,
    )
    from realmid.verify import AsyncVerifier, Claims, Verifier

# As the reference's default logger (io.Discard): silent unless the application configures
# logging. Without it, Python's last-resort handler would print warnings to stderr.
logging.getLogger("realmid").addHandler(logging.NullHandler())

_LAZY = {
    "AsyncJwksCache": "realmid.jwks",
    "AsyncPaginated": "realmid._async.pagination",
    "AsyncRealm": "realmid._async.realm",
    "AsyncRedisRevocationCache": "realmid.revocation",
    "AsyncRevocationCache": "realmid.revocation",
    "AsyncTokensClient": "realmid._async.tokens",
    "AsyncVerifier": "realmid.verify",
    "Claims": "realmid.verify",
    "DEFAULT_BASE_URL": "realmid._config",
    "ErrorCode": "realmid.errors",
    "JwksCache": "realmid.jwks",
    "LastOwnerError": "realmid.errors",
    "MemRevocationCache": "realmid.revocation",
    "Page": "realmid.models",
    "Paginated": "realmid._sync.pagination",
    "ROLE_MEMBER": "realmid.models",
    "ROLE_OWNER": "realmid.models",
    "Realm": "realmid._sync.realm",
    "RealmError": "realmid.errors",
    "BadRequestError": "realmid.errors",
    "RealmInfo": "realmid.models",
    "RedisRevocationCache": "realmid.revocation",
    "RetryPolicy": "realmid._config",
    "RevocationCache": "realmid.revocation",
    "RoleExistsError": "realmid.errors",
    "RoleInUseError": "realmid.errors",
    "RoleNotFoundError": "realmid.errors",
    "SystemRoleImmutableError": "realmid.errors",
    "TokenRevokedError": "realmid.errors",
    "TokensClient": "realmid._sync.tokens",
    "Verifier": "realmid.verify",
    "claims_from": "realmid.middleware.claims",
    "is_code": "realmid.errors",
    "normalize_origin": "realmid.origin_names",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "ROLE_MEMBER",
    "ROLE_OWNER",
    "SERVER_VERSION",
    "AsyncJwksCache",
    "AsyncPaginated",
    "AsyncRealm",
    "AsyncRedisRevocationCache",
    "AsyncRevocationCache",
    "AsyncTokensClient",
    "AsyncVerifier",
    "BadRequestError",
    "Claims",
    "ErrorCode",
    "JwksCache",
    "LastOwnerError",
    "MemRevocationCache",
    "Page",
    "Paginated",
    "Realm",
    "RealmError",
    "RealmInfo",
    "RedisRevocationCache",
    "RetryPolicy",
    "RevocationCache",
    "RoleExistsError",
    "RoleInUseError",
    "RoleNotFoundError",
    "SystemRoleImmutableError",
    "TokenRevokedError",
    "TokensClient",
    "Verifier",
    "__version__",
    "claims_from",
    "is_code",
    "normalize_origin",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'realmid' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
