"""``/admin/*``: operator views across every realm (API key scope ``admin``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from realmid.testing.call import Call, Reply
from realmid.testing.errors import bad_request
from realmid.testing.handlers.registry import operation
from realmid.testing.model import AuditEvent, Realm
from realmid.testing.store import Store

SEARCH_DEFAULT_LIMIT = 20
PLATFORM_SORTS = (
    "created_at",
    "last_activity_at",
    "display_name",
    "slug",
    "tenants_count",
    "users_count",
    "id",
)


def event_body(event: AuditEvent) -> dict[str, Any]:
    """The ``AuditEvent`` body (unset members omitted)."""
    body: dict[str, Any] = {"id": event.id, "occurred_at": event.occurred_at, "kind": event.kind}
    for name in (
        "actor_user_id",
        "actor_label",
        "platform_id",
        "tenant_id",
        "target_type",
        "target_id",
        "summary",
    ):
        value = getattr(event, name)
        if value is not None:
            body[name] = value
    return body


@operation("list_admin_events")
def list_admin_events(call: Call) -> Reply:
    """``GET /admin/events``: the audit log, newest first, filtered."""
    call.require_scope("admin")
    q = call.query
    kinds = set(q.get("kind") or [])
    actor = q.get("actor_id")

    def wanted(event: AuditEvent) -> bool:
        return (
            ("platform_id" not in q or event.platform_id == q["platform_id"])
            and ("tenant_id" not in q or event.tenant_id == q["tenant_id"])
            and (actor is None or actor in (event.actor_user_id, event.actor_label))
            and (not kinds or event.kind in kinds)
            and ("since" not in q or event.occurred_at >= q["since"])
            and ("until" not in q or event.occurred_at <= q["until"])
        )

    events = [e for e in reversed(call.store.events) if wanted(e)]
    return call.page(events, event_body, key=lambda e: e.id, descending=True)


@dataclass
class _Counts:
    """Per-realm tallies, made in one pass over the store (not one pass per realm)."""

    tenants: Counter[str] = field(default_factory=Counter)
    users: Counter[str] = field(default_factory=Counter)
    domains: dict[str, list[str]] = field(default_factory=dict)


def _counts(store: Store) -> _Counts:
    counts = _Counts()
    counts.tenants.update(t.realm_id for t in store.tenants.values())
    counts.users.update(u.realm_id for u in store.users.values())
    verified = sorted(
        (
            v
            for v in store.verifications.values()
            if v.owner_type == "realm" and v.status == "verified"
        ),
        key=lambda v: v.seq,
    )
    for row in verified:  # oldest first
        counts.domains.setdefault(row.realm_id, []).append(row.hostname)
    return counts


def platform_summary(store: Store, realm: Realm, counts: _Counts | None = None) -> dict[str, Any]:
    """The ``PlatformSummary`` body."""
    counts = counts or _counts(store)
    body: dict[str, Any] = {
        "id": realm.id,
        "display_name": realm.display_name,
        "slug": realm.slug,
        "status": realm.status,
        "signup_mode": realm.signup_mode,
        "domains": list(counts.domains.get(realm.id, ())),
        "tenants_count": counts.tenants[realm.id],
        "users_count": counts.users[realm.id],
        "last_activity_at": int(realm.last_activity_at),
        "created_at": int(realm.created_at),
    }
    owner = store.users.get(realm.owner_user_id or "")
    if owner is not None:
        body["owner"] = {
            "user_id": owner.id,
            "name": owner.display_name or owner.email,
            "email": owner.email,
        }
    return body


@operation("list_admin_platforms")
def list_admin_platforms(call: Call) -> Reply:
    """``GET /admin/platforms``: filtered, sorted, paged with a total."""
    call.require_scope("admin")
    q = call.query
    sort = q.get("sort") or "-created_at"
    field = sort.removeprefix("-")
    if field not in PLATFORM_SORTS:
        raise bad_request(f"sort must be one of {', '.join(PLATFORM_SORTS)} (optionally -prefixed)")
    needle = str(q.get("q") or "").lower()
    # One tally for all realms: a shared test emulator holds thousands of realms.
    counts = _counts(call.store)
    rows = [platform_summary(call.store, realm, counts) for realm in call.store.realms.values()]

    def wanted(row: dict[str, Any]) -> bool:
        haystack = " ".join([row["id"], row["display_name"], row["slug"], *row["domains"]]).lower()
        owner = row.get("owner", {})
        return (
            (not needle or needle in haystack)
            and (not q.get("status") or row["status"] in q["status"])
            and (not q.get("signup_mode") or row["signup_mode"] in q["signup_mode"])
            and ("domain" not in q or str(q["domain"]).lower() in row["domains"])
            and ("owner_user_id" not in q or owner.get("user_id") == q["owner_user_id"])
            and ("has_custom_domain" not in q or bool(row["domains"]) == q["has_custom_domain"])
            and ("created_after" not in q or row["created_at"] >= q["created_after"])
            and ("created_before" not in q or row["created_at"] < q["created_before"])
            and (
                "last_activity_after" not in q
                or row["last_activity_at"] >= q["last_activity_after"]
            )
            and (
                "last_activity_before" not in q
                or row["last_activity_at"] < q["last_activity_before"]
            )
        )

    chosen = [row for row in rows if wanted(row)]
    # Ties break on id so the offset cursor walks a stable order.
    chosen.sort(key=lambda row: row["id"])
    chosen.sort(key=lambda row: row[field], reverse=sort.startswith("-"))
    return call.page(chosen, lambda row: row)


@operation("admin_search")
def admin_search(call: Call) -> Reply:
    """``GET /admin/search``: case-insensitive substring search over realms, tenants, users."""
    call.require_scope("admin")
    store = call.store
    needle = str(call.query["q"]).lower()
    limit = int(call.query.get("limit") or SEARCH_DEFAULT_LIMIT)
    hits: list[dict[str, Any]] = []
    for realm in sorted(store.realms.values(), key=lambda r: r.seq):
        if needle in " ".join([realm.id, realm.display_name, realm.slug, realm.domain]).lower():
            hits.append(
                {
                    "type": "platform",
                    "id": realm.id,
                    "label": realm.display_name,
                    "sublabel": realm.domain,
                    "platform_id": realm.id,
                }
            )
    for tenant in sorted(store.tenants.values(), key=lambda t: t.seq):
        if needle in f"{tenant.id} {tenant.display_name}".lower():
            hits.append(
                {
                    "type": "tenant",
                    "id": tenant.id,
                    "label": tenant.display_name,
                    "platform_id": tenant.realm_id,
                }
            )
    for user in sorted(store.users.values(), key=lambda u: u.seq):
        if needle in f"{user.id} {user.email} {user.display_name or ''}".lower():
            hit = {"type": "user", "id": user.id, "label": user.email, "platform_id": user.realm_id}
            if user.display_name:
                hit["sublabel"] = user.display_name
            hits.append(hit)
    return Reply(200, {"items": hits[:limit]})


@operation("admin_stats")
def admin_stats(call: Call) -> Reply:
    """``GET /admin/stats``: counters across the issuer."""
    call.require_scope("admin")
    store = call.store
    since = store.now() - 86_400
    body = {
        "platforms_count": len(store.realms),
        "tenants_count": len(store.tenants),
        "users_count": len(store.users),
        "sessions_active": sum(1 for s in store.sessions.values() if s.revoked_at is None),
        "events_24h": sum(1 for e in store.events if e.occurred_at >= since),
    }
    return Reply(200, body)
