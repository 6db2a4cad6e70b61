"""The README's main job (the narrated quickstart) runs, and so does the operations listing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_quickstart_tells_the_whole_story() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "examples.quickstart"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in (
        "started the Realm ID emulator",
        "invited ada@example.com to Acme as member",
        "next login answers mfa_required",
        "verified locally: sub=usr_",
        "/api/me without a valid token: 401",
        "with the token: 200",
        "refreshed with a tenant switch",
        "the old access token is refused: unauthorized (revoked)",
        "verified it once",
        "a second verify of the same code is refused: otp_not_found",
    ):
        assert expected in out, f"missing {expected!r} in:\n{out}"
    steps = re.findall(r"^\s*(\d+)\. ", out, re.M)
    assert [int(n) for n in steps] == list(range(1, len(steps) + 1))
    assert re.search(r"^done: \d+ steps in \d+\.\d s$", out, re.M)


def test_python_m_realmid_lists_every_operation_of_the_spec() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "realmid.yaml").read_text())
    op_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    result = subprocess.run(
        [sys.executable, "-m", "realmid", "ops"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    listed = set(re.findall(r"^  (\w+)\(", result.stdout, re.M))
    assert listed == op_ids
    assert result.stdout.rstrip().endswith(f"{len(op_ids)} operations in realmid_api")
