"""realm.admin filters: the reference's zero values are left off the wire, on both faces.

The Go SDK's ``ListEventsParams``/``ListPlatformsParams`` document ``0 → omit`` for the
time filters, and ``Search`` omits ``limit`` when it is ≤ 0. Sending ``until=0`` instead
asks for events before 1970: an empty page where Go gets the events.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from realmid.testing import RealmEmulator

from .support import call
from .surface_support import QueryRecorder, open_realm, unique

pytestmark = pytest.mark.anyio

TIME_FILTERS = ("created_after", "created_before", "last_activity_after", "last_activity_before")


def last_query(sent: QueryRecorder, path: str) -> dict[str, list[str]]:
    """The query parameters of the last request sent to ``path``, blanks kept."""
    for request, query in zip(reversed(sent.sent), reversed(sent.queries), strict=True):
        if request.path == path:
            return parse_qs(query, keep_blank_values=True)
    raise AssertionError(f"nothing was sent to {path}")


async def test_list_events_omits_zero_times(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(realm.tenants.create(unique("Zero")))
        page = await call(realm.admin.list_events(platform_id=emulator.realm_id, since=0, until=0))
        query = last_query(sent, "/admin/events")
        assert "since" not in query
        assert "until" not in query
        assert query["platform_id"] == [emulator.realm_id]
        # As Go: no time window at all, so the realm's events come back.
        assert tenant.id in [e.target_id for e in page.items]


async def test_list_events_sends_real_times(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(realm.tenants.create(unique("Window")))
        start = int(emulator.now()) - 3600
        end = datetime.now(UTC) + timedelta(days=1)
        page = await call(
            realm.admin.list_events(platform_id=emulator.realm_id, since=start, until=end)
        )
        query = last_query(sent, "/admin/events")
        assert query["since"] == [str(start)]
        assert query["until"] == [str(int(end.timestamp()))]
        assert tenant.id in [e.target_id for e in page.items]
        # An empty window really filters: the zero-omission must not swallow real values.
        past = await call(realm.admin.list_events(platform_id=emulator.realm_id, until=1))
        assert last_query(sent, "/admin/events")["until"] == ["1"]
        assert past.items == []


async def test_list_events_omits_empty_strings_and_kinds(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(realm.tenants.create(unique("Blank")))
        page = await call(
            realm.admin.list_events(
                platform_id=emulator.realm_id, tenant_id="", actor_id="", kind=[], cursor=""
            )
        )
        query = last_query(sent, "/admin/events")
        assert set(query) == {"platform_id"}
        assert tenant.id in [e.target_id for e in page.items]


async def test_list_platforms_omits_zero_times(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        zeros = dict.fromkeys(TIME_FILTERS, 0)
        page = await call(realm.admin.list_platforms(q=emulator.realm_id, **zeros))
        query = last_query(sent, "/admin/platforms")
        assert set(query) == {"q"}
        assert [p.id for p in page.items] == [emulator.realm_id]

        blanks = await call(
            realm.admin.list_platforms(
                q=emulator.realm_id, domain="", owner_user_id="", sort="", status=[]
            )
        )
        assert set(last_query(sent, "/admin/platforms")) == {"q"}
        assert [p.id for p in blanks.items] == [emulator.realm_id]


async def test_list_platforms_sends_real_times(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        later = datetime.now(UTC) + timedelta(days=1)
        values = {
            "created_after": 1,
            "created_before": later,
            "last_activity_after": 1,
            "last_activity_before": later,
        }
        page = await call(realm.admin.list_platforms(q=emulator.realm_id, **values))
        query = last_query(sent, "/admin/platforms")
        day = str(int(later.timestamp()))
        assert {name: query[name] for name in TIME_FILTERS} == {
            "created_after": ["1"],
            "created_before": [day],
            "last_activity_after": ["1"],
            "last_activity_before": [day],
        }
        assert [p.id for p in page.items] == [emulator.realm_id]
        # False is a value (has no custom domain), not a zero to omit.
        await call(realm.admin.list_platforms(q=emulator.realm_id, has_custom_domain=False))
        assert last_query(sent, "/admin/platforms")["has_custom_domain"] == ["false"]


@pytest.mark.parametrize("limit", [0, -3])
async def test_search_omits_a_limit_of_zero_or_less(
    face: str, emulator: RealmEmulator, limit: int
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        tenant = await call(realm.tenants.create(unique("Searchable")))
        name = tenant.display_name or ""
        hits = await call(realm.admin.search(name, limit=limit))
        query = last_query(sent, "/admin/search")
        assert query == {"q": [name]}
        assert [h.id for h in hits.items] == [tenant.id]
        await call(realm.admin.search(name, limit=2))
        assert last_query(sent, "/admin/search")["limit"] == ["2"]
