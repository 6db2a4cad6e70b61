"""Management of the realm's own objects: tenants, users, invitations, roles, API keys,
config, and ``realmid info``. One group per facade namespace, one command per method."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click

from realmid.cli._app import (
    State,
    begin,
    confirm,
    json_option,
    list_options,
    pass_state,
    yes_option,
)
from realmid.cli.output import Output, item_pages


@click.command()
@json_option
@pass_state
def info(state: State, as_json: bool) -> None:
    """The realm's metadata: id, audience, domain, display name."""
    begin(state, as_json)
    Output(as_json).one(state.realm().info(), title="realm")


# ---------------------------------------------------------------------------- tenants


@click.group()
def tenants() -> None:
    """Tenants of the realm."""


@tenants.command("list")
@list_options
@json_option
@pass_state
def tenants_list(state: State, page_size: int | None, max_items: int | None, as_json: bool) -> None:
    """Every tenant, oldest first."""
    begin(state, as_json)
    pages = state.realm().tenants.list(limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages),
        ["id", "display_name", "signup_mode", "owner_user_id", "created_at"],
        "tenants",
        max_items,
    )


@tenants.command("get")
@click.argument("tenant_id")
@json_option
@pass_state
def tenants_get(state: State, tenant_id: str, as_json: bool) -> None:
    """One tenant."""
    begin(state, as_json)
    Output(as_json).one(state.realm().tenants.get(tenant_id), title="tenant")


@tenants.command("create")
@click.argument("display_name")
@click.option("--signup-mode", type=click.Choice(["closed", "allowlist"]), help="Who may join.")
@click.option("--allowed-domain", "allowed_domains", multiple=True, help="For allowlist mode.")
@json_option
@pass_state
def tenants_create(
    state: State,
    display_name: str,
    signup_mode: str | None,
    allowed_domains: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create a tenant named DISPLAY_NAME."""
    begin(state, as_json)
    tenant = state.realm().tenants.create(
        display_name, signup_mode=signup_mode, allowed_domains=list(allowed_domains) or None
    )
    Output(as_json).one(tenant, title="tenant created")


@tenants.command("update")
@click.argument("tenant_id")
@click.option("--display-name", help="The new name.")
@json_option
@pass_state
def tenants_update(state: State, tenant_id: str, display_name: str | None, as_json: bool) -> None:
    """Change a tenant's display name."""
    begin(state, as_json)
    tenant = state.realm().tenants.update(tenant_id, display_name=display_name)
    Output(as_json).one(tenant, title="tenant updated")


@tenants.command("delete")
@click.argument("tenant_id")
@yes_option
@json_option
@pass_state
def tenants_delete(state: State, tenant_id: str, yes: bool, as_json: bool) -> None:
    """Delete a tenant with its memberships, invitations and sessions."""
    begin(state, as_json)
    confirm(f"Delete tenant {tenant_id} with its memberships, invitations and sessions?", yes)
    state.realm().tenants.delete(tenant_id)
    Output(as_json).done(f"deleted tenant {tenant_id}", {"deleted": tenant_id})


@tenants.command("transfer-owner")
@click.argument("tenant_id")
@click.argument("new_owner_user_id")
@yes_option
@json_option
@pass_state
def tenants_transfer_owner(
    state: State, tenant_id: str, new_owner_user_id: str, yes: bool, as_json: bool
) -> None:
    """Make a member the owner; the previous owners become members."""
    begin(state, as_json)
    confirm(f"Make {new_owner_user_id} the owner of {tenant_id} (owners become members)?", yes)
    tenant = state.realm().tenants.transfer_owner(tenant_id, new_owner_user_id)
    Output(as_json).one(tenant, title="owner transferred")


@tenants.command("set-config")
@click.argument("tenant_id")
@click.argument("settings", nargs=-1, required=True, metavar="KEY=VALUE...")
@json_option
@pass_state
def tenants_set_config(
    state: State, tenant_id: str, settings: tuple[str, ...], as_json: bool
) -> None:
    """Merge KEY=VALUE settings (JSON values; null deletes) into the tenant's config."""
    begin(state, as_json)
    patch = dict(_setting(text) for text in settings)
    Output(as_json).one(state.realm().tenants.update_config(tenant_id, patch), title="tenant")


# ---------------------------------------------------------------------------- users


@click.group()
def users() -> None:
    """Users of a tenant."""


@users.command("list")
@click.argument("tenant_id")
@list_options
@json_option
@pass_state
def users_list(
    state: State, tenant_id: str, page_size: int | None, max_items: int | None, as_json: bool
) -> None:
    """The members of TENANT_ID."""
    begin(state, as_json)
    pages = state.realm().tenants.users.list(tenant_id, limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages),
        ["id", "email", "display_name", "role", "status", "mfa_enabled"],
        "users",
        max_items,
    )


@users.command("get")
@click.argument("tenant_id")
@click.argument("user_id")
@json_option
@pass_state
def users_get(state: State, tenant_id: str, user_id: str, as_json: bool) -> None:
    """One member of TENANT_ID."""
    begin(state, as_json)
    Output(as_json).one(state.realm().tenants.users.get(tenant_id, user_id), title="user")


@users.command("set-status")
@click.argument("tenant_id")
@click.argument("user_id")
@click.argument("status", type=click.Choice(["active", "suspended", "deactivated"]))
@json_option
@pass_state
def users_set_status(
    state: State, tenant_id: str, user_id: str, status: str, as_json: bool
) -> None:
    """Activate, suspend or deactivate a user."""
    begin(state, as_json)
    user = state.realm().tenants.users.update_status(tenant_id, user_id, status)
    Output(as_json).one(user, title="user updated")


@users.command("set-role")
@click.argument("tenant_id")
@click.argument("user_id")
@click.argument("role")
@json_option
@pass_state
def users_set_role(state: State, tenant_id: str, user_id: str, role: str, as_json: bool) -> None:
    """Give a member of TENANT_ID another role."""
    begin(state, as_json)
    result = state.realm().tenants.update_user_role(tenant_id, user_id, role)
    Output(as_json).one(result, title="role updated")


@users.command("reset-mfa")
@click.argument("tenant_id")
@click.argument("user_id")
@yes_option
@json_option
@pass_state
def users_reset_mfa(state: State, tenant_id: str, user_id: str, yes: bool, as_json: bool) -> None:
    """Remove a user's second factor (a lost phone); they enroll again."""
    begin(state, as_json)
    confirm(f"Remove the second factor of {user_id}?", yes)
    state.realm().tenants.users.reset_mfa(tenant_id, user_id)
    Output(as_json).done(f"reset MFA of {user_id}", {"mfa_reset": user_id})


# ---------------------------------------------------------------------------- invitations


@click.group()
def invitations() -> None:
    """Invitations to a tenant."""


@invitations.command("list")
@click.argument("tenant_id")
@list_options
@json_option
@pass_state
def invitations_list(
    state: State, tenant_id: str, page_size: int | None, max_items: int | None, as_json: bool
) -> None:
    """The pending invitations of TENANT_ID."""
    begin(state, as_json)
    pages = state.realm().tenants.invitations.list(tenant_id, limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages), ["id", "email", "role", "status"], "invitations", max_items
    )


@invitations.command("create")
@click.argument("tenant_id")
@click.argument("email")
@click.option("--role", help="The role the invitee gets (default: member).")
@json_option
@pass_state
def invitations_create(
    state: State, tenant_id: str, email: str, role: str | None, as_json: bool
) -> None:
    """Invite EMAIL to TENANT_ID."""
    begin(state, as_json)
    invitation = state.realm().tenants.invitations.create(tenant_id, email, role=role)
    Output(as_json).one(invitation, title="invitation created")


@invitations.command("delete")
@click.argument("tenant_id")
@click.argument("invitation_id")
@yes_option
@json_option
@pass_state
def invitations_delete(
    state: State, tenant_id: str, invitation_id: str, yes: bool, as_json: bool
) -> None:
    """Withdraw an invitation."""
    begin(state, as_json)
    confirm(f"Withdraw invitation {invitation_id}?", yes)
    state.realm().tenants.invitations.delete(tenant_id, invitation_id)
    Output(as_json).done(f"deleted invitation {invitation_id}", {"deleted": invitation_id})


# ---------------------------------------------------------------------------- roles


@click.group()
def roles() -> None:
    """The realm's role catalog."""


def _role_pages(state: State, page_size: int | None) -> Iterator[Any]:
    # The facade answers one raw page; the command follows the cursor itself.
    cursor: str | None = None
    while True:
        page = state.realm().roles.list(cursor=cursor, limit=page_size)
        yield page
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if not cursor:
            return


@roles.command("list")
@list_options
@json_option
@pass_state
def roles_list(state: State, page_size: int | None, max_items: int | None, as_json: bool) -> None:
    """Every role, system roles first."""
    begin(state, as_json)
    Output(as_json).many(
        item_pages(_role_pages(state, page_size)),
        ["name", "id", "display_name", "is_system", "permissions"],
        "roles",
        max_items,
    )


@roles.command("create")
@click.argument("name")
@click.option("--display-name")
@click.option("--permission", "permissions", multiple=True, help="Repeat for several.")
@json_option
@pass_state
def roles_create(
    state: State,
    name: str,
    display_name: str | None,
    permissions: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create a custom role NAME."""
    begin(state, as_json)
    role = state.realm().roles.create(
        name, display_name=display_name, permissions=list(permissions) or None
    )
    Output(as_json).one(role, title="role created")


@roles.command("update")
@click.argument("role")
@click.option("--display-name")
@click.option("--permission", "permissions", multiple=True, help="Replaces the list.")
@click.option("--rename", "new_name", help="A new name (holders follow).")
@json_option
@pass_state
def roles_update(
    state: State,
    role: str,
    display_name: str | None,
    permissions: tuple[str, ...],
    new_name: str | None,
    as_json: bool,
) -> None:
    """Change ROLE (an id or a name): display name, permissions, name."""
    begin(state, as_json)
    realm = state.realm()
    result = None
    if display_name is not None or permissions:
        result = realm.roles.update(
            role, display_name=display_name, permissions=list(permissions) or None
        )
    if new_name is not None:
        result = realm.roles.rename(role, new_name)
    if result is None:
        # Same refusal as the facade's, before any request.
        result = realm.roles.update(role)
    Output(as_json).one(result, title="role updated")


@roles.command("delete")
@click.argument("role")
@yes_option
@json_option
@pass_state
def roles_delete(state: State, role: str, yes: bool, as_json: bool) -> None:
    """Delete a custom role nobody holds."""
    begin(state, as_json)
    confirm(f"Delete role {role}?", yes)
    state.realm().roles.delete(role)
    Output(as_json).done(f"deleted role {role}", {"deleted": role})


# ---------------------------------------------------------------------------- api keys


@click.group("api-keys")
def api_keys() -> None:
    """The realm's API keys (a secret is shown once, when the key is created)."""


@api_keys.command("list")
@list_options
@json_option
@pass_state
def api_keys_list(
    state: State, page_size: int | None, max_items: int | None, as_json: bool
) -> None:
    """Every key, without secrets."""
    begin(state, as_json)
    pages = state.realm().api_keys.list(limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages),
        ["id", "display_name", "prefix", "scopes", "created_at", "revoked_at"],
        "API keys",
        max_items,
    )


@api_keys.command("create")
@click.argument("display_name")
@click.option("--scope", "scopes", multiple=True, help="Repeat for several (default: all).")
@json_option
@pass_state
def api_keys_create(
    state: State, display_name: str, scopes: tuple[str, ...], as_json: bool
) -> None:
    """Create a key; its secret is printed this once."""
    begin(state, as_json)
    key = state.realm().api_keys.create(display_name, scopes=list(scopes) or None)
    out = Output(as_json)
    if as_json:
        # The one document that carries a secret: the script asked to create it.
        out.json({**key.to_dict(), "secret": key.secret})
        out.note("the secret is shown this once: store it now, it cannot be read again.")
        return
    out.one(key, title="API key created")
    out.secret("secret", key.secret or "")


@api_keys.command("revoke")
@click.argument("key_id")
@yes_option
@json_option
@pass_state
def api_keys_revoke(state: State, key_id: str, yes: bool, as_json: bool) -> None:
    """Revoke a key: it, and every platform token minted with it, stops working at once."""
    begin(state, as_json)
    confirm(f"Revoke API key {key_id}? Everything using it stops working.", yes)
    Output(as_json).one(state.realm().api_keys.revoke(key_id), title="API key revoked")


# ---------------------------------------------------------------------------- config


def _setting(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="SETTING")
    try:
        value = json.loads(raw)  # true, 5, null, "text"
    except ValueError:
        value = raw  # a bare word is a string
    return name, value


@click.group()
def config() -> None:
    """Realm-level configuration."""


@config.command("set")
@click.argument("settings", nargs=-1, required=True, metavar="KEY=VALUE...")
@json_option
@pass_state
def config_set(state: State, settings: tuple[str, ...], as_json: bool) -> None:
    """Patch settings, e.g. otp_login_enabled=true session_limit=5 (JSON values).

    Prints the whole configuration after the change.
    """
    begin(state, as_json)
    patch = dict(_setting(text) for text in settings)
    Output(as_json).one(state.realm().config.update(patch), title="realm config")
