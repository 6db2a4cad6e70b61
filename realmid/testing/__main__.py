"""``python -m realmid.testing [--host H] [--port N] [--profile P]``: serve until Ctrl-C.

Prints ``base_url=...``, ``realm_id=...`` and ``api_key=...`` (one per line) once it
serves; drive it through the contract and the ``/_emulator/*`` control routes.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from realmid.testing.profiles import DEFAULT, PROFILES
from realmid.testing.server import RealmEmulator


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, serve, wait for SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m realmid.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--rate-limit", type=float, default=1000.0, help="requests/second per IP")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=DEFAULT,
        help="answer shapes: default (with harmless extras) or reference (the Go types exactly)",
    )
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with RealmEmulator(
        host=args.host, port=args.port, rate_limit=args.rate_limit, profile=args.profile
    ) as emu:
        print(f"base_url={emu.base_url}")
        print(f"realm_id={emu.realm_id}")
        print(f"api_key={emu.api_key}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
