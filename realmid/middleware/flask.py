"""Flask helpers for an app behind ``realm.wsgi_middleware`` (Flask is an optional extra)::

    from realmid.middleware.flask import claims, require_claims

    @app.get("/me")
    @require_claims
    def me():
        return {"sub": claims().sub}

The middleware does the verifying; these read what it left in the WSGI environ.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from realmid._extras import missing_extra

try:
    from flask import Response, request
except ModuleNotFoundError as exc:
    raise missing_extra(exc, "flask", "realmid.middleware.flask") from exc

from realmid.errors import ErrorCode, RealmError
from realmid.middleware.claims import claims_from
from realmid.middleware.core import MISSING_BEARER, envelope
from realmid.verify import Claims

__all__ = ["claims", "require_claims"]

F = TypeVar("F", bound=Callable[..., Any])


def claims() -> Claims | None:
    """The verified claims of the current request; None when the middleware did not guard it."""
    return claims_from(request)


def require_claims(view: F) -> F:
    """Refuse (401, the middleware's envelope) a request the middleware did not guard.

    For views on a path the middleware exempts, or an app whose middleware may be missing
    in some deployment: the view then never runs without verified claims.
    """

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if claims_from(request) is None:
            body = envelope(RealmError(ErrorCode.UNAUTHORIZED, MISSING_BEARER))
            return Response(
                json.dumps(body),
                status=401,
                mimetype="application/json",
                headers={"WWW-Authenticate": 'Bearer realm="realmid"', "Cache-Control": "no-store"},
            )
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]
