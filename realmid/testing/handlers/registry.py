"""The operationId → handler table the dispatcher serves from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from realmid.testing.call import Call, Reply

Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    """A handler and the error codes its body fields answer with when invalid.

    ``field_codes`` maps a body member to the taxonomy code a contract violation of that
    member answers (e.g. ``purpose`` → ``invalid_purpose``) instead of ``bad_request``.
    """

    handler: Handler
    field_codes: Mapping[str, str] = field(default_factory=dict)


ROUTES: dict[str, Route] = {}


def operation(
    operation_id: str, *, field_codes: Mapping[str, str] | None = None
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of ``operation_id``."""

    def register(handler: Handler) -> Handler:
        if operation_id in ROUTES:
            raise RuntimeError(f"two handlers for {operation_id}")
        ROUTES[operation_id] = Route(handler, dict(field_codes or {}))
        return handler

    return register
