"""Realm.from_env / AsyncRealm.from_env (issue 16, item 7)."""

from __future__ import annotations

from typing import Any

import pytest

import realmid
from realmid.errors import BadRequestError
from realmid.testing import RealmEmulator

from .support import call, close

pytestmark = pytest.mark.anyio


def cls_of(face: str) -> Any:
    return realmid.AsyncRealm if face == "async" else realmid.Realm


def env_of(emulator: RealmEmulator, **extra: str) -> dict[str, str]:
    return {
        "REALMID_REALM_ID": emulator.realm_id,
        "REALMID_API_KEY": emulator.api_key,
        "REALMID_BASE_URL": emulator.base_url,
        **extra,
    }


async def test_a_handle_from_the_environment_works(face: str, emulator: RealmEmulator) -> None:
    realm = cls_of(face).from_env(env_of(emulator, REALMID_TIMEOUT="7.5"))
    assert realm.realm_id == emulator.realm_id
    assert realm._config.timeout == 7.5
    await call(realm.tenants.list().page())
    await close(realm)


async def test_os_environ_is_the_default(
    face: str, emulator: RealmEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env_of(emulator).items():
        monkeypatch.setenv(name, value)
    realm = cls_of(face).from_env()
    await call(realm.tenants.list().page())
    await close(realm)


def test_arguments_override_the_environment(face: str, emulator: RealmEmulator) -> None:
    env = env_of(emulator, REALMID_TIMEOUT="7.5")
    realm = cls_of(face).from_env(env, realm_id="r-override", timeout=3, max_connections=7)
    assert realm.realm_id == "r-override"
    assert realm._config.timeout == 3
    assert realm._config.max_connections == 7
    assert realm.base_url == emulator.base_url


def test_the_base_url_defaults_to_the_canonical_issuer(face: str) -> None:
    realm = cls_of(face).from_env({"REALMID_REALM_ID": "r1", "REALMID_API_KEY": "rk_test_x"})
    assert realm.base_url == "https://auth.realmid.dev"


@pytest.mark.parametrize(
    ("env", "named", "absent"),
    [
        ({"REALMID_REALM_ID": "r1"}, "REALMID_API_KEY", "REALMID_REALM_ID"),
        ({"REALMID_API_KEY": "rk_test_s3cret"}, "REALMID_REALM_ID", "REALMID_API_KEY"),
        ({"REALMID_REALM_ID": " ", "REALMID_API_KEY": ""}, "REALMID_REALM_ID", None),
    ],
)
def test_a_missing_variable_is_named_and_the_key_never_shown(
    face: str, env: dict[str, str], named: str, absent: str | None
) -> None:
    with pytest.raises(BadRequestError) as caught:
        cls_of(face).from_env(env)
    message = str(caught.value)
    assert named in message
    if absent is not None:
        assert absent not in message
    assert "s3cret" not in message


def test_a_bad_timeout_and_an_unknown_argument_are_refused(face: str) -> None:
    base = {"REALMID_REALM_ID": "r1", "REALMID_API_KEY": "rk_test_x"}
    with pytest.raises(BadRequestError, match="REALMID_TIMEOUT"):
        cls_of(face).from_env({**base, "REALMID_TIMEOUT": "soon"})
    with pytest.raises(BadRequestError, match="api_kee"):
        cls_of(face).from_env(base, api_kee="rk_test_y")
