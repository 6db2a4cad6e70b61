"""realmid.middleware.fastapi: request-time dependencies, on both faces.

Real parts: the emulator over loopback signs every token; apps run under FastAPI's
``TestClient`` (``with``: the lifespan builds the realm and leaves it in app.state) and,
for one test per face, under a real uvicorn on loopback.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
import pytest
import redis
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from mw_support import bearer, claims_json, make_handle, tamper
from redis.backoff import NoBackoff
from redis.retry import Retry
from starlette.exceptions import HTTPException as StarletteHTTPException

import realmid
from examples.serving import free_port, serve_asgi
from realmid.errors import BadRequestError
from realmid.middleware import MFARule
from realmid.middleware.fastapi import (
    CurrentClaims,
    FreshMFAClaims,
    MFAClaims,
    RealmHTTPException,
    install,
    require_claims,
)
from realmid.middleware.starlette import authentication_middleware
from realmid.testing import RealmEmulator, SeededUser

FACES = ["async", "sync"]
Recent = Annotated[realmid.Claims, Depends(require_claims(max_age=60))]
MISSING = {"code": "unauthorized", "message": "missing bearer token"}


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("FastAPI Co")
    return emulator.seed_user("fast@example.test", {tenant: "member"})


def access(emu: RealmEmulator, who: SeededUser, *, mfa: bool = False) -> str:
    return str(emu.session_for(who.id, who.tenant_id, mfa=mfa)["access_token"])


def add_routes(app: FastAPI) -> FastAPI:
    @app.get("/me")
    def me(claims: CurrentClaims) -> dict[str, Any]:
        return claims_json(claims)

    @app.get("/mfa")
    async def mfa(claims: MFAClaims) -> dict[str, Any]:
        return claims_json(claims)

    @app.get("/recent")
    def recent(claims: Recent) -> dict[str, Any]:
        return claims_json(claims)

    @app.get("/fresh")
    def fresh(claims: FreshMFAClaims) -> dict[str, Any]:
        return claims_json(claims)

    @app.get("/public")
    def public() -> str:
        return "ok"

    return app


def lifespan_app(face: str, emu: RealmEmulator, **realm_kwargs: Any) -> FastAPI:
    """No install(), no realm at import time: the lifespan builds it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        realm = make_handle(face, emu, **realm_kwargs)
        app.state.realm = realm
        try:
            yield
        finally:
            if isinstance(realm, realmid.AsyncRealm):
                await realm.aclose()
            else:
                realm.close()

    return add_routes(FastAPI(lifespan=lifespan))


@pytest.fixture(params=FACES)
def face(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(face: str, emulator: RealmEmulator) -> Iterator[TestClient]:
    with TestClient(lifespan_app(face, emulator)) as test_client:
        yield test_client


def test_a_realm_built_in_lifespan_is_found_at_request_time(
    client: TestClient, emulator: RealmEmulator, user: SeededUser
) -> None:
    answer = client.get("/me", headers=bearer(access(emulator, user)))
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == user.id
    assert answer.json()["role"] == "member"


def test_refusals_are_the_flat_envelope_without_install(
    client: TestClient, emulator: RealmEmulator, user: SeededUser
) -> None:
    missing = client.get("/me")
    assert missing.status_code == 401
    assert missing.json() == MISSING  # not {"detail": {...}}
    assert missing.headers["www-authenticate"] == 'Bearer realm="realmid"'
    assert missing.headers["cache-control"] == "no-store"

    forged = tamper(access(emulator, user))
    refused = client.get("/me", headers=bearer(forged))
    assert refused.status_code == 401
    assert refused.json() == {"code": "bad_signature", "message": "signature does not verify"}
    assert refused.headers["www-authenticate"] == 'Bearer realm="realmid", error="invalid_token"'
    assert forged not in refused.text
    assert forged.split(".")[1] not in str(refused.headers)
    # FastAPI's own errors keep their shape: only realmid's refusals are flattened.
    assert client.get("/nowhere").json() == {"detail": "Not Found"}


def test_mfa_dependencies_refuse_with_412_and_a_challenge(
    client: TestClient, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    plain = client.get("/mfa", headers=bearer(access(emulator, mfa_user)))
    assert plain.status_code == 412
    assert plain.json()["reason"] == "no_mfa"

    token = access(emulator, mfa_user, mfa=True)
    for path in ("/mfa", "/recent", "/fresh"):
        assert client.get(path, headers=bearer(token)).status_code == 200, path

    emulator.advance(31)  # older than the 30 s fresh window
    stale = client.get("/fresh", headers=bearer(token))
    assert stale.status_code == 412
    body = stale.json()
    assert body["code"] == "mfa_required"
    assert body["reason"] == "fresh_required"
    assert body["mfa_challenge_token"]
    assert "totp" in body["methods"]
    assert token not in stale.text  # the challenge is echoed, never the access token
    assert client.get("/recent", headers=bearer(token)).status_code == 200

    emulator.advance(30)  # 61 s: older than max_age=60, still within MFAClaims' 15 min
    recent = client.get("/recent", headers=bearer(token))
    assert (recent.status_code, recent.json()["reason"]) == (412, "stale_mfa")
    assert client.get("/mfa", headers=bearer(token)).status_code == 200


def test_the_bearer_scheme_is_in_the_openapi_document(emulator: RealmEmulator) -> None:
    document = lifespan_app("async", emulator).openapi()
    assert document["components"]["securitySchemes"] == {
        "RealmID": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Realm ID access token: `Authorization: Bearer <access token>`.",
        }
    }
    for path in ("/me", "/mfa", "/recent", "/fresh"):
        assert document["paths"][path]["get"]["security"] == [{"RealmID": []}], path
    assert "security" not in document["paths"]["/public"]["get"]


def test_a_revocation_outage_is_a_503_envelope(
    face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    nowhere = redis.Redis(
        host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )
    app = lifespan_app(face, emulator, revocation=realmid.RedisRevocationCache(nowhere))
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/me", headers=bearer(access(emulator, user)))
    nowhere.close()
    assert answer.status_code == 503
    assert answer.json()["code"] == "server_error"
    assert answer.json()["revocation_unavailable"] is True


def test_install_and_an_apps_own_handlers(emulator: RealmEmulator, user: SeededUser) -> None:
    realm = make_handle("sync", emulator)
    assert isinstance(realm, realmid.Realm)
    with realm:
        explicit = add_routes(FastAPI())
        explicit.state.realm = realm
        install(explicit)
        with TestClient(explicit) as client:
            assert client.get("/me").json() == MISSING

        # An app that renders HTTPException its own way gets realmid's refusals too,
        # with the envelope as detail.
        own = add_routes(FastAPI())
        own.state.realm = realm
        seen: list[RealmHTTPException] = []

        @own.exception_handler(StarletteHTTPException)
        async def mine(_: Request, exc: StarletteHTTPException) -> JSONResponse:
            if isinstance(exc, RealmHTTPException):
                seen.append(exc)
            return JSONResponse({"mine": exc.detail}, exc.status_code, headers=exc.headers)

        with TestClient(own) as client:
            answer = client.get("/me")
        assert answer.json() == {"mine": MISSING}
        assert answer.headers["www-authenticate"] == 'Bearer realm="realmid"'
        assert [e.error.code for e in seen] == ["unauthorized"]


def test_realm_require_claims_and_an_explicit_realm(
    emulator: RealmEmulator, user: SeededUser
) -> None:
    realm = make_handle("sync", emulator)
    assert isinstance(realm, realmid.Realm)
    other = FastAPI()  # no app.state.realm anywhere

    # Defaults, not Annotated: under `from __future__ import annotations` FastAPI cannot
    # resolve an annotation naming this function's local `realm`.
    @other.get("/bound")
    def bound(claims: realmid.Claims = Depends(realm.require_claims())) -> str:  # noqa: B008
        return claims.sub

    @other.get("/explicit")
    def explicit(claims: realmid.Claims = Depends(require_claims(realm=realm))) -> str:  # noqa: B008
        return claims.sub

    @other.get("/found")
    def found(claims: CurrentClaims) -> str:
        return claims.sub

    token = access(emulator, user)
    with realm, TestClient(other) as client:
        assert client.get("/bound", headers=bearer(token)).json() == user.id
        assert client.get("/explicit", headers=bearer(token)).json() == user.id
        assert client.get("/bound").json() == MISSING  # the 0.x dependency is flat too
        with pytest.raises(BadRequestError, match=r"app\.state\.realm"):
            client.get("/found", headers=bearer(token))


def test_the_backend_in_front_verifies_once(emulator: RealmEmulator, user: SeededUser) -> None:
    calls: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncGenerator[None]:
        realm = make_handle("async", emulator)
        assert isinstance(realm, realmid.AsyncRealm)
        original = realm.verify

        async def counted(token: str, audience: str | None = None) -> realmid.Claims:
            calls.append(token)
            return await original(token, audience)

        realm.verify = counted  # type: ignore[method-assign]
        app.state.realm = realm
        async with realm:
            yield

    app = add_routes(FastAPI(lifespan=lifespan, middleware=[authentication_middleware()]))
    token = access(emulator, user)
    with TestClient(app) as client:
        assert client.get("/me", headers=bearer(token)).json()["sub"] == user.id
        assert calls == [token]  # the backend's: the dependency reused its claims
        refused = client.get("/mfa", headers=bearer(token))  # the gate still runs
        assert (refused.status_code, refused.json()["reason"]) == (412, "no_mfa")
    assert calls == [token, token]


def test_bad_arguments_are_refused_when_declared() -> None:
    with pytest.raises(BadRequestError):
        require_claims(mfa="/pay")  # type: ignore[arg-type]
    with pytest.raises(BadRequestError):
        require_claims(max_age=0)
    assert require_claims().requirement is None
    assert require_claims(mfa=True).requirement is not None
    rule = require_claims(mfa=MFARule("/ignored", require_fresh=True)).requirement
    assert rule is not None
    assert rule.require_fresh
    timed = require_claims(max_age=3600).requirement
    assert timed is not None
    assert timed.max_age == 3600


@pytest.mark.parametrize("served_face", FACES)
def test_served_by_uvicorn_on_loopback(
    served_face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    realm = make_handle(served_face, emulator)
    app = add_routes(FastAPI())
    app.state.realm = realm  # serve_asgi runs no lifespan: the handle is set up front
    closing = realm.aclose if isinstance(realm, realmid.AsyncRealm) else None
    token = access(emulator, user)
    with serve_asgi(app, on_close=closing) as url, httpx.Client(base_url=url) as http:
        assert http.get("/me", headers=bearer(token)).json()["sub"] == user.id
        refused = http.get("/me", headers=bearer(tamper(token)))
        assert refused.status_code == 401
        assert refused.json()["code"] == "bad_signature"
        assert "detail" not in refused.json()
        assert refused.headers["www-authenticate"].startswith("Bearer")
    if isinstance(realm, realmid.Realm):
        realm.close()


def test_the_example_builds_its_realm_in_lifespan(
    emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    from examples.fastapi_app import create_app, default_options
    from examples.settings import RealmSettings

    settings = RealmSettings(emulator.realm_id, emulator.api_key, emulator.base_url)
    app = create_app(settings=settings, options=default_options(token_delivery="body"))
    assert not hasattr(app.state, "realm")  # nothing built before the lifespan runs
    document = app.openapi()
    assert document["paths"]["/api/me"]["get"]["security"] == [{"RealmID": []}]
    with TestClient(app) as client:
        assert isinstance(app.state.realm, realmid.AsyncRealm)  # built by the lifespan
        login = client.post(
            "/login", json={"provider_token": emulator.mint_provider_token(mfa_user.email)}
        )
        assert login.status_code == 412  # the user has a TOTP factor: step up first
        plain = access(emulator, mfa_user)
        assert client.get("/api/me", headers=bearer(plain)).json()["user_id"] == mfa_user.id
        secure = client.get("/api/secure", headers=bearer(plain))
        assert secure.status_code == 412
        assert secure.json()["reason"] == "no_mfa"
        with_mfa = access(emulator, mfa_user, mfa=True)
        assert client.get("/api/secure", headers=bearer(with_mfa)).status_code == 200
        assert client.get("/api/me").json() == MISSING
