"""Hostnames: the realm's origin allowlist (``origins``) and its domain claims (``domains``)."""

from __future__ import annotations

import click

from realmid.cli._app import State, begin, json_option, list_options, pass_state
from realmid.cli.output import Output, item_pages


@click.group()
def origins() -> None:
    """The realm's origin allowlist: claim, verify and bind hostnames."""


@origins.command("list")
@list_options
@json_option
@pass_state
def origins_list(state: State, page_size: int | None, max_items: int | None, as_json: bool) -> None:
    """Every origin bound to the realm."""
    begin(state, as_json)
    pages = state.realm().origins.list(limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages),
        ["id", "domain", "entity_type", "entity_id", "created_at", "detached_at"],
        "origins",
        max_items,
    )


@origins.command("claim")
@click.argument("hostname")
@json_option
@pass_state
def origins_claim(state: State, hostname: str, as_json: bool) -> None:
    """Claim HOSTNAME: the answer names the DNS TXT record to publish."""
    begin(state, as_json)
    Output(as_json).one(state.realm().origins.claim(hostname), title="origin claim")


@origins.command("verify")
@click.argument("hostname")
@json_option
@pass_state
def origins_verify(state: State, hostname: str, as_json: bool) -> None:
    """Check the TXT record of the pending claim of HOSTNAME (does not bind)."""
    begin(state, as_json)
    Output(as_json).one(state.realm().origins.verify(hostname), title="origin verification")


@origins.command("bind")
@click.argument("hostname")
@json_option
@pass_state
def origins_bind(state: State, hostname: str, as_json: bool) -> None:
    """Put HOSTNAME on the allowlist (claim and verify first, as needed)."""
    begin(state, as_json)
    Output(as_json).one(state.realm().origins.bind(hostname), title="origin bound")


@click.group()
def domains() -> None:
    """Realm domain claims."""


@domains.command("claim")
@click.argument("hostname")
@json_option
@pass_state
def domains_claim(state: State, hostname: str, as_json: bool) -> None:
    """Claim HOSTNAME; keep the claim_token for `realmid domains verify`."""
    begin(state, as_json)
    Output(as_json).one(state.realm().domains.claim(hostname), title="domain claim")


@domains.command("verify")
@click.argument("claim_token")
@json_option
@pass_state
def domains_verify(state: State, claim_token: str, as_json: bool) -> None:
    """Finish a claim once its TXT record is published."""
    begin(state, as_json)
    Output(as_json).one(state.realm().domains.verify(claim_token), title="domain verification")
