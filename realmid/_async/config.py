"""Realm configuration (``realm.config``, SPEC §6.5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from realmid_api.api.config import update_realm_config
from realmid_api.models import ConfigPatch

from realmid import _inputs, _telemetry
from realmid.errors import BadRequestError
from realmid.models import RealmConfig

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("config")
class AsyncConfig:
    """Realm-level configuration."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def update(
        self, patch: Mapping[str, Any] | None = None, /, **settings: Any
    ) -> RealmConfig:
        """Patch the realm's configuration; returns the whole configuration after it.

        Give the keys as a mapping, as keywords, or both (keywords win). The issuer keeps
        an allowlist of mutable keys (``platform_refresh_rotates``, ``otp_login_enabled``,
        ``otp_mfa_enabled``, ``mfa_session_ttl_seconds``, ``require_bff_login``,
        ``session_limit``, ``access_token_ttl``, ``platform_token_ttl``, and whatever a newer
        issuer adds) and answers ``bad_request`` for any other. An empty patch is a
        :class:`~realmid.BadRequestError`, raised before any request::

            config = realm.config.update(otp_login_enabled=True, session_limit=5)
        """
        merged = {**_inputs.json_object("patch", patch or {}), **settings}
        if not merged:
            raise BadRequestError("the config patch is empty: pass at least one setting")
        body = ConfigPatch.from_dict(merged)
        # A generated model reads None as "absent" and leaves it out; here a None is an
        # explicit null ("session_limit": null means unlimited), so it rides along as is.
        body.additional_properties.update({k: v for k, v in merged.items() if v is None})
        return await self._realm._call(
            update_realm_config.asyncio_detailed,
            RealmConfig,
            platform_id=self._realm.realm_id,
            body=body,
        )
