"""Where the middleware leaves the verified claims, and :func:`claims_from` to read them.

- ASGI: ``scope["state"]["realmid_claims"]``, so Starlette / FastAPI code reads
  ``request.state.realmid_claims``;
- WSGI: ``environ["realmid.claims"]`` (Flask: ``request.environ["realmid.claims"]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realmid.verify import Claims

__all__ = ["ASGI_STATE_KEY", "WSGI_ENVIRON_KEY", "claims_from"]

ASGI_STATE_KEY = "realmid_claims"
WSGI_ENVIRON_KEY = "realmid.claims"


def claims_from(source: Any) -> Claims | None:
    """The :class:`~realmid.Claims` the middleware verified for a request, else None.

    ``source`` is a Starlette/FastAPI ``Request``, a Flask/Werkzeug request, an ASGI scope
    or a WSGI environ. None means the middleware did not guard this request (an exempt
    path, or no middleware in front of the app) — the reference's ``ClaimsFrom`` "false"::

        claims = realmid.claims_from(request)
        if claims is None:
            ...
    """
    scope = getattr(source, "scope", None)
    environ = getattr(source, "environ", None)
    if isinstance(scope, Mapping):
        source = scope
    elif isinstance(environ, Mapping):
        source = environ
    if not isinstance(source, Mapping):
        return None
    value = source.get(WSGI_ENVIRON_KEY)
    if value is None:
        state = source.get("state")
        if isinstance(state, Mapping):
            value = state.get(ASGI_STATE_KEY)
    return value if isinstance(value, Claims) else None
