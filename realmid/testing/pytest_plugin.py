"""pytest fixtures for the emulator.

Load them with ``pytest_plugins = ["realmid.testing.pytest_plugin"]`` in a conftest.py.


- ``realm_emulator``: one running :class:`RealmEmulator` for the whole session.
- ``emulator``: per test, a fresh realm on that emulator (a :meth:`~RealmEmulator.using_realm`
  view), so tests never see each other's tenants, users or sessions. Faults, rate limits,
  the clock and the answer profile are shared, so they are reset after each test; signing
  keys are shared too (a test that rotates or retires keys should use its own
  ``RealmEmulator()``).
- ``mfa_user``: a user of the ``emulator`` realm, owner of a fresh tenant, with a
  confirmed TOTP factor (``mfa_user.totp_now()``, ``mfa_user.backup_codes``).
- ``realm``: a ready :class:`realmid.Realm` on the ``emulator`` realm (closed after the test).
  For ``AsyncRealm``, build one from ``emulator.realm_id``, ``emulator.api_key`` and
  ``emulator.base_url`` inside the async test, so its client lives on the test's loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from realmid.testing.seeding import SeededUser
from realmid.testing.server import RealmEmulator

if TYPE_CHECKING:
    from realmid._sync.realm import Realm

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def realm_emulator() -> Iterator[RealmEmulator]:
    """A running emulator shared by the whole test session."""
    with RealmEmulator() as emu:
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
    """A ready sync handle on this test's realm of the emulator."""
    # Imported here so loading the plugin (and the emulator) never needs the facade.
    from realmid._sync.realm import Realm

    with Realm(
        realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url
    ) as handle:
        yield handle


@pytest.fixture
def mfa_user(emulator: RealmEmulator) -> SeededUser:
    """A tenant owner with a confirmed TOTP factor in the ``emulator`` realm."""
    n = next(_counter)
    tenant_id = emulator.create_tenant(f"MFA Tenant {n}")
    return emulator.seed_user(f"mfa-user-{n}@example.test", {tenant_id: "owner"}, mfa=True)
