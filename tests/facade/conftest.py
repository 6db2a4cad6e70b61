"""Every facade test body runs through both faces: ``Realm`` (sync) and ``AsyncRealm``."""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def face(request: pytest.FixtureRequest) -> str:
    """Which handle the test drives; see ``support.call`` for awaiting on either."""
    return str(request.param)
