"""The middleware's sans-IO core (SPEC §10): every decision, no I/O.

The I/O sequence (verify, mint a challenge, call the issuer) is written once, as async, in
``realmid/middleware/_async/flow.py``, with a generated sync twin; the ASGI and WSGI
adapters (``realmid.middleware.asgi`` / ``.wsgi``) move bytes. Everything they decide with
is here:

- :meth:`MiddlewareCore.decide`: is a request exempt, one of the handled routes, or
  guarded (and with which MFA requirement);
- :meth:`MiddlewareCore.bearer`: the access token out of ``Authorization``;
- :func:`mfa_reason`: whether verified claims meet an MFA requirement, and why not;
- :meth:`MiddlewareCore.check_cross_site`: whether a cookie route request came from the
  app's own pages (``Origin`` / ``Sec-Fetch-Site``, and JSON or the CSRF header);
- :meth:`MiddlewareCore.parse_body`: the handled routes' JSON bodies, bounded and checked;
- the answers: JSON bodies, the error envelope, the refresh cookie's ``Set-Cookie``.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from http import HTTPStatus
from typing import Any

import attrs

from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.middleware.options import (
    FRESH_WINDOW,
    MFAGateReason,
    MFARule,
    MiddlewareOptions,
    normalize_origin,
    request_origin,
)
from realmid.middleware.paths import compile_globs, is_canonical, normalize
from realmid.models import MFAChallenge, MintResult, Session, UserSummary
from realmid.verify import DEFAULT_LEEWAY, Claims

__all__ = [
    "EXEMPT",
    "CrossSiteReason",
    "Decision",
    "Exempt",
    "Guard",
    "Handle",
    "MFARequirement",
    "MiddlewareCore",
    "Reply",
    "RequestView",
    "Route",
    "envelope",
    "mfa_reason",
    "status_for",
]

# The verifier's codes (SPEC §3.1): a token the client sent did not verify → 401.
_TOKEN_CODES = frozenset(
    {
        ErrorCode.MALFORMED,
        ErrorCode.WRONG_ALGORITHM,
        ErrorCode.BAD_SIGNATURE,
        ErrorCode.WRONG_ISSUER,
        ErrorCode.WRONG_AUDIENCE,
        ErrorCode.EXPIRED,
        ErrorCode.NOT_YET_VALID,
        ErrorCode.UNKNOWN_KID,
        ErrorCode.UNAUTHORIZED,
    }
)
# The issuer or its keys could not be reached: retry later, the token may be fine.
_UNAVAILABLE_CODES = frozenset({ErrorCode.NETWORK, ErrorCode.JWKS_FETCH_FAILED})
# Envelope siblings never echoed to a client (the 412's own challenge token is added
# explicitly by the core, not copied from an upstream error).
_NEVER_ECHOED = frozenset({"access_token", "refresh_token", "value", "api_key", "secret"})
# acr values that assert a second factor (NIST 800-63 AAL2/AAL3).
_MFA_ACR = frozenset({"aal2", "aal3"})
_JSON_TYPES = ("application/json",)
MISSING_BEARER = "missing bearer token"
LOGIN_METHODS = ("firebase", "google")


class Route(StrEnum):
    """The routes the middleware answers itself (POST only)."""

    LOGIN = "login"
    LOGOUT = "logout"
    REFRESH = "refresh"
    MFA_VERIFY = "mfa_verify"


@attrs.frozen
class MFARequirement:
    """What the MFA rules matching a path demand, combined (the strictest wins)."""

    max_age: float  # seconds
    require_fresh: bool


@attrs.frozen
class Exempt:
    """Pass the request to the app untouched."""


@attrs.frozen
class Handle:
    """The middleware answers the request itself."""

    route: Route


@attrs.frozen
class Guard:
    """Verify the bearer; with ``mfa``, also check the MFA freshness."""

    mfa: MFARequirement | None = None


Decision = Exempt | Handle | Guard
EXEMPT = Exempt()
_GUARD = Guard()
_DECISION_MEMO_MAX = 1024
_MEMO_KEY_MAX = 256


@attrs.frozen
class RequestView:
    """What the core and the flow need of a request, whatever the server interface.

    ``path`` is relative to the mount point ``mount`` (ASGI ``root_path``, WSGI
    ``SCRIPT_NAME``), which prefixes the refresh cookie's ``Path``. ``scheme`` and ``host``
    (the ``Host`` header) make the request's own origin; ``origin``, ``sec_fetch_site``
    and ``csrf_header`` (the value of the options' ``csrf_header``, None when absent) are
    what the cross-site check reads.
    """

    method: str
    path: str
    mount: str = ""
    authorization: str | None = attrs.field(default=None, repr=False)
    cookie: str | None = attrs.field(default=None, repr=False)
    content_type: str | None = None
    client_ip: str | None = None
    scheme: str | None = None
    host: str | None = None
    origin: str | None = None
    sec_fetch_site: str | None = None
    csrf_header: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class Reply:
    """An answer the middleware sends itself: status, headers, body bytes."""

    status: int
    # Values and body hold tokens (Set-Cookie, the JSON): the repr shows header names only.
    headers: tuple[tuple[str, str], ...] = attrs.field(repr=lambda h: repr([k for k, _ in h]))
    body: bytes = attrs.field(repr=False)

    @property
    def status_line(self) -> str:
        """``"401 Unauthorized"``, for WSGI's ``start_response``."""
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = ""
        return f"{self.status} {phrase}".rstrip()

    def json(self) -> Any:
        """The body decoded (tests and hooks); None for an empty body."""
        return json.loads(self.body) if self.body else None


def mfa_reason(
    claims: Claims, requirement: MFARequirement, now: float, leeway: float = DEFAULT_LEEWAY
) -> MFAGateReason | None:
    """None when ``claims`` meet ``requirement`` at ``now``, else why not.

    With ``mfa_at``: its age against :data:`~realmid.middleware.options.FRESH_WINDOW`
    (``require_fresh``) or the rule's ``max_age``. Without it, a token whose ``amr`` holds
    ``"mfa"`` or whose ``acr`` is ``aal2``/``aal3`` (an issuer that predates ``mfa_at``)
    passes a plain rule and fails ``require_fresh``; any other token has ``no_mfa``.

    An ``mfa_at`` later than ``now + leeway`` (the verifier's clock-skew allowance) is no
    proof at all: ``no_mfa``, whatever ``amr``/``acr`` say. A second factor that has not
    happened yet cannot be placed in time, so it is neither fresh nor merely stale (which
    would say a factor was once proven), and the same answer on plain and
    ``require_fresh`` rules keeps a forward-dated ``mfa_at`` from ever passing a gate.
    Within the leeway it counts as just done.
    """
    if claims.mfa_at > 0:
        if claims.mfa_at > now + leeway:
            return MFAGateReason.NO_MFA
        age = max(0.0, now - claims.mfa_at)
        if requirement.require_fresh:
            return None if age <= FRESH_WINDOW.total_seconds() else MFAGateReason.FRESH_REQUIRED
        return None if age <= requirement.max_age else MFAGateReason.STALE_MFA
    if "mfa" not in claims.amr and claims.acr.lower() not in _MFA_ACR:
        return MFAGateReason.NO_MFA
    return MFAGateReason.FRESH_REQUIRED if requirement.require_fresh else None


def status_for(err: RealmError) -> int:
    """The HTTP status the middleware answers ``err`` with."""
    code = err.code
    if code == ErrorCode.MFA_REQUIRED:
        return 412
    status = err.http_status
    if 400 <= status < 500:
        return status  # the issuer's answer to the client's input, passed through
    if status >= 500:
        return 502  # the issuer failed: a gateway error, not ours
    if code in _TOKEN_CODES:
        return 401
    if code in _UNAVAILABLE_CODES:
        return 503
    if code == ErrorCode.BAD_REQUEST:
        return 400
    if code == ErrorCode.FORBIDDEN:
        return 403
    if code == ErrorCode.RATE_LIMITED:
        return 429
    return 503 if code == ErrorCode.SERVER_ERROR else 500


def envelope(err: RealmError) -> dict[str, Any]:
    """The error envelope: ``{"code", "message", ...details}``, credentials left out."""
    body: dict[str, Any] = {"code": str(err.code), "message": err.message}
    for key, value in err.details.items():
        if key not in body and key not in _NEVER_ECHOED and key != "mfa_challenge_token":
            body[key] = value
    return body


def _json_bytes(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), default=str).encode()


def _bad_request(message: str) -> RealmError:
    return RealmError(ErrorCode.BAD_REQUEST, message, 400)


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in _JSON_TYPES or media.endswith("+json")


class CrossSiteReason(StrEnum):
    """The ``reason`` of a 403 ``forbidden`` answer from the cross-site check."""

    CROSS_SITE_ORIGIN = "cross_site_origin"  # Origin neither the app's nor trusted
    CROSS_SITE_FETCH = "cross_site_fetch"  # no Origin; Sec-Fetch-Site not same-origin
    CSRF_HEADER_MISSING = "csrf_header_missing"  # neither JSON nor the CSRF header


def _forbidden(reason: CrossSiteReason, message: str) -> RealmError:
    return RealmError(ErrorCode.FORBIDDEN, message, 403, {"reason": str(reason)})


def parse_cookie(header: str | None, name: str) -> str | None:
    """The first value of cookie ``name`` in a ``Cookie`` header (None when absent/empty)."""
    if not header:
        return None
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value or None
    return None


class MiddlewareCore:
    """The decisions and answers of one configured middleware (no I/O).

    ``clock`` gives unix seconds for the MFA freshness check, ``leeway`` the seconds an
    ``mfa_at`` may lie in the future (clock skew); the middleware passes the realm's, so a
    test clock moves the verifier and the gate together.
    """

    def __init__(
        self,
        options: MiddlewareOptions | None = None,
        clock: Callable[[], float] | None = None,
        leeway: float = DEFAULT_LEEWAY,
    ) -> None:
        if options is not None and not isinstance(options, MiddlewareOptions):
            raise BadRequestError("options must be a realmid.middleware.MiddlewareOptions")
        self.options = options = options or MiddlewareOptions()
        self.clock: Callable[[], float] = clock or time.time
        self.leeway = float(leeway)
        # (method, path) -> its decision, filled by decide(). Adapters read it directly on
        # the hot path (a frame less per request); decide() replaces, never clears, it.
        self.decisions: dict[tuple[str, str], Decision] = {}
        self._routes: dict[str, Route] = {
            path: Route(name) for name, path in options.routes().items() if path is not None
        }
        self._exempt = compile_globs(options.exempt_paths)
        default_age = options.mfa_default_max_age.total_seconds()
        self._rules = [
            (
                compile_globs([rule.path]),
                rule.max_age.total_seconds() if rule.max_age else default_age,
                rule.require_fresh,
            )
            for rule in options.mfa_protected_paths
        ]
        self.default_requirement = MFARequirement(default_age, False)
        self._cookie_mode = options.token_delivery == "cookie"  # noqa: S105
        # The routes that read the refresh cookie; it is sent to them only.
        self._cookie_paths = tuple(
            p for p in (options.refresh_path, options.logout_path) if p is not None
        )
        attributes = []
        if options.cookie_domain:
            attributes.append(f"Domain={options.cookie_domain}")
        if options.cookie_secure:
            attributes.append("Secure")
        attributes.append("HttpOnly")
        attributes.append(f"SameSite={options.cookie_samesite.capitalize()}")
        self._cookie_attributes = "; ".join(attributes)
        max_age = options.cookie_max_age
        self._cookie_lifetime = (
            f"; Max-Age={int(max_age.total_seconds())}" if max_age is not None else ""
        )

    # ------------------------------------------------------------------ routing

    def decide(self, method: str, path: str) -> Decision:
        """What to do with ``method path`` (``path`` relative to the mount point)."""
        # An app serves few distinct paths, and a decision depends on nothing else: each is
        # worked out once. A client sending endless distinct paths fills the memo, which
        # then starts over; long paths are not kept: it holds at most 1024 x 256 chars.
        key = (method, path)
        decision = self.decisions.get(key)
        if decision is None:
            decision = self._decide(method, path)
            if len(path) + len(method) <= _MEMO_KEY_MAX:
                decisions = self.decisions
                if len(decisions) >= _DECISION_MEMO_MAX:
                    self.decisions = decisions = {}  # a new dict: readers keep the old one
                decisions[key] = decision
        return decision

    def _decide(self, method: str, path: str) -> Decision:
        canonical = is_canonical(path)
        if canonical:
            if method == "POST":
                route = self._routes.get(path)
                if route is not None:
                    return Handle(route)
            if self._exempt(path):
                return EXEMPT
        if not self._rules:
            return _GUARD
        target = path if canonical and (path == "/" or not path.endswith("/")) else normalize(path)
        max_age: float | None = None
        fresh = False
        for match, age, require_fresh in self._rules:
            if match(target):
                max_age = age if max_age is None else min(max_age, age)
                fresh = fresh or require_fresh
        if max_age is None:
            return _GUARD
        return Guard(MFARequirement(max_age, fresh))

    def requirement_for(self, mfa: MFARule | bool | None) -> MFARequirement | None:
        """The requirement of an explicit rule (FastAPI dependency); its path is not used."""
        if mfa is None or mfa is False:
            return None
        if mfa is True:
            return self.default_requirement
        if not isinstance(mfa, MFARule):
            raise BadRequestError("mfa must be an MFARule, True, or None")
        age = mfa.max_age.total_seconds() if mfa.max_age else self.default_requirement.max_age
        return MFARequirement(age, mfa.require_fresh)

    # ------------------------------------------------------------------ the guard

    @staticmethod
    def bearer(authorization: str | None) -> str:
        """The token of ``Authorization: Bearer <token>``.

        No header: ``unauthorized``. Another scheme, no token, or more than one: ``malformed``.
        """
        if authorization is None or not authorization.strip():
            raise RealmError(ErrorCode.UNAUTHORIZED, MISSING_BEARER)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token or "\t" in token:
            raise RealmError(ErrorCode.MALFORMED, "Authorization must be 'Bearer <access token>'")
        return token

    def now(self) -> float:
        return self.clock()

    def mfa_reason(self, claims: Claims, requirement: MFARequirement) -> MFAGateReason | None:
        """:func:`mfa_reason` at this core's clock and leeway."""
        return mfa_reason(claims, requirement, self.now(), self.leeway)

    def mfa_error(
        self, reason: MFAGateReason, requirement: MFARequirement, challenge: MFAChallenge
    ) -> RealmError:
        """The 412 ``mfa_required`` error, with the pre-minted challenge when there is one."""
        if reason is MFAGateReason.NO_MFA:
            message = "this route requires multi-factor authentication"
        elif reason is MFAGateReason.STALE_MFA:
            message = (
                "the last multi-factor authentication is older than "
                f"{int(requirement.max_age)} seconds"
            )
        else:
            message = (
                "this route requires a multi-factor authentication in the last "
                f"{int(FRESH_WINDOW.total_seconds())} seconds"
            )
        details: dict[str, Any] = {"reason": str(reason)}
        if challenge.available:
            details["mfa_challenge_token"] = challenge.mfa_challenge_token
            details["methods"] = list(challenge.methods or ())
        return RealmError(ErrorCode.MFA_REQUIRED, message, 412, details)

    # ------------------------------------------------------------------ handled routes

    def cross_site_checked(self, route: Route, view: RequestView) -> bool:
        """Whether ``check_cross_site`` applies: the request reads or sets the cookie.

        Cookie mode: every handled route (login and MFA verify set the cookie, refresh
        rotates it, logout clears it). Body mode: refresh and logout when the request
        carries the cookie anyway (they read it when the body has no token). A request
        whose refresh token is in its body and that carries no cookie is not checked:
        nothing ambient rides on it, and its sender already holds the token.
        """
        if not self.options.csrf_protection:
            return False
        if self._cookie_mode:
            return True
        if route is not Route.REFRESH and route is not Route.LOGOUT:
            return False
        return parse_cookie(view.cookie, self.options.cookie_name) is not None

    def check_cross_site(self, route: Route, view: RequestView) -> None:
        """Refuse (403 ``forbidden``) a cookie route request a browser did not send from
        the app's own pages (see ``MiddlewareOptions``); no-op when not checked.

        ``Origin`` must be the request's own origin or a trusted one; without ``Origin``,
        ``Sec-Fetch-Site`` must be ``same-origin``; with neither (not a browser) only the
        next check applies. Then ``Content-Type`` must be JSON or the CSRF header present:
        a cross-site page can send neither without a CORS preflight.
        """
        if not self.cross_site_checked(route, view):
            return
        options = self.options
        if view.origin is not None:
            origin = normalize_origin(view.origin)
            own = request_origin(view.scheme, view.host)
            if origin is None or (origin != own and origin not in options.trusted_origins):
                raise _forbidden(
                    CrossSiteReason.CROSS_SITE_ORIGIN,
                    "cross-site request refused: its Origin is neither this app's nor a"
                    " trusted origin",
                )
        elif view.sec_fetch_site is not None and (
            view.sec_fetch_site.strip().lower() != "same-origin"
        ):
            raise _forbidden(
                CrossSiteReason.CROSS_SITE_FETCH,
                "cross-site request refused: Sec-Fetch-Site is not same-origin",
            )
        if _is_json(view.content_type):
            return
        header = options.csrf_header
        if header is not None and view.csrf_header is not None:
            return
        wanted = "Content-Type: application/json"
        if header is not None:
            wanted += f" or the {_display_header(header)} header"
        raise _forbidden(
            CrossSiteReason.CSRF_HEADER_MISSING, f"this route needs {wanted} (CSRF protection)"
        )

    def body_too_large(self, content_length: int | None) -> bool:
        return content_length is not None and content_length > self.options.max_body_bytes

    def parse_body(self, route: Route, view: RequestView, body: bytes) -> dict[str, str]:
        """The route's fields from a JSON body; ``bad_request`` (400) for anything else.

        An empty body is ``{}``. A body must be a JSON object of at most ``max_body_bytes``
        sent as ``application/json`` (which also keeps plain cross-site form posts out).
        """
        limit = self.options.max_body_bytes
        if len(body) > limit:
            raise _bad_request(f"request body larger than {limit} bytes")
        data: Any = {}
        if body.strip():
            if not _is_json(view.content_type):
                raise _bad_request("request body must be JSON (Content-Type: application/json)")
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise _bad_request("request body is not valid JSON") from None
            if not isinstance(data, dict):
                raise _bad_request("request body must be a JSON object")
        required, optional = _FIELDS[route]
        fields: dict[str, str] = {}
        for name in (*required, *optional):
            value = data.get(name)
            if value is None or value == "":
                if name in required:
                    raise _bad_request(f"missing field: {name}")
                continue
            if not isinstance(value, str):
                raise _bad_request(f"field {name} must be a string")
            fields[name] = value
        if route is Route.LOGIN and fields.get("method", "firebase") not in LOGIN_METHODS:
            raise _bad_request(f"field method must be one of {', '.join(LOGIN_METHODS)}")
        return fields

    def refresh_token(self, view: RequestView, fields: Mapping[str, str]) -> str | None:
        """The refresh token of a refresh/logout request: the body's, else the cookie's."""
        return fields.get("refresh_token") or parse_cookie(view.cookie, self.options.cookie_name)

    # ------------------------------------------------------------------ answers

    def json_reply(
        self,
        status: int,
        payload: Mapping[str, Any] | None,
        extra_headers: tuple[tuple[str, str], ...] = (),
    ) -> Reply:
        headers: tuple[tuple[str, str], ...] = (("cache-control", "no-store"),)
        body = b""
        if payload is not None:
            body = _json_bytes(payload)
            headers = (("content-type", "application/json"), *headers)
        return Reply(status, (*headers, *extra_headers), body)

    def error_reply(
        self, err: RealmError, *, clear_cookie: bool = False, view: RequestView | None = None
    ) -> Reply:
        """The error envelope for ``err`` (status by :func:`status_for`)."""
        status = status_for(err)
        payload = envelope(err)
        if status == 412 and "mfa_challenge_token" in err.details:
            # The challenge is the client's to answer; it is the one credential echoed.
            payload["mfa_challenge_token"] = err.details["mfa_challenge_token"]
        headers: list[tuple[str, str]] = []
        if status == 401:
            error = "" if err.message == MISSING_BEARER else ', error="invalid_token"'
            headers.append(("www-authenticate", f'Bearer realm="realmid"{error}'))
        retry_after = err.details.get("retry_after")
        if isinstance(retry_after, int) and not isinstance(retry_after, bool):
            headers.append(("retry-after", str(retry_after)))
        if clear_cookie and view is not None:
            headers.extend(self.clear_cookie_headers(view))
        return self.json_reply(status, payload, tuple(headers))

    @staticmethod
    def hook_error(err: RealmError, reply: Reply) -> RealmError:
        """What an ``on_auth_failure`` hook is handed: a copy of ``err`` whose
        ``http_status`` is the status of ``reply``, the answer the middleware would send.

        A copy, so the error the flow raised (which may be cached or shared by the caller's
        own handlers) is never rewritten by an adapter.
        """
        seen = copy.copy(err)
        seen.http_status = reply.status
        seen.__cause__, seen.__traceback__ = err.__cause__, err.__traceback__
        return seen

    def session_reply(self, session: Session, view: RequestView) -> Reply:
        """A login / MFA-verify answer: the tokens, or the tenant choice."""
        # The routes' own JSON keeps every member, "" when the issuer left it out.
        who = session.user or UserSummary()
        user = {
            "id": _text(who.id),
            "email": _text(who.email),
            "display_name": _text(who.display_name),
        }
        if session.needs_tenant_choice:
            tenants = [
                {
                    "tenant_id": _text(t.tenant_id),
                    "role": _text(t.role),
                    "display_name": _text(t.display_name),
                }
                for t in session.tenants or ()
            ]
            return self.json_reply(
                200, {"needs_tenant_choice": True, "user": user, "tenants": tenants}
            )
        payload: dict[str, Any] = {
            "access_token": session.access_token,
            "token_type": "Bearer",
            "expires_in": session.expires_in or 0,
            "tenant_id": _text(session.tenant_id),
            "role": _text(session.role),
            "user": user,
        }
        if session.expires_at_raw:
            payload["expires_at"] = session.expires_at_raw
        return self._with_refresh(payload, _text(session.refresh_token), view)

    def mint_reply(self, minted: MintResult, view: RequestView) -> Reply:
        """A refresh answer: the new access token; the rotated refresh token as configured."""
        payload: dict[str, Any] = {
            "access_token": minted.access_token,
            "token_type": "Bearer",
            "expires_in": minted.expires_in or 0,
            "tenant_id": _text(minted.tenant_id),
            "role": _text(minted.role),
        }
        return self._with_refresh(payload, _text(minted.refresh_token), view)

    def logout_reply(self, view: RequestView) -> Reply:
        """204, and the refresh cookie cleared (cookie mode)."""
        return self.json_reply(204, None, self.clear_cookie_headers(view))

    def _with_refresh(self, payload: dict[str, Any], refresh: str, view: RequestView) -> Reply:
        if not self._cookie_mode:
            payload["refresh_token"] = refresh
            return self.json_reply(200, payload)
        return self.json_reply(200, payload, self.set_cookie_headers(refresh, view))

    # ------------------------------------------------------------------ the refresh cookie

    def set_cookie_headers(self, value: str, view: RequestView) -> tuple[tuple[str, str], ...]:
        """``Set-Cookie`` for the refresh token: one per route that reads it (its ``Path``).

        Always ``HttpOnly``; ``Secure`` and ``SameSite=Lax`` by default; ``Max-Age`` from
        ``cookie_max_age``. Scoping ``Path`` to the refresh and logout routes keeps the
        token off every other request the browser makes.
        """
        if not _cookie_value_ok(value):
            raise RealmError(
                ErrorCode.SERVER_ERROR, "the refresh token cannot be carried in a cookie"
            )
        if not self._cookie_mode:
            return ()
        name = self.options.cookie_name
        return tuple(
            (
                "set-cookie",
                f"{name}={value}; Path={view.mount}{path}{self._cookie_lifetime}; "
                f"{self._cookie_attributes}",
            )
            for path in self._cookie_paths
        )

    def clear_cookie_headers(self, view: RequestView) -> tuple[tuple[str, str], ...]:
        """``Set-Cookie`` headers that delete the refresh cookie (cookie mode)."""
        if not self._cookie_mode:
            return ()
        name = self.options.cookie_name
        return tuple(
            (
                "set-cookie",
                f"{name}=; Path={view.mount}{path}; Max-Age=0; "
                f"Expires=Thu, 01 Jan 1970 00:00:00 GMT; {self._cookie_attributes}",
            )
            for path in self._cookie_paths
        )


def _cookie_value_ok(value: str) -> bool:
    # RFC 6265 cookie-octet: no controls, whitespace, '"', ',', ';' or '\'.
    return bool(value) and all(
        c == "!" or "#" <= c <= "+" or "-" <= c <= ":" or "<" <= c <= "[" or "]" <= c <= "~"
        for c in value
    )


# Route → (required fields, optional fields) of its JSON body.
_FIELDS: dict[Route, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Route.LOGIN: (("provider_token",), ("tenant_id", "method")),
    Route.MFA_VERIFY: (("mfa_challenge_token", "code"), ("method",)),
    Route.REFRESH: ((), ("refresh_token", "tenant_id")),
    Route.LOGOUT: ((), ("refresh_token",)),
}


def _display_header(name: str) -> str:
    """``x-requested-with`` → ``X-Requested-With``."""
    return "-".join(part.capitalize() for part in name.split("-"))


def _text(value: str | None) -> str:
    return value or ""
