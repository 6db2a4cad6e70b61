"""``/tenants/*`` and tenant domain claims."""

from __future__ import annotations

from typing import Any

from realmid.testing.call import Call, Reply
from realmid.testing.directory import (
    TENANT_SIGNUP_MODES,
    create_tenant,
    delete_tenant,
    owners_of,
    tenant_body,
)
from realmid.testing.errors import ApiError, bad_request, conflict, not_found
from realmid.testing.handlers.realm import verify_result
from realmid.testing.handlers.registry import operation
from realmid.testing.ids import new_id
from realmid.testing.model import DomainVerification, Origin
from realmid.testing.verification import check, claim, find, normalize_hostname


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386 merge: objects merge recursively, ``null`` deletes, anything else replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_patch(target[key], value)
        else:
            target[key] = value
    return target


@operation("create_tenant")
def create_tenant_op(call: Call) -> Reply:
    """``POST /tenants``: a new tenant (no owner until someone is made owner)."""
    realm = call.realm()
    mode = call.field("signup_mode") or "closed"
    if mode == "open":
        raise bad_request("partner tenants cannot use signup_mode 'open'")
    if mode not in TENANT_SIGNUP_MODES:
        raise bad_request(f"signup_mode must be one of {', '.join(TENANT_SIGNUP_MODES)}")
    domains = [normalize_hostname(d) for d in call.field("allowed_domains") or []]
    tenant = create_tenant(
        call.store, realm.id, call.field("display_name"), allowed_domains=domains, signup_mode=mode
    )
    call.audit(
        "tenant.created",
        target_type="tenant",
        target_id=tenant.id,
        tenant_id=tenant.id,
        summary=tenant.display_name,
    )
    return Reply(201, tenant_body(tenant))


@operation("list_tenants")
def list_tenants(call: Call) -> Reply:
    """``GET /tenants``: the realm's tenants, oldest first."""
    realm = call.realm()
    tenants = sorted(
        (t for t in call.store.tenants.values() if t.realm_id == realm.id), key=lambda t: t.seq
    )
    return call.page(tenants, tenant_body, key=lambda t: t.seq)


@operation("get_tenant")
def get_tenant(call: Call) -> Reply:
    """``GET /tenants/{id}``."""
    return Reply(200, tenant_body(call.tenant()))


@operation("update_tenant")
def update_tenant(call: Call) -> Reply:
    """``PATCH /tenants/{id}``: the mutable fields (display name)."""
    tenant = call.tenant()
    name = call.field("display_name")
    if name is not None:
        tenant.display_name = name
    tenant.updated_at = call.store.now()
    call.audit("tenant.updated", target_type="tenant", target_id=tenant.id, tenant_id=tenant.id)
    return Reply(200, tenant_body(tenant))


@operation("delete_tenant")
def delete_tenant_op(call: Call) -> Reply:
    """``DELETE /tenants/{id}``: the tenant, its memberships, invitations and sessions."""
    tenant = call.tenant()
    delete_tenant(call.store, tenant)
    call.audit("tenant.deleted", target_type="tenant", target_id=tenant.id, tenant_id=tenant.id)
    return Reply(204)


@operation("transfer_tenant_owner")
def transfer_tenant_owner(call: Call) -> Reply:
    """``POST /tenants/{id}/transfer-owner``: a member becomes owner; previous owners members."""
    store = call.store
    tenant = call.tenant()
    new_owner = store.user_in(tenant.realm_id, call.field("new_owner_user_id"))
    if new_owner is None:
        raise not_found("no such user")
    membership = store.membership(new_owner.id, tenant.id)
    if membership is None:
        raise bad_request("the new owner must already be a member of the tenant")
    now = store.now()
    for previous in owners_of(store, tenant.id):
        if previous.user_id != new_owner.id:
            previous.role = "member"
            previous.updated_at = now
    membership.role = "owner"
    membership.updated_at = now
    tenant.owner_user_id = new_owner.id
    tenant.updated_at = now
    call.audit(
        "tenant.owner_transferred",
        target_type="user",
        target_id=new_owner.id,
        tenant_id=tenant.id,
        summary=f"ownership to {new_owner.email}",
    )
    return Reply(200, tenant_body(tenant))


@operation("update_tenant_config")
def update_tenant_config(call: Call) -> Reply:
    """``PATCH /tenants/{id}/config``: merge into the tenant's config blob."""
    tenant = call.tenant()
    merge_patch(tenant.config, call.body)
    tenant.updated_at = call.store.now()
    call.audit(
        "tenant.config_updated", target_type="tenant", target_id=tenant.id, tenant_id=tenant.id
    )
    return Reply(200, tenant_body(tenant))


@operation("update_user_role")
def update_user_role(call: Call) -> Reply:
    """``PATCH /tenants/{id}/users/{uid}/role``: a catalog role other than ``owner``."""
    store = call.store
    tenant = call.tenant()
    user = store.user_in(tenant.realm_id, call.path["user_id"])
    membership = store.membership(user.id, tenant.id) if user is not None else None
    if user is None or membership is None:
        raise not_found("no such user in this tenant")
    role = call.field("role")
    if role == "owner":
        raise bad_request("owner cannot be granted here; use transfer-owner")
    if store.role_named(tenant.realm_id, role) is None:
        raise not_found(f"no role {role!r} in the catalog", "role_not_found")
    if membership.role == "owner" and role != "owner":
        others = [m for m in owners_of(store, tenant.id) if m.user_id != user.id]
        if not others:
            raise conflict("this would leave the tenant without an owner", "last_owner")
        if tenant.owner_user_id == user.id:
            tenant.owner_user_id = others[0].user_id
    membership.role = role
    membership.updated_at = store.now()
    call.audit(
        "user.role_updated",
        target_type="user",
        target_id=user.id,
        tenant_id=tenant.id,
        summary=f"role set to {role}",
    )
    body = {
        "id": user.id,
        "role": role,
        "tenant_id": tenant.id,
        "updated_at": int(membership.updated_at),
    }
    return Reply(200, body)


# ---------------------------------------------------------------------- tenant domains


def tenant_claim_body(row: DomainVerification) -> dict[str, Any]:
    """The ``TenantDomainClaim`` body: the DNS record or the file, per method."""
    body: dict[str, Any] = {"domain": row.hostname, "status": row.status, "method": row.method}
    if row.method == "dns_txt":
        body["dns_record_name"] = row.record_name
        body["dns_record_value"] = row.record_value
    else:
        body["file_path"] = row.file_path
        body["file_content"] = row.file_content
    return body


@operation("claim_tenant_domain")
def claim_tenant_domain(call: Call) -> Reply:
    """``POST /platforms/{p}/tenants/{t}/domains``: start (or repeat) a tenant domain claim."""
    realm = call.own_realm()
    tenant = call.tenant()
    domain = normalize_hostname(call.field("domain"))
    row = claim(
        call.store,
        realm_id=realm.id,
        owner_type="tenant",
        owner_id=tenant.id,
        hostname=domain,
        method=call.field("method") or "dns_txt",
    )
    call.audit("tenant_domain.claimed", target_type="domain", target_id=domain, tenant_id=tenant.id)
    return Reply(200, tenant_claim_body(row))


@operation("verify_tenant_domain")
def verify_tenant_domain(call: Call) -> Reply:
    """``POST .../domains/{domain}/verify``: check the proof; on success bind the domain."""
    store = call.store
    realm = call.own_realm()
    tenant = call.tenant()
    try:
        domain = normalize_hostname(call.path["domain"])
    except ApiError:
        # The operation documents no 400: a name that cannot be a hostname has no claim.
        raise not_found("no claim for this domain") from None
    row = find(store, "tenant", tenant.id, domain)
    if row is None:
        raise not_found("no claim for this domain")
    outcome = check(store, row)
    if outcome == "taken":
        raise conflict(f"{domain} is already verified by someone else")
    if outcome == "verified":
        bound = any(
            o.domain == domain and o.detached_at is None and o.entity_id == tenant.id
            for o in store.origins.values()
        )
        if not bound:
            origin = Origin(
                id=new_id("org"),
                realm_id=realm.id,
                domain=domain,
                entity_type="tenant",
                entity_id=tenant.id,
                verification_id=row.id,
                created_at=store.now(),
                seq=store.next_seq(),
            )
            store.origins[origin.id] = origin
            call.audit(
                "tenant_domain.verified",
                target_type="domain",
                target_id=domain,
                tenant_id=tenant.id,
            )
    return Reply(200, verify_result(row, outcome))
