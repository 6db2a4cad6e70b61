"""Run the multi-pod revocation demo: ``python -m examples.multi_pod [--cache redis|memory]``.

Uses ``REALMID_REDIS_URL`` when set, else starts a ``redis-server`` of its own. Exits 0
when pod B refused the token pod A logged out, 1 when it accepted it (``--cache memory``
shows that failure) or a step failed, 2 when there is no Redis to use.
"""

from __future__ import annotations

import argparse
import sys
import time

from examples.multi_pod import DemoError, RedisNotFound, run_demo


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument(
        "--cache",
        choices=("redis", "memory"),
        default="redis",
        help="the pods' revocation cache: one shared Redis (default), or one in memory each",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    step = 0

    def say(text: str) -> None:
        nonlocal step
        step += 1
        print(f"{step:>2}. {text}", flush=True)

    try:
        refused = run_demo(args.cache, say)
    except RedisNotFound as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except DemoError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    took = f"{step} steps in {time.perf_counter() - started:.1f} s"
    if refused:
        print(f"\nOK: pod B refused the token pod A logged out ({took})")
        return 0
    print(
        f"\nFAILED: pod B accepted a token pod A had logged out ({took}); the pods need a"
        " shared revocation cache (RedisRevocationCache)"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
