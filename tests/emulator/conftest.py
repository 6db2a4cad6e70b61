from __future__ import annotations

from collections.abc import Iterator

import pytest
from emu_support import Api

from realmid.testing import RealmEmulator


@pytest.fixture(autouse=True)
def _contract_clean(realm_emulator: RealmEmulator) -> Iterator[None]:
    """Every answer the shared emulator gives during a test is one the contract allows."""
    before = len(realm_emulator.contract_violations)
    yield
    assert realm_emulator.contract_violations[before:] == []


@pytest.fixture
def api(emulator: RealmEmulator) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.close()
