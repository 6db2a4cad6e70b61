"""``python -m realmid``: the ``realmid`` command (``pip install "realmid[cli]"``).

The same CLI as the console script: ``verify``/``decode`` tokens, manage the realm, run
the emulator, and ``ops``, the operations of the generated wire client (a check that an
install is whole and a map of what ``realm.api_client`` can call). The tour of the SDK
itself is the README's ``scripts/quickstart``; the command is described in docs/cli.md.
"""

from __future__ import annotations

import sys

from realmid.cli import main

if __name__ == "__main__":
    sys.exit(main(prog_name="python -m realmid"))
