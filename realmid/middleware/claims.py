"""Where the middleware leaves the verified claims, and :func:`claims_from` to read them.

- ASGI: ``scope["state"]["realmid_claims"]``, so Starlette / FastAPI code reads
  ``request.state.realmid_claims``;
- WSGI: ``environ["realmid.claims"]`` (Flask: ``request.environ["realmid.claims"]``);
- Django (WSGI and ASGI) and DRF: ``request.META["realmid.claims"]`` (also
  ``request.auth``), set by :class:`realmid.middleware.django.RealmMiddleware`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from realmid.verify import Claims

__all__ = ["ASGI_STATE_KEY", "WSGI_ENVIRON_KEY", "claims_from"]

ASGI_STATE_KEY = "realmid_claims"
WSGI_ENVIRON_KEY = "realmid.claims"


def _in(mapping: Mapping[str, Any]) -> Claims | None:
    value = mapping.get(WSGI_ENVIRON_KEY)
    if value is None:
        state = mapping.get("state")
        if isinstance(state, Mapping):
            value = state.get(ASGI_STATE_KEY)
    return value if isinstance(value, Claims) else None


def claims_from(source: Any) -> Claims | None:
    """The :class:`~realmid.Claims` the middleware verified for a request, else None.

    ``source`` is a Starlette/FastAPI ``Request``, a Flask/Werkzeug request, a Django
    ``HttpRequest`` or DRF ``Request``, an ASGI scope or a WSGI environ. None means the
    middleware did not guard this request (an exempt path, or no middleware in front of
    the app) — the reference's ``ClaimsFrom`` "false"::

        claims = realmid.claims_from(request)
        if claims is None:
            ...
    """
    if type(source) is dict:  # a scope or an environ
        return _in(source)
    # Starlette: scope; WSGI requests: environ; Django: META (under ASGI it has a scope
    # too, which does not hold the claims: every one is tried, in this order). Before the
    # Mapping test: a Starlette Request is a Mapping too, but a slow one to read.
    held = False
    for name in ("scope", "environ", "META"):
        mapping = getattr(source, name, None)
        if isinstance(mapping, Mapping):
            held = True
            claims = _in(mapping)
            if claims is not None:
                return claims
    return _in(source) if not held and isinstance(source, Mapping) else None
