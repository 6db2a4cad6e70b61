"""A verify that needs no I/O runs on the request's own thread or loop.

The sync face under ASGI would otherwise hop to a worker thread per request, and the async
face under WSGI to its private loop thread; the sync face under WSGI would build the full
request view and go down the whole chain. Only a request that needs I/O (the first one,
before the verifier exists; a step-up challenge to mint; an unknown key) takes the hop.
Real servers (uvicorn, a WSGI server) against the emulator; the hop is counted by wrapping
the flow's I/O entry point, ``authenticate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from mw_support import bearer, flask_app, make_handle, options, starlette_app, tamper

import realmid
from examples.serving import serve_asgi, serve_wsgi
from realmid.testing import RealmEmulator, SeededUser
from realmid.verify import unverified_claims

# (face, adapter): the two pairings whose I/O path leaves the request's thread, and the
# sync face under WSGI, whose I/O path stays on it but reads the whole request.
PAIRS = [("sync", "asgi"), ("async", "wsgi"), ("sync", "wsgi")]


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("Inline Inc")
    return emulator.seed_user("inline@example.test", {tenant: "owner"})


@contextmanager
def counted_server(
    face: str, adapter: str, emu: RealmEmulator
) -> Iterator[tuple[str, Any, list[str]]]:
    realm = make_handle(face, emu)
    hops: list[str] = []
    if adapter == "wsgi":
        app = flask_app()
        middleware = realm.wsgi_middleware(app.wsgi_app, options())
        app.wsgi_app = middleware  # type: ignore[method-assign]
        served: Any = app
    else:
        middleware = realm.asgi_middleware(starlette_app(), options())
        served = middleware
    flow = middleware.flow
    authenticate = flow.authenticate

    def counting(view: Any, *args: Any) -> Any:
        hops.append(view.path)
        return authenticate(view, *args)

    flow.authenticate = counting
    try:
        if adapter == "wsgi":
            with serve_wsgi(served) as url:
                yield url, realm, hops
        else:
            with serve_asgi(served) as url:
                yield url, realm, hops
    finally:
        if isinstance(realm, realmid.AsyncRealm):
            middleware.close()
        else:
            realm.close()


@pytest.mark.parametrize(("face", "adapter"), PAIRS)
def test_a_warm_verify_takes_no_hop(
    face: str, adapter: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    token = emulator.session_for(user.id, user.tenant_id)["access_token"]
    other = emulator.session_for(user.id, user.tenant_id)["access_token"]
    with counted_server(face, adapter, emulator) as (url, realm, hops), httpx.Client() as http:
        first = http.get(url + "/api/me", headers=bearer(token))
        assert first.status_code == 200
        assert hops == ["/api/me"]  # no verifier yet: the first verify fetches info and keys
        for _ in range(5):
            again = http.get(url + "/api/me", headers=bearer(token))
            assert (again.status_code, again.json()["sub"]) == (200, user.id)
        fresh = http.get(url + "/api/me", headers=bearer(other))  # another token, keys warm
        assert fresh.status_code == 200
        assert hops == ["/api/me"]
        # Refusals that need no I/O are answered inline too.
        forged = http.get(url + "/api/me", headers=bearer(tamper(token)))
        assert forged.status_code == 401
        claims = unverified_claims(other)
        assert claims is not None
        realm.tokens.cache.revoke(claims["jti"], claims["exp"])  # the memory cache: sync
        revoked = http.get(url + "/api/me", headers=bearer(other))
        assert revoked.status_code == 401
        assert revoked.json().get("revoked") is True
        assert hops == ["/api/me"]
        # A step-up needs a challenge minted at the issuer: that request takes the hop.
        step_up = http.get(url + "/api/mfa", headers=bearer(token))
        assert step_up.status_code == 412
        assert hops == ["/api/me", "/api/mfa"]


# Around a real token: the exact form the hit path reads inline, and every near miss that
# must go to MiddlewareCore.bearer (whitespace Unicode strips, a blank inside, another case).
HEADERS = [  # (header, accepted)
    ("Bearer {t}", True),
    ("Bearer  {t}", True),
    ("Bearer {t} ", True),
    ("Bearer {t}\n", True),
    ("Bearer \x85{t}", True),
    ("Bearer {t}\xa0", True),
    ("\tBearer {t}", True),
    ("bearer {t}", True),
    ("BEARER {t}", True),
    ("Bearer\t{t}", False),
    ("Bearer {t} x", False),
    ("Bearer {t}\tx", False),
    ("Bearer x{t}", False),
    ("Bearer ", False),
    ("Bearer", False),
    ("", False),
]


@pytest.mark.parametrize(("header", "accepted"), HEADERS)
def test_the_inline_read_of_the_header_answers_as_bearer_does(
    header: str, accepted: bool, emulator: RealmEmulator, user: SeededUser
) -> None:
    # authenticate_local reads "Bearer <token>" itself when nothing needs stripping or
    # refusing (a call less per request); anything else must get bearer()'s answer. The
    # sync face only: the async flow is its generated twin, checked by the generator.
    token = emulator.session_for(user.id, user.tenant_id)["access_token"]
    realm = make_handle("sync", emulator)
    assert isinstance(realm, realmid.Realm)
    with realm:
        realm.verify(token)  # the verifier built, the keys in hand
        flow = realm.asgi_middleware(starlette_app(), options()).flow
        value = header.format(t=token)

        def outcome(run: Any) -> str:
            try:
                claims = run()
            except realmid.RealmError as err:
                return f"refused: {err.code}"
            return "none" if claims is None else f"claims: {claims.jti}"

        inline = outcome(lambda: flow.authenticate_local(value, None))
        ruled = outcome(lambda: realm._verifier.verify_local(flow.core.bearer(value)))
        assert inline == ruled
        assert inline.startswith("claims: ") is accepted
