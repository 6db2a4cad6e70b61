"""Django REST framework: :class:`RealmAuthentication` and the :class:`MFAFresh` permission.

Both read the realm from ``settings.REALMID`` (see :mod:`realmid.middleware.django`); the
authentication works with or without ``RealmMiddleware`` in front::

    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": ["realmid.middleware.drf.RealmAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    }

    class Payouts(APIView):
        permission_classes = [IsAuthenticated, mfa_fresh(max_age=timedelta(minutes=5))]

        def post(self, request):
            request.user.id, request.auth.tenant_id   # RealmUser, Claims

Refusals carry the middleware's flat envelope (``{"code", "message", ...}``): 401 with
``WWW-Authenticate: Bearer realm="realmid"`` for a missing or bad token, 412
``mfa_required`` (with the pre-minted challenge) from :class:`MFAFresh`, 503 when the
issuer's keys or the revocation cache cannot answer (retry; the token may be fine).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, NoReturn

from realmid._extras import missing_extra
from realmid.errors import RealmError
from realmid.middleware.claims import claims_from
from realmid.middleware.core import Reply
from realmid.middleware.django import RealmUser, _attach, _requirement, _setup, view_of_request
from realmid.middleware.options import MFARule
from realmid.verify import Claims

try:
    from rest_framework.authentication import BaseAuthentication  # type: ignore[import-untyped]
    from rest_framework.exceptions import (  # type: ignore[import-untyped]
        APIException,
        AuthenticationFailed,
    )
    from rest_framework.permissions import BasePermission  # type: ignore[import-untyped]
except ModuleNotFoundError as exc:  # pragma: no cover - exercised without the extra
    raise missing_extra(exc, "drf", "realmid.middleware.drf") from exc

__all__ = ["MFAFresh", "RealmAPIException", "RealmAuthentication", "mfa_fresh"]

_CHALLENGE = 'Bearer realm="realmid"'
_HEADER_ATTRIBUTE = "_realmid_www_authenticate"


class RealmAPIException(APIException):  # type: ignore[misc]
    """A refusal other than 401 (412 ``mfa_required``, 503, ...): the envelope as detail."""

    def __init__(self, reply: Reply, error: RealmError) -> None:
        super().__init__()
        self.status_code = reply.status
        # A dict detail is rendered as is: the flat envelope, its values untouched.
        self.detail = reply.json()
        self.error = error
        retry_after = dict(reply.headers).get("retry-after")
        self.wait = int(retry_after) if retry_after and retry_after.isdigit() else None


class RealmAuthenticationFailed(AuthenticationFailed):  # type: ignore[misc]
    """A 401 refusal; DRF adds ``WWW-Authenticate`` from ``authenticate_header``."""

    def __init__(self, reply: Reply, error: RealmError) -> None:
        super().__init__()
        self.detail = reply.json()
        self.error = error


def _raise(reply: Reply, error: RealmError, request: Any) -> NoReturn:
    if reply.status == 401:
        challenge = dict(reply.headers).get("www-authenticate", _CHALLENGE)
        setattr(request, _HEADER_ATTRIBUTE, challenge)
        raise RealmAuthenticationFailed(reply, error)
    raise RealmAPIException(reply, error)


class RealmAuthentication(BaseAuthentication):  # type: ignore[misc]
    """Authenticates ``Authorization: Bearer <access token>`` with the realm's ``verify``.

    No ``Authorization`` header, or another scheme: not attempted (None), so DRF tries the
    next class or leaves the user anonymous. A bearer that does not verify: 401 with the
    envelope and ``WWW-Authenticate``. Claims the middleware already verified for this
    request are reused. Success: ``request.user`` is a
    :class:`~realmid.middleware.django.RealmUser`, ``request.auth`` the
    :class:`~realmid.Claims`.
    """

    def authenticate(self, request: Any) -> tuple[RealmUser, Claims] | None:
        claims = claims_from(request)
        if claims is not None:
            return RealmUser(claims), claims
        header = request.META.get("HTTP_AUTHORIZATION") or ""
        scheme = header.split(None, 1)[0] if header.strip() else ""
        if scheme.lower() != "bearer":
            return None
        setup = _setup()
        django_request = getattr(request, "_request", request)
        try:
            claims = setup.flow.authenticate(view_of_request(django_request, setup.core), None)
        except RealmError as err:
            _raise(setup.core.error_reply(err), err, request)
        _attach(django_request, claims)
        return RealmUser(claims), claims

    def authenticate_header(self, request: Any) -> str:  # pyright: ignore[reportIncompatibleMethodOverride]
        """The 401's ``WWW-Authenticate`` (``error="invalid_token"`` for a bad token)."""
        return str(getattr(request, _HEADER_ATTRIBUTE, _CHALLENGE))


class MFAFresh(BasePermission):  # type: ignore[misc]
    """The request's second factor is recent enough (``mfa_default_max_age`` by default).

    Use :func:`mfa_fresh` for another window. Without verified claims it denies (DRF
    answers 401); with a stale or missing MFA it raises the 412 ``mfa_required``
    envelope with a pre-minted challenge, the answer the middleware gives.
    """

    max_age: ClassVar[float | timedelta | None] = None
    require_fresh: ClassVar[bool] = False

    def has_permission(self, request: Any, view: Any) -> bool:  # pyright: ignore[reportIncompatibleMethodOverride]
        auth = getattr(request, "auth", None)
        claims = auth if isinstance(auth, Claims) else claims_from(request)
        if claims is None:
            return False
        setup = _setup()
        requirement = _requirement(setup.core, self.max_age, self.require_fresh)
        django_request = getattr(request, "_request", request)
        try:
            setup.flow.authenticate(
                view_of_request(django_request, setup.core), requirement, claims
            )
        except RealmError as err:
            _raise(setup.core.error_reply(err), err, request)
        return True


def mfa_fresh(
    max_age: float | timedelta | None = None, *, require_fresh: bool = False
) -> type[MFAFresh]:
    """An :class:`MFAFresh` permission class with its own window::

    permission_classes = [IsAuthenticated, mfa_fresh(max_age=timedelta(minutes=5))]
    permission_classes = [IsAuthenticated, mfa_fresh(require_fresh=True)]  # last 30 s
    """
    MFARule("/", max_age=max_age, require_fresh=require_fresh)  # a bad value fails here
    return type("MFAFresh", (MFAFresh,), {"max_age": max_age, "require_fresh": require_fresh})
