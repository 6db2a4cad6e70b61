"""Names the async sources use that the generated sync twins swap for their sync peers.

``python -m generator`` rewrites ``realmid/_async/*`` into ``realmid/_sync/*`` with unasync:
``AsyncLock`` becomes ``SyncLock``, ``AsyncOp`` becomes ``SyncOp``, and so on.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

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
