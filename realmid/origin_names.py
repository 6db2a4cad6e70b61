"""Origin normalisation (the reference's ``NormalizeOrigin``): no I/O, same on both faces."""

from __future__ import annotations

from realmid.errors import BadRequestError

__all__ = ["normalize_origin"]


def normalize_origin(raw: str) -> str:
    """The bare lowercase hostname of an origin, URL or hostname.

    Lowercases, then strips the scheme, any user info, the port, the path, query and
    fragment, and a trailing dot, as the issuer's own normalisation does before it
    compares a hostname with the realm's origin allowlist. IPv6 literals lose their
    brackets (as a URL parser's ``hostname`` does).

    >>> normalize_origin("https://App.Example.COM:8443/login?next=/")
    'app.example.com'
    >>> normalize_origin("example.com.")
    'example.com'

    Raises :class:`~realmid.BadRequestError` (a ValueError) when nothing is left (``""``,
    ``"https://"``, ``"file:///x"``) or ``raw`` is not a string: an empty hostname never
    names an origin, and silently comparing ``""`` would be a trap.
    """
    if not isinstance(raw, str):
        raise BadRequestError(f"origin must be a string, got {type(raw).__name__}")
    rest = raw.strip().lower()
    if "://" in rest:
        rest = rest.split("://", 1)[1]
    for separator in ("/", "?", "#"):
        rest = rest.split(separator, 1)[0]
    if "@" in rest:
        rest = rest.rsplit("@", 1)[1]
    # An IPv6 literal keeps its colons inside the brackets; anything else ends at the port.
    host = rest[1:].split("]", 1)[0] if rest.startswith("[") else rest.split(":", 1)[0]
    host = host.rstrip(".")
    if not host:
        # Not echoed: what is left of it may be user info (``https://user:secret@/``).
        raise BadRequestError("origin has no hostname (e.g. '', 'https://', 'file:///x')")
    return host
