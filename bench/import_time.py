"""Import cost of realmid against its own dependencies, measured in one run.

Each statement runs in a fresh interpreter under ``python -X importtime``; the figure is
the cumulative microseconds of the top-level modules the statement imported, the median
of several runs. The ratio column compares against ``import httpx, jwt``: the floor any
SDK built on them pays.

    python bench/import_time.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATEMENTS = {
    "baseline: import httpx, jwt": "import httpx, jwt",
    "import realmid_api": "import realmid_api",
    "import realmid_api.models (lazy)": "import realmid_api.models",
    "realmid_api.models.Session (one model)": "import realmid_api.models as m; m.Session",
    "every model eagerly": "import realmid_api.models as m; [getattr(m, n) for n in m.__all__]",
    "import realmid": "import realmid",
    "realmid.Realm (the handle)": "import realmid; realmid.Realm",
}
LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


def measure(statement: str) -> tuple[int, int]:
    """(cumulative µs of the top-level imports, number of modules imported)."""
    # Works from a plain checkout too: the generated package sits in generated_client/.
    paths = [str(ROOT), str(ROOT / "generated_client"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stderr
    total = 0
    modules = 0
    for match in LINE.finditer(out):
        modules += 1
        # Top-level entries (one space of indent) carry their children's time.
        if len(match.group(3)) == 1:
            total += int(match.group(2))
    return total, modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = {}
    for label, stmt in STATEMENTS.items():
        runs = [measure(stmt) for _ in range(args.runs)]
        # Module counts are exact; times are the median of the runs (they are noisy).
        results[label] = (statistics.median(us for us, _ in runs), runs[0][1])
    base_us, base_modules = results["baseline: import httpx, jwt"]
    print(f"{'statement':<42} {'µs':>9} {'x baseline':>11} {'modules':>8} {'+ vs base':>10}")
    for label, (us, modules) in results.items():
        extra = modules - base_modules
        print(f"{label:<42} {us:>9.0f} {us / base_us:>11.2f} {modules:>8} {extra:>+10}")


if __name__ == "__main__":
    main()
