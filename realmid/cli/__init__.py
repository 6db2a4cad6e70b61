"""The ``realmid`` command (``pip install "realmid[cli]"``); ``python -m realmid`` too.

``main`` is the console script. The commands live in small modules: ``verify`` (verify,
decode, with ``reasons`` saying why a token is refused), ``manage`` (tenants, users,
invitations, roles, api-keys, config, info), ``hosts`` (origins, domains), ``admin``,
``acting`` (sessions, otp), ``emulator`` and ``ops``; ``commands`` assembles them under the
root group of ``_app`` (settings, the Realm, error display), ``output`` prints tables and
JSON, ``failures`` holds the exit codes. See docs/cli.md.

The console script is installed with the package whatever its extras, so nothing here
imports Click or Rich until :func:`main` runs: without them it names the extra to install.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realmid.cli._app import State, cli
    from realmid.cli.failures import Exit

__all__ = ["Exit", "State", "cli", "main"]

# The exit status when the [cli] extra is missing: a configuration problem (see Exit).
_MISSING_EXTRA = 3


def main(argv: Sequence[str] | None = None, prog_name: str = "realmid") -> int:
    """Run the command line; returns the exit status (see :class:`Exit`)."""
    try:
        from realmid.cli.commands import cli
    except ModuleNotFoundError as exc:
        if exc.name not in ("click", "rich"):
            raise
        from realmid._extras import missing_extra

        print(f"realmid: bad_request: {missing_extra(exc, 'cli', prog_name)}", file=sys.stderr)
        return _MISSING_EXTRA
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name=prog_name)
    except SystemExit as done:  # the root group exits with the status, as Click does
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def __getattr__(name: str) -> Any:
    # `from realmid.cli import cli, State, Exit` loads Click only when asked.
    if name == "cli":
        from realmid.cli.commands import cli

        return cli
    if name == "State":
        from realmid.cli._app import State

        return State
    if name == "Exit":
        from realmid.cli.failures import Exit

        return Exit
    raise AttributeError(f"module 'realmid.cli' has no attribute {name!r}")
