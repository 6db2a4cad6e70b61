"""realmid.middleware.starlette: the AuthenticationBackend, on both faces.

Real parts: the emulator over loopback signs every token; apps run under Starlette's
``TestClient`` (``with``: the lifespan builds the realm, as an app would) and, for one test,
under a real uvicorn on loopback. A revocation outage is a Redis that is not there.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import redis
from mw_support import bearer, make_handle, tamper
from redis.backoff import NoBackoff
from redis.retry import Retry
from starlette.applications import Starlette
from starlette.authentication import requires
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

import realmid
from examples.serving import free_port, serve_asgi
from realmid.errors import BadRequestError
from realmid.middleware.claims import ASGI_STATE_KEY
from realmid.middleware.starlette import (
    RealmAuthBackend,
    RealmCredentials,
    RealmUser,
    authentication_middleware,
)
from realmid.testing import RealmEmulator, SeededUser

FACES = ["async", "sync"]


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("Starlette Co")
    return emulator.seed_user("star@example.test", {tenant: "member"})


def access(emu: RealmEmulator, who: SeededUser, *, mfa: bool = False) -> str:
    return str(emu.session_for(who.id, who.tenant_id, mfa=mfa)["access_token"])


async def me(request: Request) -> JSONResponse:
    user, auth = request.user, request.auth
    claims = realmid.claims_from(request)
    return JSONResponse(
        {
            "authenticated": user.is_authenticated,
            "identity": user.identity if user.is_authenticated else None,
            "display_name": user.display_name,
            "scopes": auth.scopes,
            "user_type": type(user).__name__,
            "auth_type": type(auth).__name__,
            # The three ways to the claims are one object.
            "same_claims": claims is not None
            and isinstance(user, RealmUser)
            and isinstance(auth, RealmCredentials)
            and claims is user.claims is auth.claims
            and request.scope["state"][ASGI_STATE_KEY] is claims,
            "role": claims.role if claims else None,
        }
    )


@requires("authenticated")
async def guarded(request: Request) -> JSONResponse:
    return JSONResponse({"sub": request.user.identity})


@requires(["authenticated", "mfa"])
async def mfa_only(request: Request) -> JSONResponse:
    return JSONResponse({"mfa_at": request.user.claims.mfa_at})


ROUTES = [Route("/me", me), Route("/guarded", guarded), Route("/mfa", mfa_only)]


def app_with_lifespan(
    face: str, emu: RealmEmulator, *, mfa_max_age: float = 900, **realm_kwargs: Any
) -> Starlette:
    """The test app; its lifespan builds the realm and leaves it in app.state.realm."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncGenerator[None]:
        realm = make_handle(face, emu, **realm_kwargs)
        app.state.realm = realm
        try:
            yield
        finally:
            if isinstance(realm, realmid.AsyncRealm):
                await realm.aclose()
            else:
                realm.close()

    return Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        middleware=[authentication_middleware(mfa_max_age=mfa_max_age)],
    )


@pytest.fixture(params=FACES)
def face(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(face: str, emulator: RealmEmulator) -> Iterator[TestClient]:
    with TestClient(app_with_lifespan(face, emulator)) as test_client:
        yield test_client


def test_a_verified_token_is_request_user_and_request_auth(
    client: TestClient, emulator: RealmEmulator, user: SeededUser
) -> None:
    answer = client.get("/me", headers=bearer(access(emulator, user)))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["authenticated"] is True
    assert body["identity"] == user.id
    assert body["display_name"] == user.email
    assert (body["user_type"], body["auth_type"]) == ("RealmUser", "RealmCredentials")
    assert body["same_claims"] is True
    assert body["scopes"] == ["authenticated", "role:member", f"tenant:{user.tenant_id}"]
    assert client.get("/guarded", headers=bearer(access(emulator, user))).json() == {"sub": user.id}


def test_without_a_bearer_the_request_is_anonymous(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}):
        anonymous = client.get("/me", headers=headers)
        assert anonymous.status_code == 200
        assert anonymous.json()["authenticated"] is False
        assert anonymous.json()["scopes"] == []
        # @requires answers as Starlette does for an anonymous caller.
        assert client.get("/guarded", headers=headers).status_code == 403


def test_a_refused_token_is_a_flat_401_with_www_authenticate(
    client: TestClient, emulator: RealmEmulator, user: SeededUser
) -> None:
    forged = tamper(access(emulator, user))
    for path in ("/me", "/guarded"):
        refused = client.get(path, headers=bearer(forged))
        assert refused.status_code == 401
        assert refused.json() == {"code": "bad_signature", "message": "signature does not verify"}
        assert (
            refused.headers["www-authenticate"] == 'Bearer realm="realmid", error="invalid_token"'
        )
        assert refused.headers["content-type"] == "application/json"
        assert refused.headers["cache-control"] == "no-store"
        assert forged not in refused.text
        assert forged.split(".")[1] not in str(refused.headers)
    empty = client.get("/me", headers={"Authorization": "Bearer "})
    assert empty.status_code == 401
    assert empty.json()["code"] == "malformed"
    assert empty.headers["www-authenticate"].startswith("Bearer")

    expiring = access(emulator, user)
    emulator.advance(3600)
    expired = client.get("/me", headers=bearer(expiring))
    assert (expired.status_code, expired.json()["code"]) == (401, "expired")


def test_mfa_scopes_follow_the_realms_clock(
    face: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    with TestClient(app_with_lifespan(face, emulator, mfa_max_age=60)) as client:
        token = access(emulator, mfa_user, mfa=True)
        fresh = client.get("/me", headers=bearer(token)).json()["scopes"]
        assert fresh[-2:] == ["mfa", "mfa:fresh"]
        assert client.get("/mfa", headers=bearer(token)).status_code == 200

        emulator.advance(31)  # past the 30 s fresh window, within mfa_max_age
        assert client.get("/me", headers=bearer(token)).json()["scopes"][-1] == "mfa"

        emulator.advance(30)  # 61 s: older than mfa_max_age
        stale = client.get("/me", headers=bearer(token)).json()["scopes"]
        assert "mfa" not in stale
        assert "authenticated" in stale
        assert client.get("/mfa", headers=bearer(token)).status_code == 403

        plain = access(emulator, mfa_user)  # logged in without the second factor
        assert "mfa" not in client.get("/me", headers=bearer(plain)).json()["scopes"]


def test_a_revocation_outage_is_a_503_envelope_never_a_500(
    face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    # A Redis that is not there: connection refused at once, and not retried.
    nowhere = redis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    cache = realmid.RedisRevocationCache(nowhere)
    app = app_with_lifespan(face, emulator, revocation=cache)
    with TestClient(app, raise_server_exceptions=False) as client:
        token = access(emulator, user)
        answer = client.get("/guarded", headers=bearer(token))
    nowhere.close()
    assert answer.status_code == 503
    body = answer.json()
    assert body["code"] == "server_error"
    assert body["revocation_unavailable"] is True
    assert token not in answer.text
    assert "www-authenticate" not in answer.headers  # not the token's fault: retry


def test_an_app_without_a_realm_says_where_to_put_it(emulator: RealmEmulator) -> None:
    app = Starlette(routes=ROUTES, middleware=[authentication_middleware()])
    with TestClient(app) as client, pytest.raises(BadRequestError, match=r"app\.state\.realm"):
        client.get("/me", headers=bearer("a.b.c"))


def test_an_explicit_realm_wins_and_a_bad_one_is_refused(
    emulator: RealmEmulator, user: SeededUser
) -> None:
    with pytest.raises(BadRequestError):
        RealmAuthBackend(realm="not a realm")  # type: ignore[arg-type]
    realm = make_handle("sync", emulator)
    assert isinstance(realm, realmid.Realm)
    token = access(emulator, user)
    with realm:
        app = Starlette(routes=ROUTES, middleware=[authentication_middleware(realm)])
        with TestClient(app) as client:
            answer = client.get("/me", headers=bearer(token))
        assert answer.json()["identity"] == user.id
        shown = repr(RealmUser(realm.verify(token))) + repr(RealmAuthBackend(realm))
    assert user.id in shown
    assert user.email not in shown
    assert token not in shown


@pytest.mark.parametrize("served_face", FACES)
def test_served_by_uvicorn_on_loopback(
    served_face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    realm = make_handle(served_face, emulator)
    app = Starlette(routes=ROUTES, middleware=[authentication_middleware()])
    app.state.realm = realm  # serve_asgi runs no lifespan: the handle is set up front
    closing = realm.aclose if isinstance(realm, realmid.AsyncRealm) else None
    token = access(emulator, user)
    with serve_asgi(app, on_close=closing) as url, httpx.Client(base_url=url) as http:
        assert http.get("/guarded", headers=bearer(token)).json() == {"sub": user.id}
        refused = http.get("/guarded", headers=bearer(tamper(token)))
        assert refused.status_code == 401
        assert refused.json()["code"] == "bad_signature"
        assert refused.headers["www-authenticate"].startswith("Bearer")
    if isinstance(realm, realmid.Realm):
        realm.close()
