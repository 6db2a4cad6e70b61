"""Every facade test body runs through both faces (``Realm`` and ``AsyncRealm``) and against
both profiles of the emulator (``default`` and ``reference``)."""

from __future__ import annotations

import pytest

from realmid.testing import RealmEmulator


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def face(request: pytest.FixtureRequest) -> str:
    """Which handle the test drives; see ``support.call`` for awaiting on either."""
    return str(request.param)


@pytest.fixture(params=["default", "reference"])
def emulator(emulator: RealmEmulator, request: pytest.FixtureRequest) -> RealmEmulator:
    """Every facade test runs against both answer profiles of the emulator.

    ``default`` answers with harmless extras a real issuer may add (``token_type``, an
    envelope ``request_id``); ``reference`` answers exactly as the reference's Go types
    encode (no extras, ``omitempty`` fields left out, the rest always there). The plugin's
    fixture puts the shared emulator's profile back after the test.
    """
    emulator.profile = str(request.param)
    return emulator
