"""The middleware's logout route fails closed: when the issuer cannot be told (unreachable,
5xx, 429), the access token the request carried is still refused afterwards by this app.

Real servers against the emulator; the issuer's failure is the emulator's fault injection
on ``/auth/logout`` only, so the guard's own verification keeps working.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from mw_support import bearer, guarded_server

from realmid.testing import RealmEmulator, SeededUser

ISSUER_LOGOUT = "/auth/logout"


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("Logout Inc")
    return emulator.seed_user("logout@example.test", {tenant: "owner"})


@pytest.fixture
def faults_cleared(emulator: RealmEmulator) -> Iterator[None]:
    yield
    emulator.faults.clear()


def break_issuer_logout(emu: RealmEmulator, how: str) -> None:
    # More failures than any retry could use up: the issuer stays unable to answer.
    if how == "unreachable":
        emu.faults.drop_next(10, path_prefix=ISSUER_LOGOUT)
    elif how == "rate_limited":
        emu.faults.answer_next(
            429,
            '{"code":"rate_limited","message":"slow down"}',
            content_type="application/json",
            count=10,
            path_prefix=ISSUER_LOGOUT,
            retry_after=1,
        )
    else:
        emu.faults.fail_next(10, status=int(how), path_prefix=ISSUER_LOGOUT)


@pytest.mark.usefixtures("faults_cleared")
@pytest.mark.parametrize(
    ("kind", "face", "how", "code"),
    [
        ("starlette", "async", "503", "server_error"),
        ("starlette", "sync", "503", "server_error"),
        ("starlette", "async", "500", "server_error"),
        ("starlette", "async", "unreachable", "network"),
        ("starlette", "sync", "unreachable", "network"),
        ("starlette", "async", "rate_limited", "rate_limited"),
        ("starlette", "sync", "rate_limited", "rate_limited"),
        ("flask", "async", "503", "server_error"),
        ("flask", "sync", "503", "server_error"),
    ],
)
def test_a_logout_the_issuer_could_not_take_still_refuses_the_access_token(
    kind: str, face: str, how: str, code: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    session = emulator.session_for(user.id, user.tenant_id)
    access, refresh = str(session["access_token"]), str(session["refresh_token"])
    with (
        guarded_server(kind, face, emulator) as (url, realm),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        assert client.get("/api/me", headers=bearer(access)).status_code == 200
        break_issuer_logout(emulator, how)
        out = client.post("/logout", headers=bearer(access), json={"refresh_token": refresh})
        # The logout failed and says so (the caller may retry it)...
        assert out.status_code >= 400, out.text
        assert out.json()["code"] == code
        # ... but this app no longer takes the access token it was asked to end.
        after = client.get("/api/me", headers=bearer(access))
        assert after.status_code == 401, after.text
        assert after.json()["code"] == "unauthorized"
        assert after.json().get("revoked") is True
        assert len(realm.tokens) == 1


def test_a_logout_the_issuer_took_refuses_the_access_token(
    emulator: RealmEmulator, user: SeededUser
) -> None:
    """The control case: the same route, the issuer answering, the token refused."""
    session = emulator.session_for(user.id, user.tenant_id)
    access, refresh = str(session["access_token"]), str(session["refresh_token"])
    with (
        guarded_server("starlette", "async", emulator) as (url, _realm),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        out = client.post("/logout", headers=bearer(access), json={"refresh_token": refresh})
        assert out.status_code == 204, out.text
        assert client.get("/api/me", headers=bearer(access)).status_code == 401
