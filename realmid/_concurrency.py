"""Names the async sources use that the generated sync twins swap for their sync peers.

``python -m generator`` rewrites ``realmid/_async/*`` into ``realmid/_sync/*`` with unasync:
``AsyncLock`` becomes ``SyncLock``, ``AsyncOp`` becomes ``SyncOp``, and so on.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from realmid_api.types import Response

if TYPE_CHECKING:
    from realmid.models import Page

AsyncLock = asyncio.Lock
SyncLock = threading.Lock

# A generated endpoint function: `<module>.asyncio_detailed` / `<module>.sync_detailed`.
AsyncOp = Callable[..., Awaitable[Response[Any]]]
SyncOp = Callable[..., Response[Any]]

T = TypeVar("T")

# Fetches one page: (cursor, limit) -> Page. The sync twin's fetch returns the page itself.
AsyncPageFetch = Callable[[str | None, int | None], Awaitable["Page[T]"]]
SyncPageFetch = Callable[[str | None, int | None], "Page[T]"]

# What an awaited call gives back: `Awaitable[T]` on the async face, plain `T` on the sync.
AsyncResult = Awaitable[T]
SyncResult = Annotated[T, "returned directly"]


async def settle_async(method: Callable[..., Any], *args: Any) -> Any:
    """Call a pluggable's method (e.g. a revocation cache's) and await it if it is async."""
    value = method(*args)
    if inspect.isawaitable(value):
        return await value
    return value


def settle_sync(method: Callable[..., Any], *args: Any) -> Any:
    """The sync face's pluggables are sync: call and return."""
    return method(*args)
