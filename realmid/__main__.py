"""``python -m realmid``: the ``realmid`` command (``pip install "realmid[cli]"``).

The same CLI as the console script: ``verify``/``decode`` tokens, manage the realm, run
the emulator, and ``ops``, the operations of the generated wire client (a check that an
install is whole and a map of what ``realm.api_client`` can call). The tour of the SDK
itself is the README's ``scripts/quickstart``; see docs/cli.md for the command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI, or say which extra brings it when Click/Rich are not installed."""
    try:
        from realmid.cli import main as cli_main
    except ModuleNotFoundError as exc:
        from realmid._extras import missing_extra

        if exc.name not in ("click", "rich"):
            raise
        print(
            f"realmid: bad_request: {missing_extra(exc, 'cli', 'python -m realmid')}",
            file=sys.stderr,
        )
        return 3
    return cli_main(argv, prog_name="python -m realmid")


if __name__ == "__main__":
    sys.exit(main())
