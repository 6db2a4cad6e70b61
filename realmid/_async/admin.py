"""Operator views (``realm.admin``, ADR-048, SPEC §7.5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from realmid_api.api.admin import admin_search, admin_stats, list_admin_events, list_admin_platforms
from realmid_api.types import UNSET, Unset

from realmid import _inputs, _telemetry
from realmid._async.pagination import page_limit
from realmid.errors import BadRequestError
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
    """A time filter as unix seconds, or UNSET (param left out) for None and for 0.

    0 is the reference's zero value ("unix seconds; 0 → omit"): sending ``since=0`` would
    not mean "no lower bound" to every issuer, and the Go SDK never sends it.
    """
    if value is None:
        return UNSET
    if isinstance(value, datetime):
        if value.tzinfo is None:
            # A naive datetime has no defined instant; guessing the zone is a silent bug.
            raise BadRequestError(f"{name} must be timezone-aware (or unix seconds)")
        seconds = int(value.timestamp())
    elif isinstance(value, bool) or not isinstance(value, int):
        raise BadRequestError(f"{name} must be unix seconds (an int) or an aware datetime")
    else:
        seconds = value
    if seconds < 0:
        raise BadRequestError(f"{name} must not be before 1970 (unix seconds >= 0)")
    return UNSET if seconds == 0 else seconds


def _text(name: str, value: str | None) -> str | Unset:
    """A string filter, or UNSET for None and for "" (the reference's zero value → omit)."""
    if value is None or value == "":
        return UNSET
    if not isinstance(value, str):
        raise BadRequestError(f"{name} must be a string")
    return value


def _strings(name: str, value: Sequence[str] | str | None) -> list[str] | Unset:
    """A repeated filter (``kind=a&kind=b``); None or an empty sequence leaves it out."""
    if value is None:
        return UNSET
    # A bare string is one value, not a sequence of characters.
    items = [value] if isinstance(value, str) else [*value]
    if not all(isinstance(item, str) for item in items):
        raise BadRequestError(f"{name} must be a string or a sequence of strings")
    kept = [item for item in items if item]
    return kept if kept else UNSET


def _flag(name: str, value: bool | None) -> bool | Unset:
    if value is None:
        return UNSET
    if not isinstance(value, bool):
        raise BadRequestError(f"{name} must be True, False or None")
    return value


def _limit(limit: int | None) -> int | Unset:
    checked = page_limit(limit)
    return UNSET if checked is None else checked


@_telemetry.traced("admin")
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
        seconds or aware datetimes. As in the reference, a zero value leaves its filter
        out: ``since=0``, ``until=0``, ``""`` or an empty ``kind`` mean "no such filter".
        A bad argument (a naive datetime, a negative time, ``limit`` < 1) is a
        :class:`~realmid.BadRequestError`, raised before any request::

            page = realm.admin.list_events(platform_id=realm.realm_id,
                                           kind=["session.created"], limit=50)
        """
        return await self._realm._call(
            list_admin_events.asyncio_detailed,
            AdminEventsResponse,
            platform_id=_text("platform_id", platform_id),
            tenant_id=_text("tenant_id", tenant_id),
            actor_id=_text("actor_id", actor_id),
            kind=_strings("kind", kind),
            since=_seconds("since", since),
            until=_seconds("until", until),
            cursor=_text("cursor", cursor),
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

        ``sort`` is a field name, ``-`` prefixed for descending (e.g. ``-created_at``).
        Zero values leave their filter out, as in the reference (``created_after=0``,
        ``""``, an empty ``status``); a bad argument is a :class:`~realmid.BadRequestError`
        before any request::

            page = realm.admin.list_platforms(q="acme", status="active", sort="display_name")
        """
        return await self._realm._call(
            list_admin_platforms.asyncio_detailed,
            AdminPlatformsResponse,
            q=_text("q", q),
            status=_strings("status", status),
            signup_mode=_strings("signup_mode", signup_mode),
            domain=_text("domain", domain),
            owner_user_id=_text("owner_user_id", owner_user_id),
            has_custom_domain=_flag("has_custom_domain", has_custom_domain),
            created_after=_seconds("created_after", created_after),
            created_before=_seconds("created_before", created_before),
            last_activity_after=_seconds("last_activity_after", last_activity_after),
            last_activity_before=_seconds("last_activity_before", last_activity_before),
            sort=_text("sort", sort),
            cursor=_text("cursor", cursor),
            limit=_limit(limit),
        )

    async def search(self, q: str, limit: int | None = None) -> AdminSearchResponse:
        """Platforms, tenants and users matching ``q`` (``GET /admin/search``).

        ``limit`` None (or, as in the reference, ≤ 0) leaves it to the server (20). An
        empty ``q`` or a ``limit`` that is not an integer is a
        :class:`~realmid.BadRequestError`, raised before any request.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise BadRequestError(f"limit must be an integer, got {limit!r}")
        return await self._realm._call(
            admin_search.asyncio_detailed,
            AdminSearchResponse,
            q=_inputs.non_empty("q", q),
            limit=UNSET if limit is None or limit <= 0 else limit,
        )

    async def stats(self) -> AdminStats:
        """Counters across the issuer (``GET /admin/stats``)."""
        return await self._realm._call(admin_stats.asyncio_detailed, AdminStats)
