"""The one page envelope: opaque cursors, ``limit`` (default 50, max 500), ``total``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from realmid.testing.errors import bad_request

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(mode: str, value: int) -> str:
    """An opaque cursor holding a keyset position (``seq``) or an offset (``off``)."""
    raw = json.dumps({"m": mode, "v": value}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, mode: str) -> int:
    """The position in ``cursor``; a cursor that is not ours answers 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        value = data["v"]
        if data["m"] != mode or not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("wrong cursor")
        return value
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise bad_request("cursor: not a cursor this list issued") from None


def paginate(
    items: Sequence[T],
    *,
    cursor: str | None,
    limit: int | None,
    key: Callable[[T], int] | None = None,
    descending: bool = False,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (already in list order) and the cursor of the next page.

    With ``key`` the cursor is a keyset position (stable while items are added or
    removed); without it, an offset (for lists sorted by arbitrary fields).
    """
    size = min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    if key is None:
        start = decode_cursor(cursor, "off") if cursor else 0
        if start < 0:
            raise bad_request("cursor: not a cursor this list issued")
        page = list(items[start : start + size])
        more = start + size < len(items)
        return page, encode_cursor("off", start + size) if more else None
    remaining = list(items)
    if cursor:
        position = decode_cursor(cursor, "seq")
        if descending:
            remaining = [item for item in remaining if key(item) < position]
        else:
            remaining = [item for item in remaining if key(item) > position]
    page = remaining[:size]
    more = len(remaining) > size
    return page, encode_cursor("seq", key(page[-1])) if more and page else None
