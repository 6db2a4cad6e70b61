"""Value types the facade returns where it adds meaning to the generated wire models."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs


@attrs.frozen
class RealmInfo:
    """Realm metadata (``realm.info()``), cached for the handle's lifetime.

    ``audience`` is the realm's canonical ``aud``: the verifier's default audience and,
    when no ``origin`` is configured, the ``Origin`` sent on auth calls.
    """

    id: str
    audience: str = ""
    domain: str = ""
    display_name: str = ""
    extra: dict[str, Any] = attrs.field(factory=dict)


T = TypeVar("T")

# The two system roles of every realm (ADR-040); every other role name is partner-defined.
ROLE_OWNER = "owner"
ROLE_MEMBER = "member"


@attrs.frozen
class Page(Generic[T]):
    """One page of a list, in the wire's page envelope shape (SPEC §7)."""

    items: list[T]
    next_cursor: str | None = None
    total: int | None = None
