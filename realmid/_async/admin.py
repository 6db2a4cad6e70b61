"""Operator views (``realm.admin``, ADR-048, SPEC §7.5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from realmid_api.api.admin import admin_search, admin_stats, list_admin_events, list_admin_platforms
from realmid_api.types import UNSET, Unset

from realmid import _wire
from realmid.models import (
    AdminEventsResponse,
    AdminPlatformsResponse,
    AdminSearchResponse,
    AdminStats,
)

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm

# A moment given as unix seconds or as an aware datetime.
Moment = int | datetime


def _seconds(name: str, value: Moment | None) -> int | Unset:
    if value is None:
        return UNSET
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # A naive datetime has no defined instant; guessing the zone is a silent bug.
            raise ValueError(f"{name} must be timezone-aware (or unix seconds)")
        return int(value.timestamp())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be non-negative unix seconds or an aware datetime")
    return value


def _strings(value: Sequence[str] | str | None) -> list[str] | Unset:
    if value is None:
        return UNSET
    # A bare string is one value, not a sequence of characters.
    return [value] if isinstance(value, str) else [*value]


def _limit(limit: int | None) -> int | Unset:
    if limit is None:
        return UNSET
    if limit < 1:
        raise ValueError("limit must be a positive page size")
    return limit


class AsyncAdmin:
    """Operator views across the issuer (the API key needs the ``admin`` scope).

    ``list_events`` and ``list_platforms`` return one page as the raw envelope, as the
    reference does; pass its ``next_cursor`` back as ``cursor=`` for the next page.
    """

    def __init__(self, realm: AsyncRealm) -> None:
        self._realm = realm

    async def list_events(
        self,
        *,
        platform_id: str | None = None,
        tenant_id: str | None = None,
        actor_id: str | None = None,
        kind: Sequence[str] | str | None = None,
        since: Moment | None = None,
        until: Moment | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> AdminEventsResponse:
        """One page of the audit log, newest first (``GET /admin/events``).

        Filters combine; ``kind`` takes one kind or several; ``since``/``until`` take unix
        seconds or aware datetimes::

            page = realm.admin.list_events(platform_id=realm.realm_id,
                                           kind=["session.created"], limit=50)
        """
        return await self._realm._call(
            list_admin_events.asyncio_detailed,
            AdminEventsResponse,
            platform_id=_wire.or_unset(platform_id),
            tenant_id=_wire.or_unset(tenant_id),
            actor_id=_wire.or_unset(actor_id),
            kind=_strings(kind),
            since=_seconds("since", since),
            until=_seconds("until", until),
            cursor=_wire.or_unset(cursor),
            limit=_limit(limit),
        )

    async def list_platforms(
        self,
        *,
        q: str | None = None,
        status: Sequence[str] | str | None = None,
        signup_mode: Sequence[str] | str | None = None,
        domain: str | None = None,
        owner_user_id: str | None = None,
        has_custom_domain: bool | None = None,
        created_after: Moment | None = None,
        created_before: Moment | None = None,
        last_activity_after: Moment | None = None,
        last_activity_before: Moment | None = None,
        sort: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> AdminPlatformsResponse:
        """One page of platforms (realms), filtered and sorted (``GET /admin/platforms``).

        ``sort`` is a field name, ``-`` prefixed for descending (e.g. ``-created_at``)::

            page = realm.admin.list_platforms(q="acme", status="active", sort="display_name")
        """
        return await self._realm._call(
            list_admin_platforms.asyncio_detailed,
            AdminPlatformsResponse,
            q=_wire.or_unset(q),
            status=_strings(status),
            signup_mode=_strings(signup_mode),
            domain=_wire.or_unset(domain),
            owner_user_id=_wire.or_unset(owner_user_id),
            has_custom_domain=_wire.or_unset(has_custom_domain),
            created_after=_seconds("created_after", created_after),
            created_before=_seconds("created_before", created_before),
            last_activity_after=_seconds("last_activity_after", last_activity_after),
            last_activity_before=_seconds("last_activity_before", last_activity_before),
            sort=_wire.or_unset(sort),
            cursor=_wire.or_unset(cursor),
            limit=_limit(limit),
        )

    async def search(self, q: str, limit: int | None = None) -> AdminSearchResponse:
        """Platforms, tenants and users matching ``q`` (``GET /admin/search``).

        ``limit`` None (or, as in the reference, ≤ 0) leaves it to the server (20).
        """
        return await self._realm._call(
            admin_search.asyncio_detailed,
            AdminSearchResponse,
            q=_wire.non_empty("q", q),
            limit=UNSET if limit is None or limit <= 0 else limit,
        )

    async def stats(self) -> AdminStats:
        """Counters across the issuer (``GET /admin/stats``)."""
        return await self._realm._call(admin_stats.asyncio_detailed, AdminStats)
