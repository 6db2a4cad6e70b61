"""examples/telemetry.py runs and prints what docs/observability.md describes, no secret."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}"),  # a JWT
    re.compile(r"rk_(?:test|live)_\w{8,}"),  # an API key
    re.compile(r"rrt_[\w-]{8,}"),  # a refresh token
)


def test_the_example_prints_the_spans_and_metrics() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "examples.telemetry"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for name in ("realmid.token.mint", "realmid.tenants.create", "realmid.jwks.fetch"):
        assert f"span     {name} [UNSET]" in out or f"span   {name} [UNSET]" in out, name
    assert "realmid.tenants.get [ERROR]" in out
    assert "realmid.error.code='not_found'" in out
    assert "refused as expected: not_found" in out
    assert "metric realmid.verify.duration {'realmid.outcome': 'ok'} = 2" in out
    for secret in SECRETS:
        assert not secret.search(out), secret.pattern
