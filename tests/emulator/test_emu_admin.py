"""Operator views: the audit log, platforms, search, stats; and paging across the API."""

from __future__ import annotations

from emu_support import Api, assert_error

from realmid.testing import RealmEmulator


def test_every_mutation_is_audited_newest_first_with_filters(
    api: Api, emulator: RealmEmulator
) -> None:
    created = api.post("/tenants", {"display_name": "Audited"}).json()
    api.patch(f"/tenants/{created['id']}", {"display_name": "Audited 2"})
    api.post(f"{api.platform_path}/roles", {"name": "auditor"})
    events = api.get("/admin/events", params={"platform_id": emulator.realm_id}).json()
    kinds = [e["kind"] for e in events["items"]]
    assert kinds == ["role.created", "tenant.updated", "tenant.created"]
    newest = events["items"][0]
    assert newest["platform_id"] == emulator.realm_id
    assert newest["actor_label"].startswith("api_key:")
    assert newest["target_type"] == "role"
    only_tenant = api.get(
        "/admin/events",
        params={"platform_id": emulator.realm_id, "kind": ["tenant.created", "tenant.updated"]},
    ).json()
    assert [e["kind"] for e in only_tenant["items"]] == ["tenant.updated", "tenant.created"]
    by_tenant = api.get("/admin/events", params={"tenant_id": created["id"]}).json()
    assert {e["kind"] for e in by_tenant["items"]} == {"tenant.created", "tenant.updated"}
    # Reads are not audited.
    api.get("/tenants")
    again = api.get("/admin/events", params={"platform_id": emulator.realm_id}).json()
    assert len(again["items"]) == 3


def test_event_time_window_and_actor_filter(api: Api, emulator: RealmEmulator) -> None:
    api.post("/tenants", {"display_name": "Early"})
    emulator.advance(100)
    mark = int(emulator.now())
    tenant = emulator.create_tenant("Later")
    user = emulator.seed_user("actor@example.test", {tenant: "member"})
    api.session("actor@example.test")
    params = {"platform_id": emulator.realm_id, "since": mark}
    recent = api.get("/admin/events", params=params).json()["items"]
    assert [e["kind"] for e in recent] == ["session.created"]
    before = api.get(
        "/admin/events", params={"platform_id": emulator.realm_id, "until": mark - 1}
    ).json()
    assert [e["kind"] for e in before["items"]] == ["tenant.created"]
    mine = api.get("/admin/events", params={"actor_id": user.id}).json()["items"]
    assert [e["kind"] for e in mine] == ["session.created"]


def test_events_page_with_cursors(api: Api, emulator: RealmEmulator) -> None:
    for n in range(5):
        api.post("/tenants", {"display_name": f"T{n}"})
    params = {"platform_id": emulator.realm_id, "limit": 2}
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = api.get(
            "/admin/events", params={**params, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [e["id"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == 5
    assert seen == sorted(seen, reverse=True)


def test_platforms_filters_sort_and_total(api: Api, emulator: RealmEmulator) -> None:
    marker = f"zz-{emulator.realm_id[-6:].lower()}"
    a = emulator.add_realm(f"{marker} alpha", owner_email="owner@alpha.test")
    b = emulator.add_realm(f"{marker} beta", status="suspended", signup_mode="allowlist")
    emulator.create_tenant("One", realm_id=b.realm_id)
    found = api.get("/admin/platforms", params={"q": marker, "sort": "display_name"}).json()
    assert [p["id"] for p in found["items"]] == [a.realm_id, b.realm_id]
    assert found["total"] == 2
    desc = api.get("/admin/platforms", params={"q": marker, "sort": "-display_name"}).json()
    assert [p["id"] for p in desc["items"]] == [b.realm_id, a.realm_id]
    suspended = api.get("/admin/platforms", params={"q": marker, "status": "suspended"}).json()
    assert [p["id"] for p in suspended["items"]] == [b.realm_id]
    assert suspended["items"][0]["tenants_count"] == 1
    assert suspended["items"][0]["signup_mode"] == "allowlist"
    owned = api.get("/admin/platforms", params={"q": marker}).json()["items"]
    alpha = next(p for p in owned if p["id"] == a.realm_id)
    assert alpha["owner"]["email"] == "owner@alpha.test"
    assert alpha["users_count"] == 1
    paged = api.get(
        "/admin/platforms", params={"q": marker, "limit": 1, "sort": "display_name"}
    ).json()
    assert paged["total"] == 2
    assert paged["next_cursor"]
    second = api.get(
        "/admin/platforms",
        params={"q": marker, "limit": 1, "sort": "display_name", "cursor": paged["next_cursor"]},
    ).json()
    assert [p["id"] for p in second["items"]] == [b.realm_id]
    assert second["next_cursor"] is None
    assert_error(api.get("/admin/platforms", params={"sort": "shoe_size"}), 400, "bad_request")
    no_domain = api.get(
        "/admin/platforms", params={"q": marker, "has_custom_domain": "true"}
    ).json()
    assert no_domain["items"] == []


def test_search_and_stats(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Quokka Logistics")
    user = emulator.seed_user("quokka-admin@example.test", {tenant: "owner"}, display_name="Q")
    hits = api.get("/admin/search", params={"q": "QUOKKA"}).json()["items"]
    assert {
        "type": "tenant",
        "id": tenant,
        "label": "Quokka Logistics",
        "platform_id": emulator.realm_id,
    } in hits
    assert any(h["type"] == "user" and h["id"] == user.id for h in hits)
    assert len(api.get("/admin/search", params={"q": "quokka", "limit": 1}).json()["items"]) == 1
    assert_error(api.get("/admin/search"), 400, "bad_request")
    before = api.get("/admin/stats").json()
    emulator.create_tenant("Another")
    api.session("quokka-admin@example.test")
    after = api.get("/admin/stats").json()
    assert after["tenants_count"] == before["tenants_count"] + 1
    assert after["sessions_active"] == before["sessions_active"] + 1
    assert after["events_24h"] > before["events_24h"]


def test_tenant_pages_walk_every_item_once(api: Api, emulator: RealmEmulator) -> None:
    ids = [emulator.create_tenant(f"T{n:02d}") for n in range(7)]
    walked: list[str] = []
    page = api.get("/tenants", params={"limit": 3}).json()
    assert page["total"] == 7
    walked += [t["id"] for t in page["items"]]
    while page["next_cursor"] is not None:
        page = api.get("/tenants", params={"limit": 3, "cursor": page["next_cursor"]}).json()
        walked += [t["id"] for t in page["items"]]
    assert walked == ids
    everything = api.get("/tenants").json()
    assert len(everything["items"]) == 7
    assert everything["next_cursor"] is None
    assert_error(api.get("/tenants", params={"cursor": "garbage!"}), 400, "bad_request")
    assert_error(api.get("/tenants", params={"limit": 0}), 400, "bad_request")
    assert_error(api.get("/tenants", params={"limit": 501}), 400, "bad_request")
    assert_error(api.get("/tenants", params={"limit": "ten"}), 400, "bad_request")
    assert len(api.get("/tenants", params={"limit": 500}).json()["items"]) == 7


def test_default_page_size_is_50(api: Api, emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Big")
    for n in range(55):
        emulator.seed_user(f"u{n}@example.test", {tenant: "member"})
    first = api.get(f"/tenants/{tenant}/users").json()
    assert len(first["items"]) == 50
    assert first["total"] == 55
    assert first["next_cursor"]
    rest = api.get(f"/tenants/{tenant}/users", params={"cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 5
    assert rest["next_cursor"] is None
