"""The example's views: plain Django (sync and async) and DRF, all behind RealmMiddleware."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse  # type: ignore[import-untyped]
from rest_framework.permissions import IsAuthenticated  # type: ignore[import-untyped]
from rest_framework.request import Request  # type: ignore[import-untyped]
from rest_framework.response import Response  # type: ignore[import-untyped]
from rest_framework.views import APIView  # type: ignore[import-untyped]

import realmid
from realmid.middleware.django import RealmUser, require_mfa
from realmid.middleware.drf import RealmAuthentication, mfa_fresh

#: Set by ``python -m examples.django_app`` on an emulator run: the demo user's tokens.
demo_provider_token: Callable[[], str] | None = None


def identity(claims: realmid.Claims) -> dict[str, Any]:
    return {
        "user_id": claims.sub,
        "email": claims.extra.get("email", ""),
        "tenant_id": claims.tenant_id,
        "role": claims.role,
        "mfa_at": claims.mfa_at or None,
    }


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def provider_token(request: HttpRequest) -> HttpResponse:
    if demo_provider_token is None:
        return JsonResponse({"code": "not_found", "message": "not an emulator run"}, status=404)
    return JsonResponse({"provider_token": demo_provider_token()})


def me(request: HttpRequest) -> HttpResponse:
    # The middleware verified the bearer: request.user is a RealmUser, and claims_from
    # answers the same claims (request.auth too).
    claims = realmid.claims_from(request)
    assert claims is not None
    assert isinstance(getattr(request, "user", None), RealmUser)
    return JsonResponse(identity(claims))


async def me_async(request: HttpRequest) -> HttpResponse:
    claims = realmid.claims_from(request)
    assert claims is not None
    return JsonResponse({**identity(claims), "async": True})


def billing(request: HttpRequest) -> HttpResponse:
    # Guarded by the middleware's rule: REALMID["mfa_protected_paths"] = ["/api/billing/**"].
    claims = realmid.claims_from(request)
    assert claims is not None
    return JsonResponse({"invoices": [], "tenant_id": claims.tenant_id})


@require_mfa(require_fresh=True)  # a second factor in the last 30 seconds, for this view
def close_account(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"closed": False, "note": "a demo: nothing was closed"})


class DRFMe(APIView):  # type: ignore[misc]
    """A DRF view: RealmAuthentication sets request.user / request.auth."""

    authentication_classes: ClassVar[list[type[Any]]] = [RealmAuthentication]
    permission_classes: ClassVar[list[type[Any]]] = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        claims = request.auth
        assert isinstance(claims, realmid.Claims)
        return Response({**identity(claims), "drf": True})


class DRFPayout(APIView):  # type: ignore[misc]
    """A DRF view whose second factor must be at most five minutes old."""

    authentication_classes: ClassVar[list[type[Any]]] = [RealmAuthentication]
    permission_classes: ClassVar[list[type[Any]]] = [IsAuthenticated, mfa_fresh(max_age=300)]

    def post(self, request: Request) -> Response:
        return Response({"paid": True}, status=201)
