"""Constructing a handle validates its configuration and touches no network."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

import realmid
from realmid._config import RetryPolicy
from realmid.errors import BadRequestError, ErrorCode

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
    ({"realm_id": "r1", "api_key": "rk", "leeway": "30s"}, "leeway"),
    ({"realm_id": "r1", "api_key": "rk", "timeout": None}, "timeout"),
    ({"realm_id": "r1", "api_key": "rk", "token_refresh_buffer": -5}, "token_refresh_buffer"),
    ({"realm_id": "r1", "api_key": "rk", "clock": 1700000000}, "clock"),
    ({"realm_id": "r1", "api_key": "rk", "retry": {"max_retries": 1}}, "RetryPolicy"),
    ({"realm_id": 7, "api_key": "rk"}, "realm_id is required"),
    ({"realm_id": "r1", "api_key": None}, "api_key is required"),
    ({"realm_id": "r1", "api_key": "rk", "base_url": ""}, "base_url must be a non-empty"),
]


@pytest.mark.parametrize("cls", ["Realm", "AsyncRealm"])
@pytest.mark.parametrize(("kwargs", "message"), BAD)
def test_bad_config_is_a_clear_bad_request(
    cls: str, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(BadRequestError, match=message) as caught:
        getattr(realmid, cls)(**kwargs)
    # One shape for every input error: a RealmError (bad_request) that is also a ValueError.
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, realmid.RealmError)
    assert caught.value.code is ErrorCode.BAD_REQUEST


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"max_retries": True},
        {"backoff_factor": "fast"},
        {"max_backoff": 0},
        {"total_timeout": float("nan")},
    ],
)
def test_bad_retry_policy_is_a_bad_request(kwargs: dict[str, object]) -> None:
    with pytest.raises(BadRequestError, match=next(iter(kwargs))):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "secret"),
    [
        ({"api_key": "rk_live_s3cret value"}, "s3cret"),
        ({"api_key": "rk_live_s3cret\n"}, "s3cret"),
        ({"api_key": "rk", "base_url": "http://admin:hunter2@auth.example"}, "hunter2"),
        ({"api_key": "rk", "base_url": "ftp://admin:hunter2@auth.example"}, "hunter2"),
        ({"api_key": "rk", "base_url": "https://auth.example/?token=t0ken"}, "t0ken"),
        ({"api_key": "rk", "base_url": "http://auth.example/#t0ken"}, "t0ken"),
    ],
)
def test_config_errors_never_quote_a_secret(kwargs: dict[str, object], secret: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        realmid.Realm(realm_id="r1", **kwargs)  # type: ignore[arg-type]
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value)


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
