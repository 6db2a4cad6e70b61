"""Django integration (SPEC §10): ``RealmMiddleware``, the auth views, ``@require_mfa``.

Configure it in ``settings.py``; the realm handle is built once per process::

    MIDDLEWARE = [
        ...,
        "django.contrib.auth.middleware.AuthenticationMiddleware",  # if you use it: before
        "realmid.middleware.django.RealmMiddleware",
    ]
    REALMID = {
        "realm_id": os.environ["REALMID_REALM_ID"],
        "api_key": os.environ["REALMID_API_KEY"],
        "exempt_paths": ["/health", "/public/*"],
        "mfa_protected_paths": ["/billing/**"],
    }

``REALMID`` holds ``realm_id``, ``api_key``, ``base_url`` and the other keyword arguments
of :class:`realmid.Realm` (``timeout``, ``leeway``, ``clock``, ``revocation``, ...), and
the fields of :class:`~realmid.middleware.MiddlewareOptions` under their Python names. An
unknown key is an ``ImproperlyConfigured`` error naming it, raised when Django loads the
middleware (startup), never on the first request.

The middleware is sync and async capable (WSGI, ASGI, ``django.test.Client`` and
``AsyncClient``). It drives the sync face (:class:`realmid.Realm`) everywhere: under ASGI
the verify runs inline when it needs no I/O and in a worker thread otherwise, so one
process-wide handle serves every thread and event loop (an ``AsyncRealm`` is bound to a
loop, and Django runs sync views on threads of its own).

A guarded request reaches the view with ``request.user`` (a :class:`RealmUser`),
``request.auth`` (the :class:`~realmid.Claims`) and ``realmid.claims_from(request)``. The
login / logout / refresh / MFA-verify routes are answered by the middleware itself at the
options' paths (``/login``, ``/logout``, ``/token``, ``/mfa/verify``); :func:`auth_urls`
gives the same routes as views, for a project that mounts them under a prefix or runs
without the middleware (DRF only)::

    urlpatterns = [path("auth/", include(auth_urls())), ...]

DRF: :class:`RealmAuthentication` and :class:`MFAFresh` live in :mod:`realmid.middleware.drf`
and are importable from here too (lazily: importing this module never needs DRF).
"""

from __future__ import annotations

import atexit
import functools
import inspect
import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from http.cookies import Morsel
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from realmid._extras import missing_extra
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.middleware.claims import WSGI_ENVIRON_KEY, claims_from
from realmid.middleware.core import (
    Exempt,
    Handle,
    MFARequirement,
    MiddlewareCore,
    Reply,
    RequestView,
    Route,
)
from realmid.middleware.options import MFARule, MiddlewareOptions
from realmid.middleware.wsgi import view_of_environ
from realmid.verify import Claims

try:
    from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
    from django.apps import apps  # type: ignore[import-untyped]
    from django.conf import settings  # type: ignore[import-untyped]
    from django.core.exceptions import (  # type: ignore[import-untyped]
        DisallowedHost,
        ImproperlyConfigured,
    )
    from django.core.signals import setting_changed  # type: ignore[import-untyped]
    from django.http import HttpResponse  # type: ignore[import-untyped]
    from django.urls import URLPattern, path, resolve  # type: ignore[import-untyped]
    from django.urls.exceptions import Resolver404  # type: ignore[import-untyped]
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]
except ModuleNotFoundError as exc:  # pragma: no cover - exercised without the extra
    raise missing_extra(exc, "django", "realmid.middleware.django") from exc

if TYPE_CHECKING:
    from realmid._sync.realm import Realm
    from realmid.middleware._sync.flow import SyncMiddlewareFlow
    from realmid.middleware.drf import MFAFresh, RealmAuthentication, mfa_fresh

__all__ = [
    "MFAFresh",
    "RealmAnonymousUser",
    "RealmAuthentication",
    "RealmConfigurationError",
    "RealmMiddleware",
    "RealmUser",
    "auth_urls",
    "close_realms",
    "get_realm",
    "mfa_fresh",
    "require_mfa",
]

F = TypeVar("F", bound=Callable[..., Any])

_OPTION_KEYS = frozenset(a.name for a in attrs.fields(MiddlewareOptions))


def _realm_keys() -> frozenset[str]:
    from realmid._sync.realm import Realm

    names = inspect.signature(Realm.__init__).parameters
    # http_client is per handle and would be shared across threads here: not offered.
    return frozenset(n for n in names if n not in {"self", "http_client"})


class RealmConfigurationError(BadRequestError, ImproperlyConfigured):  # type: ignore[misc]
    """``settings.REALMID`` is wrong: a RealmError (``bad_request``) and Django's
    ``ImproperlyConfigured``. The message names the key, never a secret's value."""


# ---------------------------------------------------------------------- users


class RealmUser:
    """``request.user`` for a verified token: the token's subject, not a database row.

    >>> user.is_authenticated, user.id == user.claims.sub
    (True, True)

    ``id``/``pk``/``username`` are the ``sub``; ``tenant_id`` and ``role`` come from the
    claims. It has no Django permissions (``has_perm`` is always False): authorize with
    ``role`` or your own lookups.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, claims: Claims) -> None:
        self.claims = claims

    @property
    def id(self) -> str:
        return self.claims.sub

    @property
    def pk(self) -> str:
        return self.claims.sub

    @property
    def username(self) -> str:
        return self.claims.sub

    @property
    def tenant_id(self) -> str:
        return self.claims.tenant_id

    @property
    def role(self) -> str:
        return self.claims.role

    def get_username(self) -> str:
        return self.claims.sub

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perms: object, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RealmUser) and other.claims.sub == self.claims.sub

    def __hash__(self) -> int:
        return hash(self.claims.sub)

    def __str__(self) -> str:
        return self.claims.sub

    def __repr__(self) -> str:
        return f"RealmUser(id={self.id!r}, tenant_id={self.tenant_id!r}, role={self.role!r})"


class RealmAnonymousUser:
    """``request.user`` without verified claims, when ``django.contrib.auth`` is not
    installed (with it, Django's own ``AnonymousUser`` is used)."""

    id = None
    pk = None
    username = ""
    tenant_id = ""
    role = ""
    claims = None
    is_authenticated = False
    is_anonymous = True
    is_active = False
    is_staff = False
    is_superuser = False

    def get_username(self) -> str:
        return ""

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perms: object, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def __str__(self) -> str:
        return "AnonymousUser"

    def __repr__(self) -> str:
        return "RealmAnonymousUser()"


def anonymous_user() -> Any:
    """Django's ``AnonymousUser`` when ``django.contrib.auth`` is installed, else ours."""
    if apps.is_installed("django.contrib.auth"):
        from django.contrib.auth.models import AnonymousUser  # type: ignore[import-untyped]

        return AnonymousUser()
    return RealmAnonymousUser()


def _attach(request: Any, claims: Claims) -> None:
    """Where the views read a verified request's identity (and ``claims_from``)."""
    request.META[WSGI_ENVIRON_KEY] = claims
    request.user = RealmUser(claims)
    request.auth = claims


# ---------------------------------------------------------------------- configuration


@attrs.frozen
class _Setup:
    """One ``settings.REALMID``: its realm handle, options, flow (the flow holds the core)."""

    source: Mapping[str, Any] = attrs.field(repr=False)
    realm: Realm
    flow: SyncMiddlewareFlow

    @property
    def core(self) -> MiddlewareCore:
        return self.flow.core


_lock = threading.Lock()
_realms: dict[tuple[tuple[str, Any], ...], Realm] = {}
_current: _Setup | None = None


def _keyable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


def _options(source: Any) -> MiddlewareOptions:
    """The middleware options of ``settings.REALMID`` (its keys checked, no realm built)."""
    if not isinstance(source, Mapping):
        raise RealmConfigurationError(
            "settings.REALMID must be a dict with realm_id, api_key (and base_url, options)"
        )
    realm_keys = _realm_keys()
    for key in source:
        if key not in realm_keys and key not in _OPTION_KEYS:
            raise RealmConfigurationError(
                f"settings.REALMID has an unknown key {str(key)!r}; it takes realm_id,"
                " api_key, base_url, the other realmid.Realm arguments and the"
                " MiddlewareOptions fields"
            )
    try:
        return MiddlewareOptions(**{k: v for k, v in source.items() if k in _OPTION_KEYS})
    except RealmError as err:
        raise RealmConfigurationError(f"settings.REALMID: {err.message}") from None


def _build(source: Any) -> _Setup:
    options = _options(source)
    for required in ("realm_id", "api_key"):
        if not source.get(required):
            raise RealmConfigurationError(f"settings.REALMID[{required!r}] is required")
    from realmid._sync.realm import Realm
    from realmid.middleware._sync.flow import SyncMiddlewareFlow

    realm_keys = _realm_keys()
    kwargs = {k: v for k, v in source.items() if k in realm_keys}
    key = tuple(sorted((k, _keyable(v)) for k, v in kwargs.items()))
    try:
        realm = _realms.get(key)
        if realm is None:
            realm = _realms[key] = Realm(**kwargs)
    except RealmError as err:
        # The SDK's messages name the field, never a secret's value.
        raise RealmConfigurationError(f"settings.REALMID: {err.message}") from None
    except TypeError:
        raise RealmConfigurationError(
            "settings.REALMID: a realm argument has the wrong type"
        ) from None
    return _Setup(source, realm, SyncMiddlewareFlow(realm, options))


def _setup() -> _Setup:
    """The process's setup for the current ``settings.REALMID`` (built once, thread-safe)."""
    global _current
    source = getattr(settings, "REALMID", None)
    current = _current
    if current is not None and current.source is source:
        return current
    with _lock:
        if _current is None or _current.source is not source:
            if source is None:
                raise RealmConfigurationError(
                    "settings.REALMID is missing: a dict with realm_id and api_key"
                )
            _current = _build(source)
        return _current


def get_realm() -> Realm:
    """The process's :class:`realmid.Realm`, built from ``settings.REALMID``.

    For calls of your own in a view::

        realm = get_realm()
        tenant = realm.tenants.get(request.user.tenant_id)
    """
    return _setup().realm


def close_realms() -> None:
    """Close every realm handle built from ``settings.REALMID`` (at exit, and in tests).

    A later request builds a new one.
    """
    global _current
    with _lock:
        realms = list(_realms.values())
        _realms.clear()
        _current = None
    for realm in realms:
        realm.close()


atexit.register(close_realms)


def _on_setting_changed(*, setting: str, **_: Any) -> None:
    global _current
    if setting == "REALMID":
        with _lock:
            _current = None


setting_changed.connect(_on_setting_changed)


# ---------------------------------------------------------------------- request / response


def view_of_request(request: Any, core: MiddlewareCore, mount: str | None = None) -> RequestView:
    """The sans-IO view of a Django ``HttpRequest`` (WSGI or ASGI).

    ``META`` is the WSGI environ under WSGI and Django's equivalent under ASGI; the scheme
    and host are Django's (``SECURE_PROXY_SSL_HEADER``, ``USE_X_FORWARDED_HOST``).
    """
    view = view_of_environ(request.META, core.options.csrf_header)
    try:
        host: str | None = request.get_host()
    except DisallowedHost:
        host = None  # Django refuses it anyway; the cross-site check then fails closed
    changes: dict[str, Any] = {"scheme": request.scheme, "host": host}
    if mount is not None:
        changes["mount"] = mount
    return attrs.evolve(view, **changes)


def _cookie(header: str) -> tuple[str, Morsel[str]]:
    """A ``Set-Cookie`` value of the core as a Morsel (Django sends cookies from those)."""
    first, *attributes = header.split("; ")
    name, _, value = first.partition("=")
    morsel: Morsel[str] = Morsel()
    morsel.set(name, value, value)  # the core admits RFC 6265 cookie-octets only
    path = ""
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        if key.lower() in ("secure", "httponly"):
            morsel[key.lower()] = True
        else:
            morsel[key.lower()] = val
            path = val if key.lower() == "path" else path
    return path, morsel


def response_of(reply: Reply) -> HttpResponse:
    """A Django ``HttpResponse`` for a core :class:`~realmid.middleware.core.Reply`."""
    response = HttpResponse(reply.body, status=reply.status)
    if not any(k == "content-type" for k, _ in reply.headers):
        del response.headers["Content-Type"]
    for key, value in reply.headers:
        if key == "set-cookie":
            path, morsel = _cookie(value)
            # One cookie per route path, same name: SimpleCookie is keyed by name, so the
            # second one gets a key of its own (Django sends every value it holds).
            slot = morsel.key if morsel.key not in response.cookies else f"{morsel.key} {path}"
            dict.__setitem__(response.cookies, slot, morsel)
        else:
            response.headers[key] = value
    if reply.status != 204:
        response.headers["Content-Length"] = str(len(reply.body))
    return response


def _body(request: Any, core: MiddlewareCore) -> bytes | Reply:
    limit = core.options.max_body_bytes
    try:
        length: int | None = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        length = None
    if core.body_too_large(length):
        return core.error_reply(
            RealmError(ErrorCode.BAD_REQUEST, f"request body larger than {limit} bytes", 400)
        )
    return bytes(request.read(limit + 1))


def _refusal(setup: _Setup, err: RealmError, request: Any) -> Any:
    reply = setup.core.error_reply(err)
    hook = setup.core.options.on_auth_failure
    if hook is not None:
        answer = hook(setup.core.hook_error(err, reply), request)
        if answer is not None:
            return answer
    return response_of(reply)


# ---------------------------------------------------------------------- the middleware


class RealmMiddleware:
    """Guards every request that is not exempt (see the module docstring).

    ``on_auth_failure(error, request)`` (a ``REALMID`` key) may return an ``HttpResponse``
    to send instead of the JSON envelope (an awaitable one on the async path), or None.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        self._setup = _setup()  # a configuration error stops the startup, not a request
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __repr__(self) -> str:
        return f"RealmMiddleware(realm={self._setup.realm!r})"

    def _decide(self, request: Any) -> Any:
        """The core's decision; the auth views mounted elsewhere pass unguarded."""
        decision = self._setup.core.decide(request.method or "GET", request.path_info)
        if request.method == "POST" and not isinstance(decision, Exempt | Handle):
            paths = [p for p in self._setup.core.options.routes().values() if p]
            if any(request.path_info.endswith(p) for p in paths):
                try:
                    match = resolve(request.path_info, getattr(request, "urlconf", None))
                except Resolver404:
                    return decision
                if getattr(match.func, "realmid_route", None) is not None:
                    return Exempt()  # the view answers it, with the same core
        return decision

    def __call__(self, request: Any) -> Any:
        if self._async:
            return self.__acall__(request)
        setup = self._setup
        decision = self._decide(request)
        if isinstance(decision, Exempt):
            if not hasattr(request, "user"):
                request.user = anonymous_user()
            return self.get_response(request)
        view = view_of_request(request, setup.core)
        if isinstance(decision, Handle):
            body = _body(request, setup.core)
            if isinstance(body, Reply):
                return response_of(body)
            return response_of(setup.flow.handle(decision.route, view, body))
        try:
            claims = setup.flow.authenticate(view, decision.mfa)
        except RealmError as err:
            return _refusal(setup, err, request)
        _attach(request, claims)
        return self.get_response(request)

    async def __acall__(self, request: Any) -> Any:
        setup = self._setup
        decision = self._decide(request)
        if isinstance(decision, Exempt):
            if not hasattr(request, "user"):
                request.user = anonymous_user()
            return await self.get_response(request)
        view = view_of_request(request, setup.core)
        if isinstance(decision, Handle):
            body = _body(request, setup.core)
            if isinstance(body, Reply):
                return response_of(body)
            handle = sync_to_async(setup.flow.handle, thread_sensitive=False)
            return response_of(await handle(decision.route, view, body))
        try:
            claims = await _authenticate_async(setup, view, decision.mfa, None)
        except RealmError as err:
            answer = _refusal(setup, err, request)
            return (await answer) if inspect.isawaitable(answer) else answer
        _attach(request, claims)
        return await self.get_response(request)


async def _authenticate_async(
    setup: _Setup, view: RequestView, requirement: MFARequirement | None, claims: Claims | None
) -> Claims:
    """``flow.authenticate`` off the event loop, unless it can finish with no I/O."""
    if claims is None:
        # A token that verifies from memory never leaves the loop (a thread hop would cost
        # more than the verify).
        local = setup.flow.authenticate_local(view.authorization, requirement)
        if local is not None:
            return local
    elif requirement is None or setup.core.mfa_reason(claims, requirement) is None:
        return claims
    run = sync_to_async(setup.flow.authenticate, thread_sensitive=False)
    result: Claims = await run(view, requirement, claims)
    return result


# ---------------------------------------------------------------------- @require_mfa


def _requirement(
    core: MiddlewareCore, max_age: float | timedelta | None, fresh: bool
) -> MFARequirement | None:
    rule = MFARule("/", max_age=max_age, require_fresh=fresh)
    return core.requirement_for(rule)


@overload
def require_mfa(view: F, /) -> F: ...
@overload
def require_mfa(
    *, max_age: float | timedelta | None = None, require_fresh: bool = False
) -> Callable[[F], F]: ...
def require_mfa(
    view: Any = None, /, *, max_age: float | timedelta | None = None, require_fresh: bool = False
) -> Any:
    """A view decorator: the request needs a second factor at most ``max_age`` old.

    ``max_age`` (seconds or a timedelta; None: ``mfa_default_max_age``), or
    ``require_fresh=True`` for the last 30 seconds. Sync and async views::

        @require_mfa(max_age=timedelta(minutes=5))
        def pay(request): ...

        @require_mfa
        async def export(request): ...

    A failure is the middleware's answer: 412 ``mfa_required`` with a pre-minted challenge
    (or 401 when the request has no valid bearer). The claims the middleware verified are
    reused; without the middleware the decorator verifies the bearer itself.
    """
    MFARule("/", max_age=max_age, require_fresh=require_fresh)  # a bad value fails at import

    def decorate(function: F) -> F:
        if iscoroutinefunction(function):

            @functools.wraps(function)
            async def guarded_async(request: Any, *args: Any, **kwargs: Any) -> Any:
                setup = _setup()
                requirement = _requirement(setup.core, max_age, require_fresh)
                view = view_of_request(request, setup.core)
                try:
                    claims = await _authenticate_async(
                        setup, view, requirement, claims_from(request)
                    )
                except RealmError as err:
                    return response_of(setup.core.error_reply(err))
                _attach(request, claims)
                return await function(request, *args, **kwargs)

            return guarded_async  # type: ignore[return-value]

        @functools.wraps(function)
        def guarded(request: Any, *args: Any, **kwargs: Any) -> Any:
            setup = _setup()
            requirement = _requirement(setup.core, max_age, require_fresh)
            view = view_of_request(request, setup.core)
            try:
                claims = setup.flow.authenticate(view, requirement, claims_from(request))
            except RealmError as err:
                return response_of(setup.core.error_reply(err))
            _attach(request, claims)
            return function(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate(view) if view is not None else decorate


# ---------------------------------------------------------------------- the auth views


def _route_view(route: Route) -> Callable[..., Any]:
    """The view of one handled route: the middleware's own answer, wherever it is mounted.

    The refresh cookie's ``Path`` follows the mount: under ``path("auth/", ...)`` the
    cookie goes to ``/auth/token`` and ``/auth/logout``.
    """

    def answer(request: Any) -> HttpResponse:
        setup = _setup()
        core = setup.core
        if request.method != "POST":
            response = response_of(
                core.error_reply(RealmError(ErrorCode.BAD_REQUEST, "use POST", 405))
            )
            response.headers["Allow"] = "POST"
            return response
        own = core.options.routes()[str(route)] or ""
        prefix = request.path_info[: -len(own)] if request.path_info.endswith(own) else ""
        view = view_of_request(request, core, mount=request.META.get("SCRIPT_NAME", "") + prefix)
        body = _body(request, core)
        if isinstance(body, Reply):
            return response_of(body)
        return response_of(setup.flow.handle(route, view, body))

    answer.__name__ = answer.__qualname__ = f"realmid_{route}"
    answer.realmid_route = route  # type: ignore[attr-defined]
    # The core runs its own cross-site check (Origin, Sec-Fetch-Site, JSON / CSRF header).
    return csrf_exempt(answer)  # type: ignore[no-any-return]


_VIEWS = {route: _route_view(route) for route in Route}


def auth_urls() -> list[URLPattern]:
    """The login / logout / refresh / MFA-verify views at the options' paths.

    ``path("", include(auth_urls()))`` serves them where the middleware would;
    ``path("auth/", include(auth_urls()))`` under ``/auth/`` (the middleware lets them
    through). URL names: ``realmid-login``, ``realmid-logout``, ``realmid-refresh``,
    ``realmid-mfa-verify``.
    """
    options = _options(getattr(settings, "REALMID", None) or {})
    patterns = []
    for name, route_path in options.routes().items():
        if route_path is not None:
            view = _VIEWS[Route(name)]
            patterns.append(
                path(route_path.lstrip("/"), view, name=f"realmid-{name}".replace("_", "-"))
            )
    return patterns


# ---------------------------------------------------------------------- DRF, lazily


def __getattr__(name: str) -> Any:
    if name in ("RealmAuthentication", "MFAFresh", "mfa_fresh"):
        from realmid.middleware import drf

        return getattr(drf, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
