"""pytest fixtures for testing an app against the Realm ID emulator.

``pip install "realmid[testing]"`` registers this module as a pytest plugin (a ``pytest11``
entry point named after the module), so the fixtures are there in every test without a
conftest line. A conftest that still says ``pytest_plugins = ["realmid.testing.pytest_plugin"]``
keeps working: pytest finds the plugin already registered under that name and does not load
it twice. ``pytest -p no:realmid.testing.pytest_plugin`` turns it off.

- ``realm_emulator``: one running :class:`~realmid.testing.RealmEmulator` for the whole
  session.
- ``emulator``: per test, a fresh realm on that emulator (a
  :meth:`~realmid.testing.RealmEmulator.using_realm` view), so tests never see each other's
  tenants, users or sessions. Faults, rate limits, the clock and the answer profile are
  shared, so they are reset after each test; signing keys are shared too (a test that
  rotates or retires keys should use its own ``RealmEmulator()``).
- ``mfa_user``: a user of the ``emulator`` realm, owner of a fresh tenant, with a confirmed
  TOTP factor (``mfa_user.totp_now()``, ``mfa_user.backup_codes``).
- ``realm``: a ready :class:`realmid.Realm` on the ``emulator`` realm, closed after the test.
- ``async_realm``: the same as an :class:`realmid.AsyncRealm`, closed after the test.

Both handles run on the emulator's clock (``clock=emulator.now``): after
``emulator.advance(301)`` their verifier and their middleware's MFA-age gate see the same
time as the emulator, so a token expires and an MFA proof goes stale as it would in
production, without sleeping.

``async_realm`` is a plain (sync) fixture: building an ``AsyncRealm`` needs no event loop,
and the handle serves whichever loop the test runs on, so it works under pytest-asyncio (any
mode), anyio's pytest plugin, or ``asyncio.run`` inside a sync test, and forces none of them.
Its teardown closes it on a loop of its own.

The emulator's dependencies (uvicorn, starlette, PyJWT, ...) come with the ``testing`` extra;
they are imported when a fixture is first used, not when pytest loads the plugin.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from realmid._extras import missing_extra

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm
    from realmid._sync.realm import Realm
    from realmid.testing.seeding import SeededUser
    from realmid.testing.server import RealmEmulator

__all__ = ["async_realm", "emulator", "mfa_user", "realm", "realm_emulator"]

_PLUGIN = "realmid.testing.pytest_plugin"
_counter = itertools.count(1)


def _new_emulator() -> RealmEmulator:
    """A new (not yet started) emulator, or the pip command that brings its dependencies."""
    try:
        from realmid.testing.server import RealmEmulator
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "testing", _PLUGIN) from exc
    return RealmEmulator()


@pytest.fixture(scope="session")
def realm_emulator() -> Iterator[RealmEmulator]:
    """A running emulator shared by the whole test session."""
    with _new_emulator() as emu:
        yield emu


@pytest.fixture
def emulator(realm_emulator: RealmEmulator) -> Iterator[RealmEmulator]:
    """The shared emulator, seen through a realm of this test's own."""
    handle = realm_emulator.add_realm(f"Test Realm {next(_counter)}")
    view = realm_emulator.using_realm(handle)
    offset = realm_emulator.clock_offset
    profile = realm_emulator.profile
    try:
        yield view
    finally:
        # Shared switches go back to neutral so the next test starts from a clean slate.
        realm_emulator.faults.clear()
        realm_emulator.reset_rate_limits()
        realm_emulator.clock_offset = offset
        realm_emulator.profile = profile


@pytest.fixture
def realm(emulator: RealmEmulator) -> Iterator[Realm]:
    """A ready sync handle on this test's realm of the emulator, on the emulator's clock."""
    # Imported here so that loading the plugin never imports the facade.
    from realmid._sync.realm import Realm

    # `emulator.now` reads the clock the whole emulator shares, so `advance()` moves it too.
    with Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        clock=emulator.now,
    ) as handle:
        yield handle


@pytest.fixture
def async_realm(emulator: RealmEmulator) -> Iterator[AsyncRealm]:
    """A ready async handle on this test's realm of the emulator, on the emulator's clock.

    A sync fixture on purpose: no async test plugin is required, and the handle, built
    outside any loop, serves the loop the test runs on.
    """
    from realmid._async.realm import AsyncRealm

    handle = AsyncRealm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        clock=emulator.now,
    )
    try:
        yield handle
    finally:
        # The test's loop is gone by now (pytest-asyncio and anyio close it after the call),
        # so the handle is closed from a loop of its own. A loop factory keeps the Runner
        # from resetting the thread's current loop, which an async plugin may still own.
        with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
            runner.run(handle.aclose())


@pytest.fixture
def mfa_user(emulator: RealmEmulator) -> SeededUser:
    """A tenant owner with a confirmed TOTP factor in the ``emulator`` realm."""
    n = next(_counter)
    tenant_id = emulator.create_tenant(f"MFA Tenant {n}")
    return emulator.seed_user(f"mfa-user-{n}@example.test", {tenant_id: "owner"}, mfa=True)
