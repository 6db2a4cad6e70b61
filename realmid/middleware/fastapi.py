# pyright: strict
"""FastAPI integration: dependencies that find the realm at request time.

The realm is looked up per request (``app.state.realm``, set in ``lifespan``), so it can be
built on the server's own event loop; the aliases are plain type expressions, clean under
``pyright --strict`` and ``mypy --strict``::

    from contextlib import asynccontextmanager

    import realmid
    from fastapi import FastAPI
    from realmid.middleware.fastapi import CurrentClaims, MFAClaims

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        async with realmid.AsyncRealm(realm_id=REALM_ID, api_key=API_KEY) as realm:
            app.state.realm = realm
            yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/me")
    def me(claims: CurrentClaims) -> dict[str, str]:
        return {"sub": claims.sub}

    @app.post("/pay")
    def pay(claims: MFAClaims) -> None: ...

Others: ``Annotated[realmid.Claims, Depends(require_claims(max_age=60))]``, or
``require_claims(realm=...)`` for a realm of your own. Each dependency declares the
:data:`realm_bearer` security scheme, so ``/docs`` shows an "Authorize" button.

Refusals are the SDK's flat envelope, as the middleware answers (``{"code": ..., "message":
...}``; 401 with ``WWW-Authenticate: Bearer``, 412 with a pre-minted MFA challenge, 503 when
the issuer or the revocation cache cannot be reached), never ``{"detail": ...}``. They are
raised as :class:`RealmHTTPException`, an ``HTTPException``; :func:`install` registers the
handler that renders them. Without ``install``, the first request a dependency sees
registers it on the app's exception middleware — unless the app has its own handler for
``HTTPException``, which then receives them (``exc.detail`` is the envelope). A handler of
your own for ``RealmHTTPException`` always wins.

``realm.require_claims()`` (a dependency bound to one handle) keeps working, and is flat too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from realmid._extras import missing_extra

try:
    from fastapi import Depends, HTTPException
    from fastapi.exception_handlers import http_exception_handler
    from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.middleware.exceptions import ExceptionMiddleware
    from starlette.requests import Request
    from starlette.responses import Response
except ModuleNotFoundError as exc:  # pragma: no cover - exercised without the extra
    raise missing_extra(exc, "fastapi", "realmid.middleware.fastapi") from exc

from realmid.errors import BadRequestError, RealmError
from realmid.middleware.core import MFARequirement, Reply
from realmid.middleware.options import DEFAULT_MFA_MAX_AGE, MFARule, seconds_of
from realmid.middleware.starlette import (
    AnyRealm,
    authenticate,
    error_reply,
    find_realm,
    reply_response,
)
from realmid.verify import Claims

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = [
    "ClaimsDependency",
    "CurrentClaims",
    "FreshMFAClaims",
    "MFAClaims",
    "RealmBearer",
    "RealmHTTPException",
    "add_envelope_handler",
    "current_claims",
    "envelope_handler",
    "install",
    "realm_bearer",
    "require_claims",
]

F = TypeVar("F", bound=Callable[..., Any])


class RealmHTTPException(HTTPException):
    """A refusal of a realmid dependency: ``envelope`` (also ``detail``) is the flat error
    envelope, ``status_code`` / ``headers`` the middleware's, ``error`` the RealmError."""

    def __init__(self, reply: Reply, error: RealmError) -> None:
        headers = {k: v for k, v in reply.headers if k != "content-type"}
        super().__init__(status_code=reply.status, detail=reply.json(), headers=headers)
        self.error = error
        self.reply = reply
        self.envelope: dict[str, Any] = reply.json()


async def envelope_handler(request: Request, exc: Exception) -> Response:
    """Render a :class:`RealmHTTPException` as the flat envelope the middleware answers."""
    if not isinstance(exc, RealmHTTPException):  # registered for that class only
        return await http_exception_handler(request, exc)  # type: ignore[arg-type]
    return reply_response(exc.reply)


def install(app: Starlette) -> None:
    """Register :func:`envelope_handler` for :class:`RealmHTTPException` on ``app``
    (FastAPI or Starlette), before it starts; an explicit alternative to the registration
    on first use described in the module docstring::

        app = FastAPI(lifespan=lifespan)
        install(app)
    """
    app.add_exception_handler(RealmHTTPException, envelope_handler)


add_envelope_handler = install  # the 0.x name


def _default_http_handler(handler: object) -> bool:
    """Whether ``handler`` is FastAPI's or Starlette's own ``HTTPException`` handler."""
    if handler is http_exception_handler:
        return True
    return getattr(handler, "__func__", None) is ExceptionMiddleware.http_exception


def _flat_by_default(request: Request) -> None:
    """Make the app serving ``request`` render :class:`RealmHTTPException` flat, unless it
    has its own handler for it or for ``HTTPException``.

    A dependency cannot register a handler the public way (``add_exception_handler``), as the
    app's exception middleware copied its table when it started; that middleware hands its
    live table to each request as ``scope["starlette.exception_handlers"]``, and a handler
    added there serves this request and every later one. ``setdefault``: never replaces one.
    An app without that table (another framework in front) keeps the HTTPException default.
    """
    tables = request.scope.get("starlette.exception_handlers")
    if not (isinstance(tables, tuple) and tables and isinstance(tables[0], dict)):
        return
    handlers: dict[Any, Any] = tables[0]  # pyright: ignore[reportUnknownVariableType]
    if RealmHTTPException in handlers:
        return
    if _default_http_handler(handlers.get(StarletteHTTPException)):
        handlers.setdefault(RealmHTTPException, envelope_handler)


# ---------------------------------------------------------------------- the dependencies


class RealmBearer(HTTPBearer):
    """The bearer security scheme of the realmid dependencies (in the OpenAPI document as
    ``RealmID``, ``bearerFormat: JWT``). ``auto_error=False``: a missing header is refused
    by the dependency with the SDK's envelope, not FastAPI's ``{"detail": ...}`` 403."""

    def __init__(self) -> None:
        super().__init__(
            bearerFormat="JWT",
            scheme_name="RealmID",
            description="A Realm ID access token: `Authorization: Bearer <access token>`.",
            auto_error=False,
        )


#: The one security scheme object every realmid dependency declares (one OpenAPI entry).
realm_bearer = RealmBearer()


class ClaimsDependency:
    """A FastAPI dependency answering the request's verified :class:`~realmid.Claims`
    (build it with :func:`require_claims`).

    Reuses claims the middleware or the Starlette backend verified for the request; else
    verifies the bearer with the realm (``realm``, or the app's at request time). With a
    ``requirement``, a token without a recent enough MFA is refused with 412 and a
    pre-minted step-up challenge. Refusals raise :class:`RealmHTTPException`::

        Admin = Annotated[realmid.Claims, Depends(ClaimsDependency(None))]
    """

    def __init__(self, requirement: MFARequirement | None, realm: AnyRealm | None = None) -> None:
        self.requirement = requirement
        self.realm = realm

    def __repr__(self) -> str:
        return f"{type(self).__name__}(requirement={self.requirement!r}, realm={self.realm!r})"

    async def __call__(
        self,
        request: Request,
        # Declared for the OpenAPI scheme only: the token is read from the request itself,
        # as the middleware reads it (a repeated header is refused, not picked from).
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(realm_bearer)],
    ) -> Claims:
        _flat_by_default(request)
        realm = find_realm(request, self.realm)
        try:
            return await authenticate(request, realm, self.requirement)
        except RealmError as err:
            raise RealmHTTPException(error_reply(realm, err), err) from None


def require_claims(
    *,
    mfa: bool | MFARule = False,
    max_age: float | timedelta | None = None,
    require_fresh: bool = False,
    realm: AnyRealm | None = None,
) -> ClaimsDependency:
    """A dependency answering the verified claims, optionally demanding a recent MFA.

    - ``mfa=True``: a second factor at most 15 minutes old (the middleware's default);
    - ``max_age=60`` (seconds or ``timedelta``): at most that old (implies ``mfa``);
    - ``require_fresh=True``: at most 30 s old, for irreversible operations (implies ``mfa``);
    - ``mfa=MFARule(...)``: that rule's ``max_age`` / ``require_fresh`` (its path unused);
    - ``realm``: this handle rather than ``app.state.realm``.

    ::

        Recent = Annotated[realmid.Claims, Depends(require_claims(max_age=60))]

        @app.post("/transfer")
        def transfer(claims: Recent) -> None: ...
    """
    if not isinstance(mfa, bool | MFARule):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise BadRequestError("mfa must be True, False or an MFARule")
    if not isinstance(require_fresh, bool):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise BadRequestError("require_fresh must be True or False")
    default_age = DEFAULT_MFA_MAX_AGE.total_seconds()
    if isinstance(mfa, MFARule):
        age = mfa.max_age.total_seconds() if mfa.max_age else default_age
        fresh = mfa.require_fresh or require_fresh
    elif mfa or max_age is not None or require_fresh:
        age, fresh = default_age, require_fresh
    else:
        return ClaimsDependency(None, realm)
    if max_age is not None:
        age = seconds_of(max_age, "max_age")
        if age <= 0:
            raise BadRequestError("max_age must be positive")
    requirement = MFARequirement(age, fresh)
    return ClaimsDependency(requirement, realm)


#: The dependency behind :data:`CurrentClaims` (verified claims, no MFA requirement).
current_claims = require_claims()

#: The request's verified claims: ``def me(claims: CurrentClaims)``.
CurrentClaims: TypeAlias = Annotated[Claims, Depends(current_claims)]
#: Verified claims with a second factor at most 15 minutes old (else 412 + challenge).
MFAClaims: TypeAlias = Annotated[Claims, Depends(require_claims(mfa=True))]
#: Verified claims with a second factor at most 30 s old (``FRESH_WINDOW``).
FreshMFAClaims: TypeAlias = Annotated[Claims, Depends(require_claims(require_fresh=True))]
