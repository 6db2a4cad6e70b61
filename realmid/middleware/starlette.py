# pyright: strict
"""Starlette integration: an ``AuthenticationBackend``, and the middleware with a realm found
at request time.

``RealmAuthBackend`` plugs Realm ID into Starlette's own authentication, so
``request.user``, ``request.auth`` and ``@requires`` work::

    from contextlib import asynccontextmanager

    import realmid
    from realmid.middleware.starlette import authentication_middleware
    from starlette.applications import Starlette
    from starlette.authentication import requires

    @asynccontextmanager
    async def lifespan(app):
        async with realmid.AsyncRealm(realm_id=REALM_ID, api_key=API_KEY) as realm:
            app.state.realm = realm      # found by the backend at request time
            yield

    @requires("authenticated")
    async def me(request):
        return JSONResponse({"sub": request.user.identity, "role": request.user.claims.role})

    app = Starlette(routes=[Route("/me", me)], lifespan=lifespan,
                    middleware=[authentication_middleware()])

What each request gets (see :class:`RealmAuthBackend`):

- no ``Authorization`` header, or another scheme than ``Bearer``: anonymous
  (``request.user.is_authenticated`` is False; ``@requires`` answers Starlette's 403);
- a bearer token that verifies: ``request.user`` a :class:`RealmUser`, ``request.auth`` a
  :class:`RealmCredentials` (``.scopes`` and ``.claims``), and the claims where
  :func:`realmid.claims_from` reads them;
- a bearer token that does not: the SDK's flat error envelope, 401 with
  ``WWW-Authenticate: Bearer``; 503 when the issuer's keys or the revocation cache cannot be
  reached (the token may be fine: retry).

:class:`RealmMiddleware` is ``realm.asgi_middleware`` (the guard and the login / refresh /
logout / MFA routes) as a Starlette middleware class, for a realm built in ``lifespan``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from realmid._extras import missing_extra

try:
    from starlette.authentication import (
        AuthCredentials,
        AuthenticationBackend,
        AuthenticationError,
        BaseUser,
    )
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.authentication import AuthenticationMiddleware
    from starlette.requests import HTTPConnection
    from starlette.responses import PlainTextResponse, Response
except ModuleNotFoundError as exc:  # pragma: no cover - exercised without the extra
    raise missing_extra(exc, "starlette", "realmid.middleware.starlette") from exc

from realmid._async.realm import AsyncRealm
from realmid._sync.realm import Realm
from realmid.errors import BadRequestError, RealmError
from realmid.middleware._async.flow import AsyncMiddlewareFlow
from realmid.middleware._sync.flow import SyncMiddlewareFlow
from realmid.middleware.asgi import ASGIApp, RealmASGIMiddleware, Receive, Scope, Send
from realmid.middleware.claims import ASGI_STATE_KEY, claims_from
from realmid.middleware.core import MFARequirement, Reply, RequestView
from realmid.middleware.options import (
    DEFAULT_MFA_MAX_AGE,
    FRESH_WINDOW,
    MiddlewareOptions,
    seconds_of,
)
from realmid.verify import Claims

if TYPE_CHECKING:
    from starlette.types import ASGIApp as StarletteApp

__all__ = [
    "AnyRealm",
    "RealmAuthBackend",
    "RealmAuthError",
    "RealmCredentials",
    "RealmMiddleware",
    "RealmUser",
    "authenticate",
    "authentication_middleware",
    "find_realm",
    "on_auth_error",
    "scopes_for",
]

AnyRealm = Realm | AsyncRealm
Flow = AsyncMiddlewareFlow | SyncMiddlewareFlow

#: The ``app.state`` attribute (or lifespan-state key) the realm is found under.
STATE_REALM = "realm"

NO_REALM = (
    "no realm handle for this request: pass realm= or set app.state.realm "
    "(e.g. in the app's lifespan)"
)

# The attribute of a realm handle holding its flow (the middleware's verify + MFA sequence,
# default options), built on first use so a request does not build one. On the handle, not
# in a module-level map: the flow refers to its handle, so a map entry would keep every
# handle (and its HTTP client) alive; as an attribute, the pair is collected together.
_FLOW_ATTRIBUTE = "_realmid_starlette_flow"


# ---------------------------------------------------------------------- the realm and verify


def find_realm(conn: HTTPConnection | Scope, realm: AnyRealm | None = None) -> AnyRealm:
    """The realm handle for a request: ``realm`` when given, else the app's.

    Looked up at request time, so a handle built in ``lifespan`` is found: ``app.state.realm``
    (the app serving the request, ``scope["app"]``), then the lifespan state
    (``yield {"realm": realm}``). None of these: a :class:`~realmid.BadRequestError` (a
    configuration mistake, raised so the server logs it and answers 500)::

        realm = find_realm(request)
    """
    if realm is not None:
        return realm
    scope: Mapping[str, Any] = conn.scope if isinstance(conn, HTTPConnection) else conn
    app_state = getattr(scope.get("app"), "state", None)
    found: object = getattr(app_state, STATE_REALM, None) if app_state is not None else None
    if found is None:
        state = scope.get("state")
        if isinstance(state, Mapping):
            found = cast("Mapping[str, object]", state).get(STATE_REALM)
    if not isinstance(found, Realm | AsyncRealm):
        raise BadRequestError(NO_REALM)
    return found


def _flow(realm: AnyRealm) -> Flow:
    flow = vars(realm).get(_FLOW_ATTRIBUTE)
    if not isinstance(flow, AsyncMiddlewareFlow | SyncMiddlewareFlow):
        flow = (
            AsyncMiddlewareFlow(realm)
            if isinstance(realm, AsyncRealm)
            else SyncMiddlewareFlow(realm)
        )
        setattr(realm, _FLOW_ATTRIBUTE, flow)  # two requests racing build two: harmless
    return flow


async def authenticate(
    conn: HTTPConnection,
    realm: AnyRealm,
    requirement: MFARequirement | None = None,
) -> Claims:
    """The verified claims of ``conn``'s bearer token, or the RealmError refusing it.

    Claims the middleware (or :class:`RealmAuthBackend`) already verified for this request
    are reused, not verified again; ``requirement`` is then still checked. A step-up refusal
    (412) carries a freshly minted MFA challenge. On the sync face the verification runs
    inline when it needs no I/O and in a worker thread otherwise, so the event loop never
    blocks on the issuer::

        claims = await authenticate(request, find_realm(request))
    """
    flow = _flow(realm)
    view = _view(conn)
    known = claims_from(conn)
    if isinstance(flow, AsyncMiddlewareFlow):
        return await flow.authenticate(view, requirement, known)
    if known is not None:
        if requirement is None or flow.core.mfa_reason(known, requirement) is None:
            return flow.authenticate(view, requirement, known)  # no I/O on this path
    else:
        claims = flow.authenticate_local(view.authorization, requirement)
        if claims is not None:
            return claims
    return await run_in_threadpool(flow.authenticate, view, requirement, known)


def _view(conn: HTTPConnection) -> RequestView:
    from realmid.middleware.asgi import view_of_scope

    return view_of_scope(conn.scope)


def remember(conn: HTTPConnection, claims: Claims) -> None:
    """Leave ``claims`` where :func:`realmid.claims_from` (and the middleware) reads them."""
    state = conn.scope.get("state")
    if state is None:
        conn.scope["state"] = state = {}
    state[ASGI_STATE_KEY] = claims


def error_reply(realm: AnyRealm, err: RealmError) -> Reply:
    """The middleware's answer to ``err``: the flat envelope, its status and headers."""
    return _flow(realm).core.error_reply(err)


def reply_response(reply: Reply) -> Response:
    """A :class:`~realmid.middleware.core.Reply` as a Starlette response (headers as is)."""
    response = Response(reply.body, status_code=reply.status)
    response.raw_headers = [
        *(h for h in response.raw_headers if h[0] != b"content-type"),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers),
    ]
    return response


# ---------------------------------------------------------------------- user and credentials


class RealmUser(BaseUser):
    """``request.user`` for a verified token: Starlette's ``BaseUser`` over the claims.

    ``identity`` is the subject (``sub``), ``display_name`` the token's ``name``, else its
    ``email``, else the subject; ``claims`` holds every verified claim::

        if request.user.is_authenticated:
            request.user.identity, request.user.claims.tenant_id, request.user.claims.role
    """

    def __init__(self, claims: Claims) -> None:
        self.claims = claims

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        for key in ("name", "email"):
            value = self.claims.extra.get(key)
            if isinstance(value, str) and value:
                return value
        return self.claims.sub

    @property
    def identity(self) -> str:
        return self.claims.sub

    def __repr__(self) -> str:
        return f"RealmUser(sub={self.claims.sub!r}, tenant_id={self.claims.tenant_id!r})"


class RealmCredentials(AuthCredentials):
    """``request.auth`` for a verified token: the scopes, and the verified ``claims``::

    request.auth.scopes   # ["authenticated", "role:owner", "mfa"]
    request.auth.claims   # the realmid.Claims (also request.user.claims)
    """

    def __init__(self, scopes: Sequence[str], claims: Claims) -> None:
        super().__init__(list(scopes))
        self.claims = claims

    def __repr__(self) -> str:
        return f"RealmCredentials(scopes={self.scopes!r}, sub={self.claims.sub!r})"


class RealmAuthError(AuthenticationError):
    """A refused bearer token: what :func:`on_auth_error` answers (``reply``) and why
    (``error``, the RealmError). ``str()`` is the error's message, never the token."""

    def __init__(self, reply: Reply, error: RealmError) -> None:
        super().__init__(error.message)
        self.reply = reply
        self.error = error


def on_auth_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    """``AuthenticationMiddleware``'s ``on_error``: a :class:`RealmAuthError` as the SDK's
    flat envelope (401 + ``WWW-Authenticate: Bearer``, 503, ...); any other backend's error
    as Starlette's own default (400, its text)::

        Middleware(AuthenticationMiddleware, backend=RealmAuthBackend(), on_error=on_auth_error)
    """
    if isinstance(exc, RealmAuthError):
        return reply_response(exc.reply)
    return PlainTextResponse(str(exc), status_code=400)


def scopes_for(
    claims: Claims, realm: AnyRealm, mfa_max_age: float | timedelta = DEFAULT_MFA_MAX_AGE
) -> list[str]:
    """The Starlette scopes of verified claims, as :class:`RealmAuthBackend` grants them.

    - ``"authenticated"``, always;
    - ``"role:<role>"`` and ``"tenant:<tenant_id>"`` when the token names them;
    - ``"mfa"`` when the token proves a second factor at most ``mfa_max_age`` old (default
      15 min, the middleware's ``mfa_default_max_age``), and ``"mfa:fresh"`` when at most
      :data:`~realmid.middleware.FRESH_WINDOW` (30 s) old — the checks of
      ``MFARule(max_age=...)`` and ``MFARule(require_fresh=True)``, at the realm's clock.

    So ``@requires(["authenticated", "mfa"])`` is an MFA-protected route. A forward-dated
    ``mfa_at`` grants neither. Its refusal is Starlette's 403, without the step-up challenge
    a 412 of the middleware or of the FastAPI ``MFAClaims`` carries::

        scopes_for(claims, realm)   # ['authenticated', 'role:owner', 'tenant:ten_1', 'mfa']
    """
    scopes = ["authenticated"]
    if claims.role:
        scopes.append(f"role:{claims.role}")
    if claims.tenant_id:
        scopes.append(f"tenant:{claims.tenant_id}")
    core = _flow(realm).core
    max_age = seconds_of(mfa_max_age, "mfa_max_age")
    if core.mfa_reason(claims, MFARequirement(max_age, False)) is None:
        scopes.append("mfa")
        if core.mfa_reason(claims, MFARequirement(FRESH_WINDOW.total_seconds(), True)) is None:
            scopes.append("mfa:fresh")
    return scopes


class RealmAuthBackend(AuthenticationBackend):
    """Starlette's ``AuthenticationBackend`` for Realm ID bearer tokens.

    ``realm``: the handle to verify with; None (the default) finds it at request time in
    ``app.state.realm`` (see :func:`find_realm`), so one built in ``lifespan`` works. Both
    faces: an :class:`~realmid.AsyncRealm` is awaited; a sync :class:`~realmid.Realm`
    verifies inline when no I/O is needed, in a worker thread otherwise.

    Answers None (anonymous) without an ``Authorization: Bearer`` header, so another
    backend or a public route can take the request; ``(RealmCredentials, RealmUser)`` for a
    token that verifies (scopes: :func:`scopes_for`), also stored where
    :func:`realmid.claims_from` reads; raises :class:`RealmAuthError` for one that does not.
    Install it with :func:`authentication_middleware` (or pass ``on_error=on_auth_error``
    yourself: Starlette's default ``on_error`` answers 400 plain text)::

        app = Starlette(routes=routes, middleware=[authentication_middleware()])
    """

    def __init__(
        self, realm: AnyRealm | None = None, *, mfa_max_age: float | timedelta = DEFAULT_MFA_MAX_AGE
    ) -> None:
        if realm is not None and not isinstance(realm, Realm | AsyncRealm):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise BadRequestError("realm must be a realmid.Realm or realmid.AsyncRealm")
        self.realm = realm
        self.mfa_max_age = seconds_of(mfa_max_age, "mfa_max_age")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(realm={self.realm!r})"

    async def authenticate(self, conn: HTTPConnection) -> tuple[RealmCredentials, RealmUser] | None:
        authorization = conn.headers.get("authorization")
        if authorization is None or authorization.strip().split(" ", 1)[0].lower() != "bearer":
            return None  # not ours: anonymous, or another backend's scheme
        realm = find_realm(conn, self.realm)
        try:
            claims = await authenticate(conn, realm)
        except RealmError as err:
            raise RealmAuthError(error_reply(realm, err), err) from None
        remember(conn, claims)
        return RealmCredentials(scopes_for(claims, realm, self.mfa_max_age), claims), RealmUser(
            claims
        )


def authentication_middleware(
    realm: AnyRealm | None = None, *, mfa_max_age: float | timedelta = DEFAULT_MFA_MAX_AGE
) -> Middleware:
    """Starlette's ``AuthenticationMiddleware`` with :class:`RealmAuthBackend` and
    :func:`on_auth_error`, for ``Starlette(middleware=[...])`` or ``FastAPI(middleware=[...])``::

        app = Starlette(routes=routes, lifespan=lifespan,
                        middleware=[authentication_middleware()])
    """
    backend = RealmAuthBackend(realm, mfa_max_age=mfa_max_age)
    return Middleware(AuthenticationMiddleware, backend=backend, on_error=on_auth_error)


# ---------------------------------------------------------------------- the middleware


class RealmMiddleware:
    """``realm.asgi_middleware`` as a Starlette middleware class, its realm found at request
    time (``app.state.realm``, see :func:`find_realm`) unless given::

        app = Starlette(routes=routes, lifespan=lifespan,
                        middleware=[Middleware(RealmMiddleware, options=MiddlewareOptions())])
        app.add_middleware(RealmMiddleware, options=options)      # or, before startup

    Everything ``asgi_middleware`` does (the guard, the MFA rules, the login / refresh /
    logout / MFA-verify routes) for every ``http`` and ``websocket`` request; ``lifespan``
    passes straight through, so the realm can be built there.
    """

    def __init__(
        self,
        app: StarletteApp | ASGIApp,
        realm: AnyRealm | None = None,
        options: MiddlewareOptions | None = None,
    ) -> None:
        if options is not None and not isinstance(options, MiddlewareOptions):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise BadRequestError("options must be a realmid.middleware.MiddlewareOptions")
        self.app: ASGIApp = app
        self.realm = realm
        self.options = options
        # The guard of the last realm seen: one per handle (a lifespan run again, in tests,
        # brings a new handle and so a new guard).
        self._guard: tuple[AnyRealm, RealmASGIMiddleware] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(app={self.app!r}, realm={self.realm!r})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        realm = find_realm(scope, self.realm)
        guard = self._guard
        if guard is None or guard[0] is not realm:
            self._guard = guard = (realm, realm.asgi_middleware(self.app, self.options))
        await guard[1](scope, receive, send)
