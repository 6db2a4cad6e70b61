"""Constructing a handle validates its configuration and touches no network."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

import realmid

BAD = [
    ({"realm_id": "", "api_key": "rk"}, "realm_id is required"),
    ({"realm_id": "has space", "api_key": "rk"}, "realm_id must be"),
    ({"realm_id": "r1", "api_key": ""}, "api_key is required"),
    ({"realm_id": "r1", "api_key": "rk live"}, "whitespace"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": "ftp://x"}, "absolute http"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": "auth.realmid.dev"}, "absolute http"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": "http://auth.example"}, "plain http"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": "https://u:p@x.example"}, "credentials"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": "https://x.example/?a=1"}, "query"),
    ({"realm_id": "r1", "api_key": "rk", "origin": "app.example"}, "origin must"),
    ({"realm_id": "r1", "api_key": "rk", "leeway": -1}, "leeway"),
    ({"realm_id": "r1", "api_key": "rk", "timeout": 0}, "timeout"),
]


@pytest.mark.parametrize("cls", ["Realm", "AsyncRealm"])
@pytest.mark.parametrize(("kwargs", "message"), BAD)
def test_bad_config_is_a_clear_value_error(
    cls: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        getattr(realmid, cls)(**kwargs)


def test_construction_makes_no_network_call(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("construction opened a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    realm = realmid.Realm(realm_id="r1", api_key="rk_test_x", base_url="https://auth.example")
    arealm = realmid.AsyncRealm(realm_id="r1", api_key="rk_test_x")
    assert realm.base_url == "https://auth.example"
    assert arealm.base_url == realmid.DEFAULT_BASE_URL


def test_properties_and_durations() -> None:
    realm = realmid.Realm(
        realm_id="r1",
        api_key="rk_test_x",
        base_url="http://127.0.0.1:8080/",
        leeway=timedelta(seconds=5),
    )
    assert (realm.realm_id, realm.base_url, realm.revocation) == (
        "r1",
        "http://127.0.0.1:8080",
        None,
    )
    assert realm._config.leeway == 5.0
    realm.close()


def test_the_api_key_is_in_no_repr() -> None:
    secret = "rk_live_supersecret_0123456789"
    realm = realmid.Realm(realm_id="r1", api_key=secret)
    for text in (repr(realm), repr(realm._config), repr(realm._auth), str(realm)):
        assert secret not in text
    realm.close()


def test_loopback_may_use_plain_http() -> None:
    for url in ("http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"):
        realmid.Realm(realm_id="r1", api_key="rk", base_url=url).close()
