"""Token-flow faults no real server can be made to produce.

A well-behaved issuer (our emulator included) never answers a platform grant with a
negative or absent ``expires_in``, or with a 200 whose body is not JSON. These tests put an
``httpx.MockTransport`` under the handle to play such a broken issuer; everything else about
the token flow is tested against the emulator over loopback (tests/facade/test_realm_*.py).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import realmid
from realmid.errors import ErrorCode, RealmError

Handler = Callable[[httpx.Request], httpx.Response]


def issuer(token_body: dict[str, Any] | bytes, seen: Counter[str]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] += 1
        if request.url.path == "/auth/login":
            if isinstance(token_body, bytes):
                return httpx.Response(200, content=token_body)
            return httpx.Response(200, json=token_body)
        if request.url.path == "/tenants/t1":
            assert request.headers["Authorization"] == "Bearer pat_1"
            return httpx.Response(200, json={"id": "t1"})
        return httpx.Response(404, json={"code": "not_found", "message": request.url.path})

    return handle


def realm_over(handler: Handler) -> realmid.Realm:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return realmid.Realm(
        realm_id="r1", api_key="rk_test_k", base_url="https://issuer.example", http_client=client
    )


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """A token-shaped string with these claims (the flow reads them, never verifies them)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'k'})}.{part(claims)}.c2ln"


@pytest.mark.parametrize("expires_in", [0, -30, None])
def test_useless_expires_in_does_not_cause_a_refresh_loop(expires_in: int | None) -> None:
    body: dict[str, Any] = {"access_token": "pat_1", "refresh_token": "prt_1"}
    if expires_in is not None:
        body["expires_in"] = expires_in
    seen: Counter[str] = Counter()
    realm = realm_over(issuer(body, seen))
    for _ in range(50):
        realm.tenants.get("t1")
    assert seen["/auth/login"] == 1
    assert seen["/auth/token"] == 0
    assert seen["/tenants/t1"] == 50


def test_without_expires_in_the_lifetime_comes_from_the_tokens_claims() -> None:
    # The reference shows no type for the platform-token answer: one without expires_in is
    # plausible, and the token's own exp - iat then says when to refresh.
    access = unsigned_jwt({"iat": 1_000, "exp": 1_000 + 3_600})
    seen: Counter[str] = Counter()

    def handle(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] += 1
        if request.url.path == "/auth/login":
            return httpx.Response(200, json={"access_token": access, "refresh_token": "prt_1"})
        return httpx.Response(200, json={"id": "t1"})

    realm = realm_over(handle)
    realm.tenants.get("t1")
    tokens = realm._auth._tokens
    assert tokens is not None
    # Refreshed a token_refresh_buffer (60 s) before the hour is up, not after 10 s.
    assert tokens.refresh_at - tokens.expires_at == pytest.approx(-60)
    assert tokens.expires_at - realm._auth._monotonic() == pytest.approx(3_600, abs=5)


def test_a_refresh_answer_without_refresh_token_keeps_the_one_in_hand() -> None:
    # A non-rotating platform refresh (the realm's default) may leave refresh_token out; the
    # emulator always repeats it, so a mock plays that issuer. Losing it would turn every
    # later refresh into an API-key login.
    seen: Counter[str] = Counter()
    bearers: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen[request.url.path] += 1
        if request.url.path == "/auth/login":
            return httpx.Response(
                200, json={"access_token": "pat_1", "refresh_token": "prt_1", "expires_in": 120}
            )
        if request.url.path == "/auth/token":
            bearers.append(request.headers["Authorization"])
            return httpx.Response(200, json={"access_token": f"pat_r{len(bearers)}"})
        return httpx.Response(200, json={"id": "t1"})

    realm = realm_over(handle)
    clock = [0.0]
    realm._auth._monotonic = lambda: clock[0]
    realm.tenants.get("t1")
    for _ in range(3):
        clock[0] += 100  # past refresh_at (120 - 60) each time
        realm.tenants.get("t1")
    assert bearers == ["Bearer prt_1"] * 3
    assert seen["/auth/login"] == 1


def test_a_200_that_is_not_json_is_a_server_error_not_a_json_exception() -> None:
    realm = realm_over(issuer(b"<html>gateway</html>", Counter()))
    with pytest.raises(RealmError) as caught:
        realm.tenants.get("t1")
    assert caught.value.code is ErrorCode.SERVER_ERROR
    assert caught.value.http_status == 200
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


@pytest.mark.parametrize(
    "body", [{"token_type": "Bearer"}, {"access_token": ""}, {"access_token": None}, []]
)
def test_a_platform_answer_without_an_access_token_is_a_server_error(body: Any) -> None:
    realm = realm_over(issuer(body, Counter()))
    with pytest.raises(RealmError) as caught:
        realm.tenants.get("t1")
    assert caught.value.code is ErrorCode.SERVER_ERROR
    assert caught.value.http_status == 200


def test_an_answer_the_generated_client_cannot_parse_keeps_its_status() -> None:
    # A 2xx with a body of the wrong shape, and a status outside http.HTTPStatus (a CDN's
    # 520): both used to surface as server_error with http_status 0.
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/login":
            return httpx.Response(200, json={"access_token": "pat_1", "expires_in": 600})
        if request.url.path == "/tenants/t1":
            return httpx.Response(200, json=["not", "a", "tenant"])
        return httpx.Response(520, text="<html>origin unreachable</html>")

    realm = realm_over(handle)
    with pytest.raises(RealmError) as shape:
        realm.tenants.get("t1")
    assert (shape.value.code, shape.value.http_status) == (ErrorCode.SERVER_ERROR, 200)
    with pytest.raises(RealmError) as odd:
        realm.tenants.get("t2")
    assert (odd.value.code, odd.value.http_status) == (ErrorCode.SERVER_ERROR, 520)
