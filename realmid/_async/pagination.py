"""Lazy, page-by-page iteration over list endpoints (SPEC §7)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from realmid._faces import AsyncPageFetch
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.models import Page

T = TypeVar("T")


def page_limit(limit: int | None) -> int | None:
    """``limit`` when it is a usable page size (a positive int) or None (server default).

    Anything else is a :class:`~realmid.BadRequestError`, raised before any request: a
    zero or negative page size, or one that is not an integer (``True`` included), can
    only be a bug in the caller.
    """
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise BadRequestError(f"limit must be a positive integer page size, got {limit!r}")
    return limit


class AsyncPaginated(Generic[T]):
    """Iterate every item of a list, fetching one page at a time; or page by hand.

    Only the current page is held, so memory stays flat however long the list is::

        for tenant in realm.tenants.list():
            ...
        first = realm.tenants.list().page(limit=20)
        second = realm.tenants.list().page(cursor=first.next_cursor, limit=20)

    A ``limit`` that is not a positive integer is a :class:`~realmid.BadRequestError`,
    raised when the paginator is built or the page asked for, before any request.
    """

    def __init__(self, fetch: AsyncPageFetch[T], *, limit: int | None = None) -> None:
        self._fetch = fetch
        self._limit = page_limit(limit)

    async def page(self, cursor: str | None = None, limit: int | None = None) -> Page[T]:
        """Fetch one page: the first when ``cursor`` is None, else the one ``cursor`` names."""
        limit = page_limit(limit)
        return await self._fetch(cursor, limit if limit is not None else self._limit)

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in turn, following ``next_cursor`` until the last page."""
        cursor: str | None = None
        while True:
            page = await self.page(cursor)
            yield page
            if not page.next_cursor:
                return
            if page.next_cursor == cursor:
                # A server bug would otherwise loop forever on the same page.
                raise RealmError(ErrorCode.SERVER_ERROR, "pagination cursor did not advance")
            cursor = page.next_cursor

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item
