"""Import cost of realmid against its own dependencies: wall time of fresh interpreters.

Each statement runs in a new ``python -c`` subprocess and the figure is the subprocess's
wall time minus that of ``python -c pass`` (interpreter start), so it is what a program
pays for the statement. Every run of a statement comes right after a run of the
baseline, and its ratio is to that run: this shared VM drifts by tens of percent within
seconds, and two runs moments apart see the same machine. Rounds go through every
statement in a rotating order; each row is the median over the rounds (of its time, and
of its per-pair ratio). Two passes:

- cached: bytecode in ``__pycache__`` (warmed before the first round), as an installed SDK;
- uncached: ``PYTHONDONTWRITEBYTECODE=1`` and a fresh, empty ``PYTHONPYCACHEPREFIX`` per
  run, so every module (the standard library's too) is compiled from source: a first run
  after install, or a read-only container image built without bytecode.

The child prints ``len(sys.modules)`` after the statement; the module column is that count
(exact, not a median). The ratio column compares against ``import httpx, jwt``, the floor
any SDK built on them pays; the target column is the budget the row is held to, if any.
``-X importtime`` is not used: it misses modules imported through ``importlib``.

    python bench/import_time.py [--rounds 15] [--uncached-rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = "interpreter start: pass"
BASELINE = "baseline: import httpx, jwt"
HANDLE = "from realmid import Realm"
# label -> (statement, target ratio against the baseline or None)
STATEMENTS: dict[str, tuple[str, float | None]] = {
    START: ("pass", None),
    BASELINE: ("import httpx, jwt", None),
    "import realmid": ("import realmid", None),
    HANDLE: ("from realmid import Realm", 1.0),
    "from realmid import AsyncRealm": ("from realmid import AsyncRealm", 1.0),
    "Realm(...) constructed": (
        "from realmid import Realm; Realm(realm_id='r', api_key='k', base_url='http://127.0.0.1:1')",
        None,
    ),
    "Realm(...).tenants (first use)": (
        "from realmid import Realm; "
        "Realm(realm_id='r', api_key='k', base_url='http://127.0.0.1:1').tenants",
        None,
    ),
    "every resource of Realm(...)": (
        "from realmid import Realm; r = Realm(realm_id='r', api_key='k', "
        "base_url='http://127.0.0.1:1'); [getattr(r, n) for n in ('auth', 'tenants', "
        "'domains', 'api_keys', 'config', 'roles', 'origins', 'admin', 'otp', 'tokens')]",
        None,
    ),
}


def _env(extra: dict[str, str]) -> dict[str, str]:
    # Works from a plain checkout too: the generated package sits in generated_client/.
    paths = [str(ROOT), str(ROOT / "generated_client"), os.environ.get("PYTHONPATH", "")]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX",)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.update(extra)
    return env


def run_once(statement: str, *, cached: bool) -> tuple[float, int]:
    """(wall seconds of a fresh interpreter running ``statement``, modules it ended with)."""
    code = f"{statement}\nimport sys; print(len(sys.modules))"
    with tempfile.TemporaryDirectory(prefix="realmid-pyc-") as prefix:
        extra = {} if cached else {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": prefix}
        env = _env(extra)
        begin = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        ).stdout
        wall = time.perf_counter() - begin
    return wall, int(out.split()[-1])


Result = dict[str, tuple[float, int, float]]  # label -> (median wall, modules, ratio)


def measure(rounds: int, *, cached: bool) -> Result:
    """Per statement: median wall seconds, module count, and the median of its ratios to the
    baseline run just before it (interpreter start subtracted from both)."""
    labels = list(STATEMENTS)
    if cached:
        for label in labels:  # writes __pycache__ for everything the statements import
            run_once(STATEMENTS[label][0], cached=True)
    walls: dict[str, list[float]] = {label: [] for label in labels}
    bases: dict[str, list[float]] = {label: [] for label in labels}
    modules: dict[str, int] = {}
    others = [label for label in labels if label != BASELINE]
    for i in range(rounds):
        shift = i % len(others)
        for label in others[shift:] + others[:shift]:
            base, modules[BASELINE] = run_once(STATEMENTS[BASELINE][0], cached=cached)
            wall, modules[label] = run_once(STATEMENTS[label][0], cached=cached)
            walls[BASELINE].append(base)
            walls[label].append(wall)
            bases[label].append(base)
    start = statistics.median(walls[START])
    result: Result = {}
    for label in labels:
        pairs = zip(walls[label], bases[label] or walls[label], strict=False)
        ratio = statistics.median((mine - start) / (theirs - start) for mine, theirs in pairs)
        result[label] = (statistics.median(walls[label]), modules[label], ratio)
    return result


def report(title: str, results: Result, rounds: int) -> None:
    start, start_modules, _ = results[START]
    base_modules = results[BASELINE][1]
    print(
        f"\n{title} (median of {rounds} rounds, each run right after a baseline run; "
        "interpreter start subtracted)"
    )
    header = f"{'statement':<34} {'ms':>8} {'x baseline':>11} {'target':>7} {'ok':>3}"
    print(f"{header} {'modules':>8} {'+ vs base':>10}")
    for label, (wall, count, paired) in results.items():
        target = STATEMENTS[label][1]
        net = wall - start if label != START else wall
        ratio = "" if label == START else f"{paired:.2f}"
        goal = "" if target is None else f"<={target:.2f}"
        ok = "" if target is None else ("yes" if paired <= target else "NO")
        extra = "" if label == START else f"{count - base_modules:+d}"
        shown = count if label != START else start_modules
        print(
            f"{label:<34} {net * 1000:>8.1f} {ratio:>11} {goal:>7} {ok:>3} {shown:>8} {extra:>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="cached rounds (default 15)")
    parser.add_argument(
        "--uncached-rounds", type=int, default=7, help="uncached rounds (default 7; 0 skips)"
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {sys.platform}; baseline is {BASELINE!r}")
    report("cached bytecode", measure(args.rounds, cached=True), args.rounds)
    if args.uncached_rounds:
        uncached = measure(args.uncached_rounds, cached=False)
        report("no cached bytecode", uncached, args.uncached_rounds)


if __name__ == "__main__":
    main()
