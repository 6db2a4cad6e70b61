"""``/platforms/{id}/origins``: the realm's origin allowlist and its DNS validation."""

from __future__ import annotations

from typing import Any

from realmid.testing.call import Call, Reply
from realmid.testing.errors import conflict, not_found
from realmid.testing.handlers.realm import verify_result
from realmid.testing.handlers.registry import operation
from realmid.testing.ids import new_id, rfc3339
from realmid.testing.model import Origin
from realmid.testing.verification import check, claim, find, normalize_hostname, verified_anchor


def origin_body(origin: Origin) -> dict[str, Any]:
    """The ``Origin`` body."""
    return {
        "id": origin.id,
        "domain": origin.domain,
        "entity_type": origin.entity_type,
        "entity_id": origin.entity_id,
        "verification_id": origin.verification_id,
        "created_at": rfc3339(origin.created_at),
        "detached_at": rfc3339(origin.detached_at) if origin.detached_at is not None else None,
    }


@operation("list_origins")
def list_origins(call: Call) -> Reply:
    """``GET``: the live origin mappings of the realm and its tenants."""
    realm = call.own_realm()
    return call.page(call.store.live_origins(realm.id), origin_body, key=lambda o: o.seq)


@operation("claim_origin")
def claim_origin(call: Call) -> Reply:
    """``POST .../claim``: start (or repeat) a realm-owned DNS TXT claim of a hostname."""
    realm = call.own_realm()
    hostname = normalize_hostname(call.field("hostname"))
    row = claim(
        call.store, realm_id=realm.id, owner_type="realm", owner_id=realm.id, hostname=hostname
    )
    call.audit("origin.claimed", target_type="origin", target_id=hostname)
    body = {
        "domain": row.hostname,
        "status": row.status,
        "method": "dns_txt",
        "dns_record_name": row.record_name,
        "dns_record_value": row.record_value,
    }
    return Reply(200, body)


@operation("verify_origin")
def verify_origin(call: Call) -> Reply:
    """``POST .../verify``: check the TXT record of the realm's claim. Does not bind."""
    realm = call.own_realm()
    hostname = normalize_hostname(call.field("hostname"))
    row = find(call.store, "realm", realm.id, hostname)
    if row is None:
        raise not_found("no claim for this hostname; claim it first")
    outcome = check(call.store, row)
    if outcome == "verified":
        call.audit("origin.verified", target_type="origin", target_id=hostname)
    return Reply(200, verify_result(row, outcome))


@operation("bind_origin")
def bind_origin(call: Call) -> Reply:
    """``POST``: add a verified hostname, or a subdomain of a verified apex, to the allowlist."""
    realm = call.own_realm()
    store = call.store
    domain = normalize_hostname(call.field("domain"))
    for origin in store.origins.values():
        if origin.domain == domain and origin.detached_at is None:
            if origin.realm_id == realm.id and origin.entity_type == "realm":
                return Reply(201, origin_body(origin))
            raise conflict(f"{domain} is already bound elsewhere")
    anchor = verified_anchor(store, realm.id, domain)
    if anchor is None:
        raise conflict(f"{domain} is not verified, nor a subdomain of a verified domain")
    origin = Origin(
        id=new_id("org"),
        realm_id=realm.id,
        domain=domain,
        entity_type="realm",
        entity_id=realm.id,
        verification_id=anchor.id,
        created_at=store.now(),
        seq=store.next_seq(),
    )
    store.origins[origin.id] = origin
    call.audit("origin.bound", target_type="origin", target_id=origin.id, summary=domain)
    return Reply(201, origin_body(origin))
