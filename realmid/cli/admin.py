"""``realmid admin``: operator views across the issuer (the key needs the admin scope)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import click

from realmid.cli._app import State, begin, json_option, list_options, pass_state
from realmid.cli.output import Output, item_pages


@click.group()
def admin() -> None:
    """The audit log, platforms, search and stats."""


def _follow(fetch: Callable[[str | None], Any]) -> Iterator[Any]:
    # These facade calls answer one raw page; the command follows next_cursor itself.
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield page
        cursor = page.next_cursor if isinstance(page.next_cursor, str) else None
        if not cursor:
            return


@admin.command("events")
@click.option("--platform-id", help="Only this realm's events (default: this realm).")
@click.option("--all-platforms", is_flag=True, help="Every realm's events.")
@click.option("--tenant-id")
@click.option("--actor-id")
@click.option("--kind", "kinds", multiple=True, help="Repeat for several kinds.")
@click.option("--since", type=int, help="Unix seconds.")
@click.option("--until", type=int, help="Unix seconds.")
@list_options
@json_option
@pass_state
def admin_events(
    state: State,
    platform_id: str | None,
    all_platforms: bool,
    tenant_id: str | None,
    actor_id: str | None,
    kinds: tuple[str, ...],
    since: int | None,
    until: int | None,
    page_size: int | None,
    max_items: int | None,
    as_json: bool,
) -> None:
    """The audit log, newest first."""
    begin(state, as_json)
    realm = state.realm()
    platform = None if all_platforms else (platform_id or realm.realm_id)

    def fetch(cursor: str | None) -> Any:
        return realm.admin.list_events(
            platform_id=platform,
            tenant_id=tenant_id,
            actor_id=actor_id,
            kind=list(kinds) or None,
            since=since,
            until=until,
            cursor=cursor,
            limit=page_size,
        )

    Output(as_json).many(
        item_pages(_follow(fetch)),
        ["id", "occurred_at", "kind", "actor_label", "tenant_id", "target_id", "summary"],
        "events",
        max_items,
    )


@admin.command("platforms")
@click.option("--q", "query", help="Text to search for.")
@click.option("--status", "statuses", multiple=True)
@click.option("--sort", help="A field, - prefixed for descending (e.g. -created_at).")
@list_options
@json_option
@pass_state
def admin_platforms(
    state: State,
    query: str | None,
    statuses: tuple[str, ...],
    sort: str | None,
    page_size: int | None,
    max_items: int | None,
    as_json: bool,
) -> None:
    """Platforms (realms) of the issuer."""
    begin(state, as_json)
    realm = state.realm()

    def fetch(cursor: str | None) -> Any:
        return realm.admin.list_platforms(
            q=query, status=list(statuses) or None, sort=sort, cursor=cursor, limit=page_size
        )

    Output(as_json).many(
        item_pages(_follow(fetch)),
        ["id", "display_name", "status", "signup_mode", "tenants_count", "users_count"],
        "platforms",
        max_items,
    )


@admin.command("search")
@click.argument("query")
@click.option("--max", "max_items", type=click.IntRange(min=1), help="At most this many hits.")
@json_option
@pass_state
def admin_search(state: State, query: str, max_items: int | None, as_json: bool) -> None:
    """Platforms, tenants and users matching QUERY."""
    begin(state, as_json)
    answer = state.realm().admin.search(query, limit=max_items)
    Output(as_json).many(
        [list(answer.items or [])], ["type", "id", "label", "sublabel", "platform_id"], "hits"
    )


@admin.command("stats")
@json_option
@pass_state
def admin_stats(state: State, as_json: bool) -> None:
    """Counts across the issuer."""
    begin(state, as_json)
    Output(as_json).one(state.realm().admin.stats(), title="issuer stats")
