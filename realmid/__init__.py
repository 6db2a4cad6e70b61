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
from typing import TYPE_CHECKING, Any

from realmid._version import SERVER_VERSION, __version__

if TYPE_CHECKING:
    from realmid._async.pagination import AsyncPaginated
    from realmid._async.realm import AsyncRealm
    from realmid._config import DEFAULT_BASE_URL, RetryPolicy
    from realmid._sync.pagination import Paginated
    from realmid._sync.realm import Realm
    from realmid.errors import (
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
    from realmid.models import ROLE_MEMBER, ROLE_OWNER, Page, RealmInfo

_LAZY = {
    "AsyncPaginated": "realmid._async.pagination",
    "AsyncRealm": "realmid._async.realm",
    "DEFAULT_BASE_URL": "realmid._config",
    "RetryPolicy": "realmid._config",
    "Paginated": "realmid._sync.pagination",
    "Realm": "realmid._sync.realm",
    "ErrorCode": "realmid.errors",
    "LastOwnerError": "realmid.errors",
    "RealmError": "realmid.errors",
    "RoleExistsError": "realmid.errors",
    "RoleInUseError": "realmid.errors",
    "RoleNotFoundError": "realmid.errors",
    "SystemRoleImmutableError": "realmid.errors",
    "TokenRevokedError": "realmid.errors",
    "is_code": "realmid.errors",
    "Page": "realmid.models",
    "ROLE_MEMBER": "realmid.models",
    "ROLE_OWNER": "realmid.models",
    "RealmInfo": "realmid.models",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "ROLE_MEMBER",
    "ROLE_OWNER",
    "SERVER_VERSION",
    "AsyncPaginated",
    "AsyncRealm",
    "ErrorCode",
    "LastOwnerError",
    "Page",
    "Paginated",
    "Realm",
    "RealmError",
    "RealmInfo",
    "RetryPolicy",
    "RoleExistsError",
    "RoleInUseError",
    "RoleNotFoundError",
    "SystemRoleImmutableError",
    "TokenRevokedError",
    "__version__",
    "is_code",
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
