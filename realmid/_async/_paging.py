"""Paginator adapters the resources share: run a list under a user bearer."""

from __future__ import annotations

from typing import TypeVar

from realmid._async.pagination import AsyncPaginated
from realmid._auth_flow import user_bearer as as_user
from realmid.models import Page

T = TypeVar("T")


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
