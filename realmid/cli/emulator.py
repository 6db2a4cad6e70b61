"""``realmid emulator``: run the local issuer and print the lines that point at it."""

from __future__ import annotations

import signal
import threading

import click

from realmid._extras import missing_extra
from realmid.cli.failures import CliFailure, Exit


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (default: any).")
@click.option(
    "--profile",
    type=click.Choice(["default", "reference"]),
    default="default",
    show_default=True,
    help="Answer shapes: with harmless extras, or the reference's Go types exactly.",
)
def emulator(host: str, port: int, profile: str) -> None:
    """Serve the Realm ID emulator until Ctrl-C.

    Prints `export REALMID_...` lines on stdout: `eval "$(realmid emulator &)"` is not
    possible in one shell, so run it in one terminal and paste them into another.
    """
    try:
        from realmid.testing.server import RealmEmulator
    except ModuleNotFoundError as exc:
        error = missing_extra(exc, "testing", "realmid emulator")
        raise CliFailure("bad_request", str(error), Exit.CONFIG) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    emu = RealmEmulator(host=host, port=port, profile=profile)
    try:
        emu.start()
    except OSError as exc:  # the port is taken, or the interface is not this machine's
        raise CliFailure(
            "network", f"cannot serve on {host}:{port}: {exc.strerror or exc}", Exit.UNREACHABLE
        ) from None
    try:
        # The emulator's own key for its own realm: printing it is the point, and it is no
        # production secret.
        click.echo(f"export REALMID_BASE_URL={emu.base_url}")
        click.echo(f"export REALMID_REALM_ID={emu.realm_id}")
        click.echo(f"export REALMID_API_KEY={emu.api_key}")
        click.echo(
            f"emulator serving at {emu.base_url} ({profile} profile); Ctrl-C stops it", err=True
        )
        while not stop.wait(0.2):
            pass
    finally:
        emu.stop()
    click.echo("emulator stopped", err=True)
