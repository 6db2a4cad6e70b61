"""Token-flow faults no real server can be made to produce.

A well-behaved issuer (our emulator included) never answers a platform grant with a
negative or absent ``expires_in``, or with a 200 whose body is not JSON. These tests put an
``httpx.MockTransport`` under the handle to play such a broken issuer; everything else about
the token flow is tested against the emulator over loopback (tests/facade/test_realm_*.py).
"""

from __future__ import annotations

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
        if request.url.path == "/platforms/r1/info":
            assert request.headers["Authorization"] == "Bearer pat_1"
            return httpx.Response(200, json={"id": "r1", "audience": "https://app.example"})
        return httpx.Response(404, json={"code": "not_found", "message": request.url.path})

    return handle


def realm_over(handler: Handler) -> realmid.Realm:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return realmid.Realm(
        realm_id="r1", api_key="rk_test_k", base_url="https://issuer.example", http_client=client
    )


@pytest.mark.parametrize("expires_in", [0, -30, None])
def test_useless_expires_in_does_not_cause_a_refresh_loop(expires_in: int | None) -> None:
    body: dict[str, Any] = {
        "kind": "platform_token",
        "access_token": "pat_1",
        "refresh_token": "prt_1",
        "token_type": "Bearer",
    }
    if expires_in is not None:
        body["expires_in"] = expires_in
    seen: Counter[str] = Counter()
    realm = realm_over(issuer(body, seen))
    for _ in range(50):
        realm.request("GET", "/platforms/r1/info")
    assert seen["/auth/login"] == 1
    assert seen["/auth/token"] == 0
    assert seen["/platforms/r1/info"] == 50


def test_a_200_that_is_not_json_is_a_server_error_not_a_json_exception() -> None:
    realm = realm_over(issuer(b"<html>gateway</html>", Counter()))
    with pytest.raises(RealmError) as caught:
        realm.info()
    assert caught.value.code is ErrorCode.SERVER_ERROR
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)


def test_a_200_without_the_documented_fields_is_a_server_error() -> None:
    realm = realm_over(issuer({"kind": "platform_token", "token_type": "Bearer"}, Counter()))
    with pytest.raises(RealmError) as caught:
        realm.info()
    assert caught.value.code is ErrorCode.SERVER_ERROR
