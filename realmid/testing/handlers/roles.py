"""``/platforms/{id}/roles``: the realm's role catalog (``owner``/``member`` are immutable)."""

from __future__ import annotations

from realmid.testing.call import Call, Reply
from realmid.testing.directory import create_role, role_body
from realmid.testing.errors import bad_request, conflict, not_found
from realmid.testing.handlers.registry import operation
from realmid.testing.model import Role


def catalog_role(call: Call) -> Role:
    """The ``{role_id}`` role (id or name) of the caller's realm, else 404 ``role_not_found``."""
    realm = call.own_realm()
    role = call.store.role_by_ref(realm.id, call.path["role_id"])
    if role is None:
        raise not_found("no such role", "role_not_found")
    return role


def mutable_role(call: Call) -> Role:
    """A custom role; the system roles answer 400 ``system_role_immutable``."""
    role = catalog_role(call)
    if role.is_system:
        raise bad_request(f"{role.name!r} is a system role", "system_role_immutable")
    return role


def holders(call: Call, role: Role) -> int:
    """How many memberships and pending invitations hold ``role``."""
    store = call.store
    count = 0
    for membership in store.memberships.values():
        tenant = store.tenants.get(membership.tenant_id)
        if tenant is not None and tenant.realm_id == role.realm_id and membership.role == role.name:
            count += 1
    for invitation in store.invitations.values():
        if (
            invitation.realm_id == role.realm_id
            and invitation.status == "pending"
            and invitation.role == role.name
        ):
            count += 1
    return count


@operation("list_roles")
def list_roles(call: Call) -> Reply:
    """``GET``: the catalog, system roles first."""
    realm = call.own_realm()
    roles = sorted(
        (r for r in call.store.roles.values() if r.realm_id == realm.id), key=lambda r: r.seq
    )
    return call.page(roles, role_body, key=lambda r: r.seq)


@operation("create_role")
def create_role_op(call: Call) -> Reply:
    """``POST``: a custom role; a taken name answers 409 ``role_exists``."""
    realm = call.own_realm()
    name = call.field("name")
    if call.store.role_named(realm.id, name) is not None:
        raise conflict(f"role {name!r} already exists", "role_exists")
    role = create_role(
        call.store,
        realm.id,
        name,
        display_name=call.field("display_name"),
        permissions=call.field("permissions") or [],
    )
    call.audit("role.created", target_type="role", target_id=role.id, summary=name)
    return Reply(201, role_body(role))


@operation("update_role")
def update_role(call: Call) -> Reply:
    """``PATCH``: display name and/or permissions; absent fields are left alone."""
    role = mutable_role(call)
    if "display_name" in call.body:
        role.display_name = call.field("display_name")
    if "permissions" in call.body:
        role.permissions = list(call.field("permissions"))
    role.updated_at = call.store.now()
    call.audit("role.updated", target_type="role", target_id=role.id, summary=role.name)
    return Reply(200, role_body(role))


@operation("delete_role")
def delete_role(call: Call) -> Reply:
    """``DELETE``: only a custom role nobody holds (else 409 ``role_in_use``)."""
    role = mutable_role(call)
    if holders(call, role):
        raise conflict(f"role {role.name!r} is still held by users or invitations", "role_in_use")
    del call.store.roles[role.id]
    call.audit("role.deleted", target_type="role", target_id=role.id, summary=role.name)
    return Reply(200, {"status": "deleted"})


@operation("rename_role")
def rename_role(call: Call) -> Reply:
    """``POST .../rename``: rename, rewriting the memberships and invitations that hold it."""
    store = call.store
    role = mutable_role(call)
    to = call.field("to")
    if to == role.name:
        return Reply(200, role_body(role))
    if store.role_named(role.realm_id, to) is not None:
        raise conflict(f"role {to!r} already exists", "role_exists")
    old = role.name
    for membership in store.memberships.values():
        tenant = store.tenants.get(membership.tenant_id)
        if tenant is not None and tenant.realm_id == role.realm_id and membership.role == old:
            membership.role = to
    for invitation in store.invitations.values():
        if invitation.realm_id == role.realm_id and invitation.role == old:
            invitation.role = to
    role.name = to
    role.updated_at = store.now()
    call.audit("role.renamed", target_type="role", target_id=role.id, summary=f"{old} -> {to}")
    return Reply(200, role_body(role))
