"""The pytest plugin as a partner's test suite meets it.

The user-side tests run in a pytest of their own (``pytester``, in-process) in an empty
directory: no conftest of this repo is there, so whatever fixtures they see come from the
installed ``pytest11`` entry point. The clock tests run here directly, on the fixtures the
plugin gives this suite, with a real emulator on loopback behind a real middleware.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

import httpx
import pytest

import realmid
from realmid.middleware import MFARule, MiddlewareOptions
from realmid.testing import RealmEmulator, SeededUser

pytest_plugins = ["pytester"]

PLUGIN = "realmid.testing.pytest_plugin"

# A partner's test module: both faces, the emulator, the MFA user, faults, and an async
# test under anyio's plugin as well as a plain sync test driving the async face.
USER_TESTS = """
import asyncio

import pytest

import realmid

closed = []


def test_sync_face(realm, emulator, mfa_user):
    assert isinstance(realm, realmid.Realm)
    assert realm.info().id == emulator.realm_id
    tenant = realm.tenants.create("From the plugin")
    assert tenant.display_name == "From the plugin"
    assert mfa_user.totp_now().isdigit()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_async_face_under_anyio(async_realm, emulator):
    assert isinstance(async_realm, realmid.AsyncRealm)
    assert (await async_realm.info()).id == emulator.realm_id
    tenant = await async_realm.tenants.create("From anyio")
    assert tenant.display_name == "From anyio"
    closed.append(async_realm)


def test_async_face_without_an_async_plugin(async_realm, emulator):
    async def names():
        return [t.display_name async for t in async_realm.tenants.list()]

    asyncio.run(async_realm.tenants.create("First loop"))
    assert asyncio.run(names()) == ["First loop"]  # another loop, the same handle


def test_faults_are_reset_between_tests(realm, emulator):
    emulator.faults.fail_next(1, status=503, path_prefix="/tenants")
    assert emulator.faults.pending() == 1


def test_the_next_test_starts_clean(emulator):
    assert emulator.faults.pending() == 0


def test_moving_the_clock(emulator, realm):
    emulator.advance(301)
    assert emulator.clock_offset == 301


def test_the_next_test_starts_on_time(emulator):
    assert emulator.clock_offset == 0


def test_the_async_handle_was_closed_at_teardown():
    (handle,) = closed
    # A closed handle's client refuses to send: the fixture's teardown ran aclose().
    with pytest.raises(Exception, match="closed"):
        asyncio.run(handle.request("GET", "/tenants"))
"""

USER_TEST_COUNT = 8


def test_a_suite_without_a_conftest_gets_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=USER_TEST_COUNT)


def test_the_fixtures_come_from_the_entry_point(pytester: pytest.Pytester) -> None:
    # With the entry point blocked the same directory has no `realm`: nothing else supplies
    # it, so the run above saw the installed plugin.
    pytester.makepyfile(test_user="def test_needs_realm(realm):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", f"no:{PLUGIN}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'realm' not found*"])


def test_a_conftest_that_lists_the_plugin_still_works(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(f"pytest_plugins = [{PLUGIN!r}]\n")
    pytester.makepyfile(
        test_user=f"""
import {PLUGIN} as plugin_module


def test_registered_once(request, realm, emulator):
    manager = request.config.pluginmanager
    assert manager.get_plugin({PLUGIN!r}) is plugin_module
    assert [p for p in manager.get_plugins() if p is plugin_module] == [plugin_module]
    assert realm.info().id == emulator.realm_id
"""
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    # `-p realmid.testing.pytest_plugin` on the command line (loaded before the entry
    # points) is the same plugin again, not a second copy.
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", PLUGIN)
    result.assert_outcomes(passed=1)


# ---------------------------------------------------------------------- the emulator's clock

# A route whose MFA proof may be at most five minutes old.
ADMIN = MiddlewareOptions(mfa_protected_paths=[MFARule("/admin", max_age=timedelta(seconds=300))])


def _ok_wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


async def _ok_asgi(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _mfa_bearer(emulator: RealmEmulator, user: SeededUser) -> dict[str, str]:
    session = emulator.session_for(user.id, user.tenant_id, mfa=True)
    return {"Authorization": f"Bearer {session['access_token']}"}


def _assert_stale(response: httpx.Response) -> None:
    assert response.status_code == 412, response.text
    body = response.json()
    assert body["code"] == "mfa_required"
    assert body["reason"] == "stale_mfa"


def test_realm_follows_the_emulator_clock(
    realm: realmid.Realm, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    app = realm.wsgi_middleware(_ok_wsgi, ADMIN)
    headers = _mfa_bearer(emulator, mfa_user)
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://app.test") as http:
        assert http.get("/admin", headers=headers).status_code == 200
        emulator.advance(301)
        _assert_stale(http.get("/admin", headers=headers))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_async_realm_follows_the_emulator_clock(
    async_realm: realmid.AsyncRealm, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    app = async_realm.asgi_middleware(_ok_asgi, ADMIN)
    headers = _mfa_bearer(emulator, mfa_user)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as http:
        assert (await http.get("/admin", headers=headers)).status_code == 200
        emulator.advance(301)
        _assert_stale(await http.get("/admin", headers=headers))
