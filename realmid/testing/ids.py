"""Identifiers, opaque secrets and the wire's time formats."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from datetime import UTC, datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    """A ULID-shaped id (48-bit millisecond time + 80 random bits, Crockford base32).

    Realm ids look like the reference's ``01HXYZ...``; time-ordered ids also make the
    emulator's output easy to read in logs.
    """
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A prefixed id such as ``ten_01J...``; the prefix says what kind of thing it names."""
    return f"{prefix}_{ulid()}"


def opaque_token(prefix: str, nbytes: int = 32) -> str:
    """A random bearer secret (``rpat_...``); opaque to clients by design."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def digest(value: str) -> str:
    """SHA-256 hex of a secret, so the store never needs to keep the secret itself."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def same_secret(presented: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (timing must not leak a prefix match)."""
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def rfc3339(ts: float) -> str:
    """Unix seconds as an RFC 3339 UTC timestamp with a ``Z`` suffix."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
