"""Realm API keys (``realm.api_keys``, SPEC §6.5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from realmid_api.api.api_keys import create_api_key, list_api_keys, revoke_api_key
from realmid_api.models import APIKey, APIKeyCreate, APIKeyPage

from realmid import _inputs, _telemetry
from realmid._async.pagination import AsyncPaginated
from realmid._http import new_idempotency_key

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm


@_telemetry.traced("api_keys")
class AsyncApiKeys:
    """The realm's API keys. A key's ``secret`` exists in the answer of ``create`` only."""

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def create(self, display_name: str, *, scopes: Sequence[str] | None = None) -> APIKey:
        """Create a key; store ``key.secret`` now, the issuer never shows it again.

        ``scopes`` defaults (server side) to every scope. The secret is hidden from
        ``repr(key)``::

            key = realm.api_keys.create("billing worker", scopes=["tenants"])
            vault.put("realmid", key.secret)
        """
        body = APIKeyCreate(
            display_name=_inputs.non_empty("display_name", display_name),
            scopes=None if scopes is None else [*scopes],
        )
        wire = await self._realm._call(
            create_api_key.asyncio_detailed,
            APIKey,
            platform_id=self._realm.realm_id,
            body=body,
            idempotency_key=new_idempotency_key(),
        )
        return wire

    def list(self, *, limit: int | None = None) -> AsyncPaginated[APIKey]:
        """The realm's keys (without secrets), fetched page by page as you iterate."""
        pages = self._realm._paginate(
            list_api_keys.asyncio_detailed,
            APIKeyPage,
            limit=limit,
            platform_id=self._realm.realm_id,
        )
        return pages

    async def revoke(self, key_id: str) -> APIKey:
        """Revoke a key: it stops working at once, and so do the platform tokens minted
        with it. Revoking it twice is ``conflict``; an unknown key is ``not_found``."""
        wire = await self._realm._call(
            revoke_api_key.asyncio_detailed,
            APIKey,
            platform_id=self._realm.realm_id,
            key_id=_inputs.path_id("key_id", key_id),
        )
        return wire
