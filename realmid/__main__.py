"""``python -m realmid``: list the operations of the generated wire client.

A check that an install is whole (the facade and the generated ``realmid_api`` package
import) and a map of what ``realm.api_client`` can call, grouped by the spec's tags. The
tour of the SDK itself is the README's ``scripts/quickstart``; the local issuer to test
against is ``python -m realmid.testing`` (``realmid-emulator``).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from realmid._version import SERVER_VERSION, __version__


class Operation(NamedTuple):
    """One endpoint module of ``realmid_api.api``."""

    tag: str
    name: str
    summary: str
    params: tuple[str, ...]


def iter_operations() -> Iterator[Operation]:
    """Yield every endpoint module of ``realmid_api.api``, grouped by tag."""
    api = importlib.import_module("realmid_api.api")
    for tag in sorted(m.name for m in pkgutil.iter_modules(api.__path__) if m.ispkg):
        package = importlib.import_module(f"realmid_api.api.{tag}")
        for mod in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
            module = importlib.import_module(f"realmid_api.api.{tag}.{mod}")
            call = module.sync_detailed
            summary = (inspect.getdoc(call) or "").split("\n", 1)[0]
            params = tuple(p for p in inspect.signature(call).parameters if p != "client")
            yield Operation(tag, mod, summary, params)


def build_parser() -> argparse.ArgumentParser:
    """The command line: no arguments lists the operations; ``--help``, ``--version``."""
    parser = argparse.ArgumentParser(
        prog="python -m realmid",
        description=(
            "List the operations of the generated Realm ID client (realmid_api), grouped "
            "by tag, with their parameters and summaries: what realm.api_client can call."
        ),
        epilog=(
            "The local emulator is `python -m realmid.testing`; the narrated tour of the SDK "
            "is the README's scripts/quickstart."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"realmid {__version__} (Realm ID API {SERVER_VERSION})",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    build_parser().parse_args(argv)  # --help / --version / a bad argument exit here
    ops = list(iter_operations())
    tag = ""
    for op in ops:
        if op.tag != tag:
            tag = op.tag
            print(f"\n[{tag}]")
        print(f"  {op.name}({', '.join(op.params)})\n      {op.summary}")
    print(f"\n{len(ops)} operations in realmid_api")
    return 0


if __name__ == "__main__":
    sys.exit(main())
