"""The README's main job runs and lists every operation of the contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_python_m_realmid_lists_every_operation_of_the_spec() -> None:
    spec = yaml.safe_load((ROOT / "openapi" / "realmid.yaml").read_text())
    op_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    result = subprocess.run(
        [sys.executable, "-m", "realmid"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    listed = set(re.findall(r"^  (\w+)\(", result.stdout, re.M))
    assert listed == op_ids
    assert result.stdout.rstrip().endswith(f"{len(op_ids)} operations in realmid_api")
