"""Command line entry point: ``python -m generator [--check] [--spec PATH] [--out DIR]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from generator import core


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description=(
            "Regenerate the realmid_api client from the OpenAPI spec with openapi-python-client "
            f"{core.PINNED_OPENAPI_PYTHON_CLIENT_VERSION}. Relative paths are resolved against "
            f"the project root ({core.PROJECT_ROOT}), not the current directory."
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate the spec, regenerate into a temp dir and compare with --out byte by byte; "
        "list stale/missing/extra files and exit 1 if anything differs (writes nothing)",
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=core.DEFAULT_SPEC,
        help=f"OpenAPI document (default: {core.DEFAULT_SPEC})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=core.DEFAULT_OUT,
        help=f"generated tree holding {core.PACKAGE_NAME}/ and {core.PROVENANCE_NAME} "
        f"(default: {core.DEFAULT_OUT})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit code."""
    args = parse_args(argv)
    spec = core.resolve(args.spec)
    out = core.resolve(args.out)
    started = time.monotonic()
    try:
        if args.check:
            problems = core.check(spec, out)
            for line in problems:
                print(line)
            if problems:
                print(
                    f"{core.display(out)} is out of date with {core.display(spec)}: "
                    "run `python -m generator` and commit the result",
                    file=sys.stderr,
                )
                return 1
            print(f"OK: {core.display(out)} is up to date with {core.display(spec)}")
            return 0
        changes = core.regenerate(spec, out)
    except core.GeneratorFailure as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    elapsed = time.monotonic() - started
    print(
        f"regenerated {core.display(out)} from {core.display(spec)} "
        f"({changes} file(s) changed, {elapsed:.1f}s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
