"""The middleware's configuration (SPEC §10): :class:`MiddlewareOptions` and :class:`MFARule`.

Both are frozen and checked when constructed: a bad value (or a value of the wrong type)
is a :class:`~realmid.BadRequestError` (a RealmError and a ValueError) at startup, never a
surprise on the first request.

Path patterns ("globs") are matched against the request path, whole:

- ``*`` matches within one segment (no ``/``), ``?`` one character of a segment;
- ``**`` matches anything, ``/`` included (``/public/**`` covers ``/public/css/a.css``);
- every other character is literal.

``/public/*`` (a default exempt glob) therefore covers ``/public/logo.png`` but not
``/public/css/a.css``, as Go's ``path.Match`` does; write ``/public/**`` for a tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from enum import StrEnum
from typing import Any

import attrs

from realmid._inputs import duration
from realmid.errors import BadRequestError
from realmid.middleware.paths import compile_globs

__all__ = [
    "DEFAULT_COOKIE_MAX_AGE",
    "DEFAULT_CSRF_HEADER",
    "DEFAULT_EXEMPT_PATHS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MFA_MAX_AGE",
    "FRESH_WINDOW",
    "MFAGateReason",
    "MFARule",
    "MiddlewareOptions",
    "normalize_origin",
]

DEFAULT_EXEMPT_PATHS = ("/health", "/public/*")
DEFAULT_MFA_MAX_AGE = timedelta(minutes=15)
#: ``require_fresh``: the MFA must be at most this old (the reference's "~30s").
FRESH_WINDOW = timedelta(seconds=30)
DEFAULT_MAX_BODY_BYTES = 16 * 1024
#: The refresh cookie's lifetime. The issuer refuses a refresh token past its own expiry
#: whatever the cookie says; the middleware then clears the cookie.
DEFAULT_COOKIE_MAX_AGE = timedelta(days=30)

#: The request header that, like ``Content-Type: application/json``, a cross-site page
#: cannot send without a CORS preflight: either one admits a request to the cookie routes.
DEFAULT_CSRF_HEADER = "X-Requested-With"

TOKEN_DELIVERIES = ("cookie", "body")
SAMESITE_VALUES = ("lax", "strict", "none")

# RFC 6265 cookie-name (an RFC 7230 token) and a conservative domain.
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_COOKIE_DOMAIN = re.compile(r"\.?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*")
# A path or glob: starts with "/", printable ASCII without space, ';' or ','.
_PATH = re.compile(r"/[\x21-\x2b\x2d-\x3a\x3c-\x7e]*")
_GLOB_CHARS = frozenset("*?")
# An origin's host: a DNS name / IPv4 address, or a bracketed IPv6 address; then a port.
_ORIGIN_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Header names a browser sets itself, or lets any page set on a cross-site request without
# a preflight (the CORS-safelisted ones): such a header proves nothing about the sender.
_NOT_A_CSRF_HEADER = frozenset(
    {
        "accept",
        "accept-charset",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-language",
        "content-length",
        "content-type",
        "cookie",
        "dnt",
        "host",
        "origin",
        "pragma",
        "priority",
        "range",
        "referer",
        "te",
        "upgrade-insecure-requests",
        "user-agent",
    }
)


class MFAGateReason(StrEnum):
    """The ``reason`` of a 412 ``mfa_required`` answer (the reference's ``MFAGateReason``)."""

    NO_MFA = "no_mfa"  # the token shows no second factor at all
    STALE_MFA = "stale_mfa"  # mfa_at older than the rule's max_age
    FRESH_REQUIRED = "fresh_required"  # require_fresh: mfa_at older than FRESH_WINDOW


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` in its canonical form, or None when ``value`` is not one.

    Scheme and host are lower-cased and a default port (``:80`` / ``:443``) is dropped, so
    ``HTTPS://App.Example:443`` and ``https://app.example`` compare equal. Only ``http`` and
    ``https`` origins exist here; ``null``, a path, a query, user info or a bad port is None.
    """
    scheme, sep, authority = value.strip().partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        return None
    return _authority(scheme, authority)


def request_origin(scheme: str | None, host: str | None) -> str | None:
    """The origin of a request from its scheme and ``Host`` (None when either is unusable)."""
    scheme = (scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return _authority(scheme, host.strip())


def _authority(scheme: str, authority: str) -> str | None:
    authority = authority.lower()
    host, port = authority, ""
    colon = authority.rfind(":")
    if colon > authority.rfind("]"):
        host, port = authority[:colon], authority[colon + 1 :]
        if not port.isascii() or not port.isdigit() or len(port) > 5 or not 0 < int(port) < 65536:
            return None
        port = str(int(port))
    if not _ORIGIN_HOST.fullmatch(host):
        return None
    if port and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def check_glob(value: object, name: str = "path") -> str:
    if not isinstance(value, str):
        raise BadRequestError(f"{name} must be a string, not {type(value).__name__}")
    if not _PATH.fullmatch(value):
        raise BadRequestError(
            f"{name} must start with '/' and hold printable ASCII without spaces, ';' or ','"
            f" (got {value!r})"
        )
    return value


def is_glob(pattern: str) -> bool:
    return not _GLOB_CHARS.isdisjoint(pattern)


def seconds_of(value: object, name: str) -> float:
    """A duration (``timedelta`` or seconds) as finite float seconds; negative allowed (the
    reference reads a negative max-age as zero)."""
    return duration(value, name, allow_negative=True)


def _boolean(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # Exactly a bool: "yes" or 1 would be truthy, and a typo must not flip a security flag.
    if not isinstance(value, bool):
        raise BadRequestError(f"{attribute.name} must be True or False, not {type(value).__name__}")


def _rule_max_age(value: object) -> timedelta | None:
    # The reference: zero means "use the realm-default window"; negative is treated as zero.
    if value is None:
        return None
    seconds = seconds_of(value, "max_age")
    return timedelta(seconds=seconds) if seconds > 0 else None


@attrs.frozen
class MFARule:
    """One MFA-protected path and its freshness policy (SPEC §10.4).

    ``path`` may be a glob. ``max_age``: accept a token whose ``mfa_at`` is at most that old;
    None, zero or negative means the options' ``mfa_default_max_age``. ``require_fresh``:
    ``mfa_at`` within :data:`FRESH_WINDOW` (30 s), for irreversible operations::

        MFARule("/billing/**")                              # realm default, 15 min
        MFARule("/reports/*", max_age=timedelta(hours=1))
        MFARule("/account/delete", require_fresh=True)

    A bare string in ``MiddlewareOptions.mfa_protected_paths`` is ``MFARule(path)``.

    Tokens from issuers that predate ``mfa_at`` (``amr`` contains ``"mfa"``, or ``acr`` is
    ``aal2``/``aal3``, but no ``mfa_at``) pass a plain rule: they prove a second factor,
    just not when. They never pass ``require_fresh``, which has no way to prove freshness.
    """

    path: str = attrs.field(validator=lambda _, __, value: check_glob(value))
    max_age: timedelta | None = attrs.field(default=None, converter=_rule_max_age, kw_only=True)
    require_fresh: bool = attrs.field(default=False, validator=_boolean, kw_only=True)


def _rules(value: object) -> tuple[MFARule, ...]:
    if isinstance(value, str | MFARule):
        value = (value,)
    if not isinstance(value, Iterable):
        raise BadRequestError("mfa_protected_paths must be a sequence of paths or MFARule")
    rules = []
    for item in value:
        if isinstance(item, str):
            rules.append(MFARule(item))
        elif isinstance(item, MFARule):
            rules.append(item)
        else:
            raise BadRequestError(
                f"mfa_protected_paths entries are paths or MFARule, not {type(item).__name__}"
            )
    return tuple(rules)


def _globs(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        raise BadRequestError("exempt_paths must be a sequence of globs, not one string")
    if not isinstance(value, Iterable):
        raise BadRequestError("exempt_paths must be a sequence of globs")
    return tuple(check_glob(item, "exempt_paths entry") for item in value)


def _route(value: object) -> str | None:
    if value is None or value == "":
        return None  # "" or None disables the route (the reference: empty string)
    path = check_glob(value, "route path")
    if is_glob(path):
        raise BadRequestError(f"a handled route is one exact path, not a glob (got {path!r})")
    return path


def _mfa_default_max_age(value: object) -> timedelta:
    seconds = seconds_of(value, "mfa_default_max_age")
    if seconds <= 0:
        raise BadRequestError("mfa_default_max_age must be positive")
    return timedelta(seconds=seconds)


def _cookie_max_age(value: object) -> timedelta | None:
    if value is None:
        return None  # a session cookie: gone when the browser closes
    seconds = seconds_of(value, "cookie_max_age")
    if seconds <= 0:
        raise BadRequestError("cookie_max_age must be positive (or None for a session cookie)")
    return timedelta(seconds=seconds)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.lower() not in allowed:
        raise BadRequestError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value.lower()


def _token_delivery(value: object) -> str:
    return _choice("token_delivery", value, TOKEN_DELIVERIES)


def _samesite(value: object) -> str:
    return _choice("cookie_samesite", value, SAMESITE_VALUES)


def _cookie_name(_: Any, __: Any, value: Any) -> None:
    if not isinstance(value, str) or not _COOKIE_NAME.fullmatch(value):
        raise BadRequestError(f"cookie_name must be a cookie token (got {value!r})")
    if value.startswith("__Host-"):
        # __Host- cookies must have Path=/; the refresh cookie is scoped to its routes.
        raise BadRequestError(
            "cookie_name cannot use the __Host- prefix (the cookie's Path is scoped)"
        )


def _cookie_domain(_: Any, __: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not _COOKIE_DOMAIN.fullmatch(value)):
        raise BadRequestError(f"cookie_domain must be a host name (got {value!r})")


def _max_body(_: Any, __: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 1 << 20:
        raise BadRequestError("max_body_bytes must be an integer in 1..1048576")


def _trusted_origins(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        raise BadRequestError("trusted_origins must be a sequence of origins, not one string")
    if not isinstance(value, Iterable):
        raise BadRequestError("trusted_origins must be a sequence of origins")
    origins = []
    for item in value:
        origin = normalize_origin(item) if isinstance(item, str) else None
        if origin is None:
            raise BadRequestError(
                "trusted_origins entries are origins, 'https://host[:port]' without a path"
                f" or a wildcard (got {item!r})"
            )
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def _csrf_header(value: object) -> str | None:
    if value is None or value == "":
        return None  # only Content-Type: application/json admits a request
    if not isinstance(value, str) or not _COOKIE_NAME.fullmatch(value):
        raise BadRequestError(f"csrf_header must be a header name (got {value!r})")
    name = value.lower()
    if name in _NOT_A_CSRF_HEADER or name.startswith(("sec-", "proxy-", "access-control-")):
        raise BadRequestError(
            f"csrf_header {value!r} is one a browser sends by itself or lets any page send"
            " cross-site; pick a custom one such as X-Requested-With"
        )
    return name


def _hook(_: Any, __: Any, value: Any) -> None:
    if value is not None and not callable(value):
        raise BadRequestError("on_auth_failure must be callable (or None)")


@attrs.frozen(kw_only=True)
class MiddlewareOptions:
    """Configures ``realm.asgi_middleware`` / ``realm.wsgi_middleware`` (SPEC §10).

    Every request is, in this order:

    1. a POST to one of the handled routes (``login_path`` ..., exact paths): answered by
       the middleware itself;
    2. on an ``exempt_paths`` glob: passed to the app untouched;
    3. anything else: guarded. It needs ``Authorization: Bearer <access token>``, verified
       with ``realm.verify`` (signature, issuer, audience, times, revocation cache); on an
       ``mfa_protected_paths`` rule it also needs a fresh enough MFA. The verified
       :class:`~realmid.Claims` reach the app (``realmid.claims_from(request)``).

    ``token_delivery``: ``"cookie"`` (default) keeps the refresh token in an HttpOnly cookie
    scoped to the refresh and logout routes; ``"body"`` returns it in the JSON answers and
    reads it from the request bodies.

    Cross-site request forgery (``csrf_protection``, on by default). The refresh cookie is
    a credential the browser attaches by itself, so a POST to a route that reads or sets
    it is answered only when the browser shows it came from the app:

    - its ``Origin`` is the app's own (the request's scheme and ``Host``, as the server
      sees them: behind a TLS-terminating proxy, let the server trust the proxy's
      forwarded headers, e.g. ``uvicorn --proxy-headers`` or werkzeug's ``ProxyFix``) or
      one of ``trusted_origins`` (exact ``https://host[:port]`` entries, no wildcards);
      without ``Origin``, ``Sec-Fetch-Site`` must be ``same-origin``; a request with
      neither (not a browser, or a very old one) relies on the next check alone;
    - and it is ``Content-Type: application/json`` (or ``*/*+json``) or carries the
      ``csrf_header`` (``X-Requested-With`` by default, any value; None: JSON only). A
      cross-site page can send neither without a CORS preflight.

    A refusal is a 403 ``forbidden`` envelope with a ``reason`` (``cross_site_origin``,
    ``cross_site_fetch`` or ``csrf_header_missing``); the cookie is left as it is. The
    checked requests: with ``token_delivery="cookie"``, every handled route (login and MFA
    verify set the cookie, refresh reads and rotates it, logout reads and clears it); with
    ``"body"``, refresh and logout when the request carries the cookie anyway. A request
    whose refresh token travels in its JSON body, with no cookie, is not checked: a
    forged request has nothing to ride on, since the sender must already hold the token
    (and bearer tokens are never attached by the browser). ``cookie_samesite="none"``,
    which has the browser send the cookie on cross-site requests, needs
    ``csrf_protection=True``.

    ``on_auth_failure(error, scope_or_environ)`` may answer a guard failure (401, 412)
    instead of the default JSON envelope: return an ASGI app (e.g. a Starlette
    ``Response``) from the ASGI middleware, a WSGI app (e.g. a Flask/Werkzeug
    ``Response``) from the WSGI one, or None for the default. On the ASGI middleware it may
    be a coroutine function. ``error`` is the :class:`~realmid.RealmError`: its ``code``,
    ``http_status`` (401 or 412) and ``details`` (``reason``, ``mfa_challenge_token``,
    ``methods``, ``revoked``).

    With OpenTelemetry (``docs/observability.md``) the guard puts its decision on the
    request's current span (``realmid.decision``: ``ok`` or the failure code) and counts it
    (``realmid.middleware.decisions``). ``telemetry_user_attributes=True`` also puts the
    user's ``sub`` (``enduser.id``) and ``tenant_id`` (``realmid.tenant_id``) on that span:
    personal data, so off by default.
    """

    exempt_paths: tuple[str, ...] = attrs.field(default=DEFAULT_EXEMPT_PATHS, converter=_globs)
    mfa_protected_paths: tuple[MFARule, ...] = attrs.field(default=(), converter=_rules)
    mfa_default_max_age: timedelta = attrs.field(
        default=DEFAULT_MFA_MAX_AGE, converter=_mfa_default_max_age
    )
    login_path: str | None = attrs.field(default="/login", converter=_route)
    logout_path: str | None = attrs.field(default="/logout", converter=_route)
    refresh_path: str | None = attrs.field(default="/token", converter=_route)
    mfa_verify_path: str | None = attrs.field(default="/mfa/verify", converter=_route)
    token_delivery: str = attrs.field(default="cookie", converter=_token_delivery)
    cookie_name: str = attrs.field(default="realmid_refresh", validator=_cookie_name)
    cookie_domain: str | None = attrs.field(default=None, validator=_cookie_domain)
    cookie_secure: bool = attrs.field(default=True, validator=_boolean)
    cookie_samesite: str = attrs.field(default="lax", converter=_samesite)
    cookie_max_age: timedelta | None = attrs.field(
        default=DEFAULT_COOKIE_MAX_AGE, converter=_cookie_max_age
    )
    max_body_bytes: int = attrs.field(default=DEFAULT_MAX_BODY_BYTES, validator=_max_body)
    csrf_protection: bool = attrs.field(default=True, validator=_boolean)
    trusted_origins: tuple[str, ...] = attrs.field(default=(), converter=_trusted_origins)
    csrf_header: str | None = attrs.field(default=DEFAULT_CSRF_HEADER, converter=_csrf_header)
    on_auth_failure: Callable[..., Any] | None = attrs.field(
        default=None, validator=_hook, eq=False
    )
    telemetry_user_attributes: bool = attrs.field(default=False, validator=_boolean)

    def __attrs_post_init__(self) -> None:
        routes = [p for p in self.routes().values() if p is not None]
        if len(set(routes)) != len(routes):
            raise BadRequestError("login, logout, refresh and MFA-verify paths must differ")
        if self.cookie_samesite == "none" and not self.cookie_secure:
            raise BadRequestError(
                "cookie_samesite='none' needs cookie_secure=True (browsers insist)"
            )
        if self.cookie_samesite == "none" and not self.csrf_protection:
            raise BadRequestError(
                "cookie_samesite='none' needs csrf_protection=True: the browser then sends"
                " the refresh cookie on requests from any site"
            )
        if self.cookie_name.startswith("__Secure-") and not self.cookie_secure:
            raise BadRequestError("a __Secure- cookie_name needs cookie_secure=True")
        if self.token_delivery == "cookie":  # noqa: S105 (a mode, not a secret)
            setters = self.login_path or self.mfa_verify_path
            if setters and not (self.refresh_path or self.logout_path):
                raise BadRequestError(
                    "token_delivery='cookie' needs refresh_path or logout_path: the refresh"
                    " cookie is scoped to them, and nothing else could read it"
                )
        # A rule on a literal path that an exempt glob covers could never apply.
        exempt = compile_globs(self.exempt_paths)
        for rule in self.mfa_protected_paths:
            if not is_glob(rule.path) and exempt(rule.path):
                raise BadRequestError(f"MFA-protected path {rule.path!r} is also exempt")

    def routes(self) -> dict[str, str | None]:
        """The handled routes by name: ``login``, ``logout``, ``refresh``, ``mfa_verify``."""
        return {
            "login": self.login_path,
            "logout": self.logout_path,
            "refresh": self.refresh_path,
            "mfa_verify": self.mfa_verify_path,
        }
