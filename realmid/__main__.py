"""``python -m realmid``: list the operations the generated wire client exposes.

This is the README's main job until the facade's narrated quickstart lands: it proves
the generated package installs and imports, and shows what `realm.api_client` offers.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Iterator
from typing import NamedTuple


class Operation(NamedTuple):
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


def main() -> int:
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
