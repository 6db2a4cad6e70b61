"""``realmid ops``: the operations of the generated wire client, grouped by the spec's tags.

A check that an install is whole (the facade and the generated ``realmid_api`` package
import) and a map of what ``realm.api_client`` can call.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import NamedTuple

import click

from realmid.cli._app import json_option
from realmid.cli.output import Output


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


@click.command()
@json_option
def ops(as_json: bool) -> None:
    """List the operations of the generated client (what realm.api_client can call)."""
    operations = list(iter_operations())
    if as_json:
        Output(True).json([op._asdict() for op in operations])
        return
    tag = ""
    for op in operations:
        if op.tag != tag:
            tag = op.tag
            click.echo(f"\n[{tag}]")
        click.echo(f"  {op.name}({', '.join(op.params)})\n      {op.summary}")
    click.echo(f"\n{len(operations)} operations in realmid_api")
