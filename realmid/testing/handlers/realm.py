"""Realm-level operations: JWKS, info, config, API keys and realm domain claims."""

from __future__ import annotations

from typing import Any

from realmid.testing.call import Call, Reply
from realmid.testing.errors import bad_request, conflict, not_found
from realmid.testing.handlers.registry import operation
from realmid.testing.ids import rfc3339
from realmid.testing.model import ApiKey, DomainVerification
from realmid.testing.realms import ALL_SCOPES, checked_config_patch, create_api_key, realm_info
from realmid.testing.verification import check, claim, normalize_hostname

JWKS_MAX_AGE = 300


@operation("get_jwks")
def get_jwks(call: Call) -> Reply:
    """``GET /.well-known/jwks.json``: the published signing keys."""
    return Reply(200, call.store.keys.jwks(), {"Cache-Control": f"max-age={JWKS_MAX_AGE}"})


@operation("get_realm_info")
def get_realm_info(call: Call) -> Reply:
    """``GET /platforms/{id}/info``: public realm metadata."""
    realm = call.store.realm(call.path["platform_id"])
    if realm is None:
        raise not_found("no such realm")
    return Reply(200, realm_info(realm))


@operation("update_realm_config")
def update_realm_config(call: Call) -> Reply:
    """``PATCH /platforms/{id}/config``: merge allowlisted keys into the realm config."""
    realm = call.own_realm()
    try:
        patch = checked_config_patch(call.body)
    except ValueError as exc:
        raise bad_request(str(exc)) from None
    realm.config.update(patch)
    call.audit(
        "realm.config_updated",
        target_type="platform",
        target_id=realm.id,
        summary=f"config keys changed: {', '.join(sorted(patch))}",
    )
    return Reply(200, dict(realm.config))


# ---------------------------------------------------------------------- API keys


def api_key_body(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    """The ``APIKey`` body; ``secret`` only on creation."""
    body: dict[str, Any] = {
        "id": key.id,
        "display_name": key.display_name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "created_at": rfc3339(key.created_at),
    }
    if secret is not None:
        body["secret"] = secret
    if key.revoked_at is not None:
        body["revoked_at"] = rfc3339(key.revoked_at)
    return body


@operation("create_api_key")
def create_api_key_op(call: Call) -> Reply:
    """``POST /platforms/{id}/api-keys``: a new key; its secret is in this answer only."""
    realm = call.own_realm()
    scopes = call.field("scopes") or [ALL_SCOPES]
    key, secret = create_api_key(call.store, realm.id, call.field("display_name"), scopes)
    call.audit("api_key.created", target_type="api_key", target_id=key.id, summary=key.display_name)
    return Reply(201, api_key_body(key, secret))


@operation("list_api_keys")
def list_api_keys(call: Call) -> Reply:
    """``GET /platforms/{id}/api-keys``: the realm's keys, never their secrets."""
    realm = call.own_realm()
    keys = sorted(
        (k for k in call.store.api_keys.values() if k.realm_id == realm.id), key=lambda k: k.seq
    )
    return call.page(keys, api_key_body, key=lambda k: k.seq)


@operation("revoke_api_key")
def revoke_api_key(call: Call) -> Reply:
    """``DELETE /platforms/{id}/api-keys/{key_id}``: revoke; its platform tokens stop refreshing."""
    realm = call.own_realm()
    key = call.store.api_keys.get(call.path["key_id"])
    if key is None or key.realm_id != realm.id:
        raise not_found("no such API key")
    if key.revoked_at is not None:
        raise conflict("the API key is already revoked")
    key.revoked_at = call.store.now()
    call.audit("api_key.revoked", target_type="api_key", target_id=key.id, summary=key.display_name)
    return Reply(200, api_key_body(key))


# ---------------------------------------------------------------------- realm domains


def domain_claim_body(row: DomainVerification) -> dict[str, Any]:
    """The ``DomainClaim`` body."""
    return {
        "hostname": row.hostname,
        "claim_token": row.token,
        "txt_record": {"name": row.record_name, "value": row.record_value},
        "status": row.status,
    }


def verify_result(row: DomainVerification, outcome: str) -> dict[str, Any]:
    """The ``DomainVerifyResult`` body."""
    return {"hostname": row.hostname, "verified": outcome == "verified", "status": outcome}


@operation("claim_domain")
def claim_domain(call: Call) -> Reply:
    """``POST /domains/claim``: start a realm domain claim; returns the TXT record to publish."""
    realm = call.realm()
    hostname = normalize_hostname(call.field("hostname"))
    row = claim(
        call.store, realm_id=realm.id, owner_type="realm", owner_id=realm.id, hostname=hostname
    )
    call.audit("domain.claimed", target_type="domain", target_id=hostname)
    return Reply(200, domain_claim_body(row))


@operation("verify_domain")
def verify_domain(call: Call) -> Reply:
    """``POST /domains/verify``: look for the published TXT record of a claim."""
    realm = call.realm()
    token = call.field("claim_token")
    found = [
        row
        for row in call.store.verifications.values()
        if row.realm_id == realm.id and row.owner_type == "realm" and row.token == token
    ]
    if not found:
        raise not_found("no such claim")
    row = found[0]
    outcome = check(call.store, row)
    if outcome == "verified":
        call.audit("domain.verified", target_type="domain", target_id=row.hostname)
    return Reply(200, verify_result(row, outcome))
