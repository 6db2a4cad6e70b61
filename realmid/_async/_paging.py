"""Paginator adapters the resources share: map each page's items, or run under a user bearer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from realmid._async.pagination import AsyncPaginated
from realmid._auth_flow import user_bearer as as_user
from realmid.models import Page

T = TypeVar("T")


def mapped(paginated: AsyncPaginated[Any], convert: Callable[[Any], T]) -> AsyncPaginated[T]:
    """The same pages with each item converted (wire model → facade model)."""

    async def fetch(cursor: str | None, limit: int | None) -> Page[T]:
        page = await paginated.page(cursor, limit)
        items = [convert(item) for item in page.items]
        return Page(items=items, next_cursor=page.next_cursor, total=page.total)

    return AsyncPaginated(fetch)


def under_bearer(paginated: AsyncPaginated[T], bearer: str | None) -> AsyncPaginated[T]:
    """The same pages, each fetched with ``bearer`` on the wire instead of the platform token.

    Pages are fetched lazily, during iteration, so the bearer must be set around every
    fetch rather than around the call that builds the paginator.
    """
    if bearer is None:
        return paginated

    async def fetch(cursor: str | None, limit: int | None) -> Page[T]:
        with as_user(bearer):
            return await paginated.page(cursor, limit)

    return AsyncPaginated(fetch)
