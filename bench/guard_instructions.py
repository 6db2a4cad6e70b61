"""What the middleware's guard costs per request, counted, not timed: instructions and data-
cache misses under valgrind's cachegrind, against the same app without the guard.

This VM's timings drift by tens of percent; instruction counts much less: the ASGI guard's
count repeats to within 2 % between runs. Flask's own count moves by about 2 % (8k
instructions) between runs, so a WSGI guard's difference is good to about 5k; compare
several runs there. The L1 misses are what grows into the
guard's cost inside a server: there, between two requests, the server, the kernel and the
load client have evicted the guard's code and data, and each of these misses goes to a
slower cache or to memory. ``bench/middleware.py`` measures the requests/s that results.

Each candidate runs in-process: the app of ``bench/middleware.py`` (Starlette, or Flask
under WSGI) called directly with a fresh scope (environ) per request, carrying one logged-in
user's access token, 100 requests of warm-up, then ``--requests`` more. Every candidate
runs twice under cachegrind, with and without those requests; the difference over their
number is the per-request count (start-up and warm-up cancel; a ``gc.collect()`` before the
measured requests makes the garbage collector's work in them scale with their number).
The guard's cost is its candidate's count minus the bare app's.

``--cold`` flushes every cache level between two requests (a 1 MiB copy before each, the
bare app's runs too), as the server's own work does between a guard's requests, and
simulates a 512 KiB second level (this machine's L2): its misses are the guard's reads
from L3 or memory, what its cost inside a server grows from::

    python bench/guard_instructions.py [--requests 2000] [--cold]

Needs ``valgrind`` (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ASGI = ("bare", "realmid-async", "realmid-sync")
WSGI = ("flask-bare", "flask-realmid-sync", "flask-realmid-async")
WARM_UP = 100


def child(mode: str, requests: int, cold: bool) -> None:
    """In the process cachegrind watches: warm up, then ``requests`` requests."""
    flood = bytearray(1 << 20) if cold else None

    def flush() -> None:
        if flood is not None:
            bytes(flood)  # reads and writes 1 MiB: every cache level sees other data

    sys.path.insert(0, str(ROOT / "bench"))
    from middleware import build_app, build_wsgi_app, request_environ, request_scope

    token = os.environ["BENCH_TOKEN"]
    authorization, host = f"Bearer {token}".encode(), b"127.0.0.1:8000"
    if mode in WSGI:
        app = build_wsgi_app(mode)

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            if not status.startswith("200"):
                raise RuntimeError(f"unexpected answer: {status}")

        for _ in range(WARM_UP):
            b"".join(app(request_environ(host, authorization), start_response))
        gc.collect()  # the GC's counters start from zero: its collections scale with n
        for _ in range(requests):
            environ = request_environ(host, authorization)
            flush()
            b"".join(app(environ, start_response))
        return
    asgi = build_app(mode)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"unexpected answer: {message['status']}")

    async def run(n: int, flushed: bool = False) -> None:
        for _ in range(n):
            scope = request_scope(host, authorization)
            if flushed:
                flush()
            await asgi(scope, receive, send)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(run(WARM_UP))
    gc.collect()
    loop.run_until_complete(run(requests, flushed=True))


def counted(mode: str, requests: int, cold: bool, env: dict[str, str]) -> tuple[int, int, int]:
    """(instructions, L1 data misses, last-level data misses) of one child run under
    cachegrind (the last level a 512 KiB L2 with ``cold``)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=yes",
                *(["--LL=524288,8,64"] if cold else []),
                f"--cachegrind-out-file={tmp}/out",
                sys.executable,
                __file__,
                "--child",
                mode,
                "--requests",
                str(requests),
                *(["--cold"] if cold else []),
            ],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        ).stderr

    def total(label: str) -> int:
        found = re.search(rf"{label}:\s+([\d,]+)", out)
        if found is None:
            raise RuntimeError(f"no {label!r} in cachegrind's report:\n{out[-2000:]}")
        return int(found.group(1).replace(",", ""))

    return total("I\\s+refs"), total("D1\\s+misses"), total("LLd\\s+misses")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cold", action="store_true", help="flush the caches between requests")
    parser.add_argument("--child", choices=ASGI + WSGI, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests, args.cold)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not on PATH: apt-get install valgrind", file=sys.stderr)
        return 2

    from realmid.testing import RealmEmulator

    with RealmEmulator(rate_limit=1e9) as emu:
        tenant = emu.create_tenant("Bench Tenant")
        user = emu.seed_user("bench@example.test", {tenant: "owner"})
        emu.set_config(access_token_ttl=3600)
        env = {
            "BENCH_REALM_ID": emu.realm_id,
            "BENCH_API_KEY": emu.api_key,
            "BENCH_ISSUER": emu.base_url,
            "BENCH_AUDIENCE": emu.audience,
            "BENCH_PEM": json.dumps(emu.jwks()["keys"][0]),
            "BENCH_TOKEN": emu.session_for(user.id, tenant)["access_token"],
        }
        runs = [(mode, n) for mode in ASGI + WSGI for n in (0, args.requests)]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            results = dict(
                zip(runs, pool.map(lambda run: counted(*run, args.cold, env), runs), strict=True)
            )

    def per_request(mode: str) -> list[float]:
        before, after = results[(mode, 0)], results[(mode, args.requests)]
        return [(b - a) / args.requests for a, b in zip(before, after, strict=True)]

    last = "L2" if args.cold else "LL"
    print(
        f"per request, {args.requests} requests after {WARM_UP} of warm-up, in-process, one "
        "access token; cachegrind: instructions, L1 data-cache misses, last-level data misses"
        + (" (caches flushed between requests, the last level a 512 KiB L2)" if args.cold else "")
        + "\n"
    )
    for stack, modes in (("ASGI: Starlette", ASGI), ("WSGI: Flask", WSGI)):
        bare = per_request(modes[0])
        print(f"{stack}; baseline {modes[0]}")
        print(
            f"{'candidate':<22}{'instr':>10}{'L1d miss':>10}{last + ' miss':>9}"
            f"{'guard instr':>16}{'guard L1d':>13}{'guard ' + last:>12}"
        )
        for mode in modes:
            counts = per_request(mode)
            extra = ""
            if mode != modes[0]:
                # Cold, the bare app's counts include the flush: no share of them is shown.
                extra = "".join(
                    f"{mine - base:>{width}.0f}"
                    + ("     " if args.cold else f" {(mine - base) / base:>4.0%}")
                    for mine, base, width in zip(counts, bare, (10, 7, 6), strict=True)
                )
            print(f"{mode:<22}{counts[0]:>10.0f}{counts[1]:>10.0f}{counts[2]:>9.0f}{extra}")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
