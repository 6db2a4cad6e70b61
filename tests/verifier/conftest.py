"""Fixtures of the verifier tests: a loopback JWKS server and a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from verifier_support import JwksServer, RedisProcess, jwks_server


@pytest.fixture
def server() -> Iterator[JwksServer]:
    with jwks_server() as srv:
        yield srv


@pytest.fixture
def redis_proc(tmp_path: Path) -> Iterator[RedisProcess]:
    proc = RedisProcess(tmp_path)
    try:
        yield proc
    finally:
        proc.stop()
