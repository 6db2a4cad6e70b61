"""The command tree: every group and command, added to the root ``realmid`` group."""

from __future__ import annotations

from realmid.cli import acting, admin, emulator, hosts, manage, ops, verify
from realmid.cli._app import cli

for command in (
    verify.verify,
    verify.decode,
    manage.info,
    manage.tenants,
    manage.users,
    manage.invitations,
    manage.roles,
    manage.api_keys,
    manage.config,
    hosts.origins,
    hosts.domains,
    admin.admin,
    acting.sessions,
    acting.otp,
    emulator.emulator,
    ops.ops,
):
    cli.add_command(command)

__all__ = ["cli"]
