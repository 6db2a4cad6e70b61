"""Realms: creation, their mutable configuration (an allowlist of keys), and API keys."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from realmid.testing.ids import digest, new_id, ulid
from realmid.testing.model import ApiKey, Realm, Role
from realmid.testing.store import Store

SYSTEM_ROLES = ("owner", "member")
API_KEY_PREFIX = "rk_test_"
ALL_SCOPES = "*"

DEFAULT_CONFIG: dict[str, Any] = {
    "platform_refresh_rotates": False,
    "otp_login_enabled": False,
    "otp_mfa_enabled": False,
    "mfa_session_ttl_seconds": 900,
    "require_bff_login": False,
    "session_limit": None,
    "access_token_ttl": 900,
    "platform_token_ttl": 900,
}


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("must be a boolean")
    return value


def _seconds(value: Any) -> Any:
    # bool is an int in Python; a JSON true is not a duration.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31_536_000:
        raise ValueError("must be an integer number of seconds between 1 and 31536000")
    return value


def _limit(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a positive integer, or null for no limit")
    return value


CONFIG_RULES: dict[str, Callable[[Any], Any]] = {
    "platform_refresh_rotates": _boolean,
    "otp_login_enabled": _boolean,
    "otp_mfa_enabled": _boolean,
    "mfa_session_ttl_seconds": _seconds,
    "require_bff_login": _boolean,
    "session_limit": _limit,
    "access_token_ttl": _seconds,
    "platform_token_ttl": _seconds,
}


def checked_config_patch(patch: Mapping[str, Any]) -> dict[str, Any]:
    """The patch with normalised values; raises ValueError naming the first bad key."""
    out: dict[str, Any] = {}
    for key, value in patch.items():
        rule = CONFIG_RULES.get(key)
        if rule is None:
            raise ValueError(f"{key!r} is not a mutable realm setting")
        try:
            out[key] = rule(value)
        except ValueError as exc:
            raise ValueError(f"{key!r} {exc}") from None
    return out


@dataclass(frozen=True)
class RealmHandle:
    """What a test needs to talk to a realm: its id, a full-scope API key, its audience."""

    realm_id: str
    api_key: str
    api_key_id: str
    audience: str
    domain: str
    display_name: str


def slugify(text: str) -> str:
    """A DNS-label-safe slug of ``text``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40] or "realm"


class AudienceTaken(ValueError):
    """Another realm already has the audience asked for (and sharing was not asked for)."""

    def __init__(self, audience: str) -> None:
        super().__init__(
            f"another realm already has the audience {audience!r} "
            "(pass allow_shared_audience=True to share it)"
        )
        self.audience = audience


def create_realm(
    store: Store,
    display_name: str,
    *,
    audience: str | None = None,
    domain: str | None = None,
    config: Mapping[str, Any] | None = None,
    status: str = "active",
    signup_mode: str = "closed",
    allow_shared_audience: bool = False,
) -> RealmHandle:
    """A new realm with its system roles and one API key with every scope.

    The audience (``aud`` of the realm's access tokens) is the realm's own: one another
    realm has raises :class:`AudienceTaken` (a ValueError) unless ``allow_shared_audience``.
    """
    slug = f"{slugify(display_name)}-{secrets.token_hex(3)}"
    audience = audience or f"https://app.{slug}.test"
    settings = dict(DEFAULT_CONFIG)
    settings.update(checked_config_patch(config or {}))
    with store.lock:
        if not allow_shared_audience and any(
            other.audience == audience for other in store.realms.values()
        ):
            raise AudienceTaken(audience)
        now = store.now()
        realm = Realm(
            id=ulid(),
            display_name=display_name,
            slug=slug,
            audience=audience,
            domain=domain or hostname_of(audience),
            status=status,
            signup_mode=signup_mode,
            config=settings,
            created_at=now,
            last_activity_at=now,
            seq=store.next_seq(),
        )
        store.realms[realm.id] = realm
        for name in SYSTEM_ROLES:
            role = Role(
                id=new_id("role"),
                realm_id=realm.id,
                name=name,
                display_name=name.capitalize(),
                permissions=["*"] if name == "owner" else [],
                is_system=True,
                created_at=now,
                updated_at=now,
                seq=store.next_seq(),
            )
            store.roles[role.id] = role
        key, secret = create_api_key(store, realm.id, "default", [ALL_SCOPES])
    return RealmHandle(
        realm_id=realm.id,
        api_key=secret,
        api_key_id=key.id,
        audience=realm.audience,
        domain=realm.domain,
        display_name=realm.display_name,
    )


def create_api_key(
    store: Store, realm_id: str, display_name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    """A new key and its secret (the only time the secret exists outside the caller)."""
    secret = API_KEY_PREFIX + secrets.token_urlsafe(24)
    with store.lock:
        key = ApiKey(
            id=new_id("key"),
            realm_id=realm_id,
            display_name=display_name,
            prefix=secret[: len(API_KEY_PREFIX) + 4],
            secret_digest=digest(secret),
            scopes=list(scopes),
            created_at=store.now(),
            seq=store.next_seq(),
        )
        store.api_keys[key.id] = key
    return key, secret


def find_api_key(store: Store, realm_id: str, secret: str) -> ApiKey | None:
    """The realm's key whose secret is ``secret`` (compared by digest), if any."""
    wanted = digest(secret)
    for key in store.api_keys.values():
        if key.realm_id == realm_id and key.secret_digest == wanted:
            return key
    return None


def hostname_of(origin: str) -> str:
    """The bare lowercase hostname of an origin or URL (scheme, port, path stripped)."""
    rest = origin.strip().lower()
    if "://" in rest:
        rest = rest.split("://", 1)[1]
    rest = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in rest:
        rest = rest.rsplit("@", 1)[1]
    if rest.startswith("["):
        return rest.split("]", 1)[0] + "]"
    return rest.split(":", 1)[0].rstrip(".")


def realm_info(realm: Realm) -> dict[str, Any]:
    """The ``RealmInfo`` body."""
    return {
        "id": realm.id,
        "audience": realm.audience,
        "domain": realm.domain,
        "display_name": realm.display_name,
    }
