"""FastAPI helpers: the exception behind ``Depends(realm.require_claims())``.

Imported only when ``realm.require_claims()`` is called (FastAPI is an optional extra)::

    from fastapi import Depends, FastAPI

    app = FastAPI()

    @app.get("/me")
    def me(claims: realmid.Claims = Depends(realm.require_claims())) -> dict[str, str]:
        return {"sub": claims.sub}

    @app.post("/pay")
    def pay(claims: realmid.Claims = Depends(realm.require_claims(mfa=True))) -> None: ...

A failure raises :class:`RealmHTTPException` (401, or 412 with the pre-minted challenge);
FastAPI renders it as ``{"detail": <envelope>}``. :func:`add_envelope_handler` makes it the
middleware's flat envelope instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from realmid.errors import RealmError
from realmid.middleware.asgi import view_of_scope
from realmid.middleware.core import Reply, RequestView

__all__ = ["RealmHTTPException", "add_envelope_handler", "envelope_handler"]

F = TypeVar("F", bound=Callable[..., Any])


class RealmHTTPException(HTTPException):
    """A guard failure of ``realm.require_claims``: ``detail`` is the error envelope."""

    def __init__(self, reply: Reply, error: RealmError) -> None:
        headers = {k: v for k, v in reply.headers if k != "content-type"}
        super().__init__(status_code=reply.status, detail=reply.json(), headers=headers)
        self.error = error
        self.envelope: dict[str, Any] = reply.json()


def view_of(request: Request) -> RequestView:
    """The sans-IO view of a Starlette request."""
    return view_of_scope(request.scope)


def with_request_parameter(function: F) -> F:
    """Give ``function(request)`` the signature FastAPI injects a ``Request`` into."""
    parameter = inspect.Parameter(
        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
    )
    function.__signature__ = inspect.Signature([parameter])  # type: ignore[attr-defined]
    return function


async def envelope_handler(request: Request, exc: Exception) -> Response:
    """Render a :class:`RealmHTTPException` as the flat envelope the middleware answers."""
    assert isinstance(exc, RealmHTTPException)
    return JSONResponse(exc.envelope, status_code=exc.status_code, headers=exc.headers)


def add_envelope_handler(app: Any) -> None:
    """Make ``app`` (FastAPI / Starlette) answer ``require_claims`` failures flat."""
    app.add_exception_handler(RealmHTTPException, envelope_handler)
