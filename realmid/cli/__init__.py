"""The ``realmid`` command (``pip install "realmid[cli]"``); ``python -m realmid`` too.

``main`` is the console script. The commands live in small modules: ``verify`` (verify,
decode), ``manage`` (tenants, users, invitations, roles, api-keys, config, info),
``hosts`` (origins, domains), ``admin``, ``acting`` (sessions, otp), ``emulator`` and
``ops``; ``_app`` holds the root group and its settings, ``output`` the table/JSON printing,
``failures`` the exit codes. See docs/cli.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from realmid.cli import acting, admin, emulator, hosts, manage, ops, verify
from realmid.cli._app import State, cli
from realmid.cli.failures import Exit

__all__ = ["Exit", "State", "cli", "main"]

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


def main(argv: Sequence[str] | None = None, prog_name: str = "realmid") -> int:
    """Run the command line; returns the exit status (see :class:`Exit`)."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name=prog_name)
    except SystemExit as done:  # Click's standalone mode exits with the status
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
