"""The root ``realmid`` group: settings from flags or ``REALMID_*``, one Realm per run.

Every command reaches the issuer through :meth:`State.realm`, a sync :class:`realmid.Realm`
built on first use and closed when the command ends. The group turns every RealmError into
its code, message and request id and an exit code (``failures.Exit``): no traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from realmid._version import SERVER_VERSION, __version__
from realmid.cli.failures import CliFailure, Exit, from_realm_error, missing_setting, scrub
from realmid.errors import RealmError

if TYPE_CHECKING:
    from realmid._sync.realm import Realm
    from realmid.revocation import RevocationCache


@dataclass
class State:
    """The settings of one run, and the handle built from them.

    ``clock`` and ``revocation`` are what ``verify`` runs on (the wall clock and an empty
    cache unless given): a test passes the emulator's clock and a cache a logout filled,
    through ``CliRunner.invoke(cli, ..., obj=State(...))``.
    """

    realm_id: str | None = None
    api_key: str | None = None
    base_url: str | None = None
    timeout: float | None = None
    clock: Callable[[], float] | None = None
    revocation: RevocationCache | None = None
    as_json: bool = False
    # Strings that must never be printed, even inside an error message (the API key, the
    # token being verified).
    redact: list[str] = field(default_factory=list)
    _realm: Realm | None = None

    def secrets(self) -> tuple[str, ...]:
        return (self.api_key or "", *self.redact)

    def realm(self, leeway: float | None = None) -> Realm:
        """The run's Realm; a missing realm id or API key is a configuration failure."""
        if self._realm is not None:
            return self._realm
        if not self.realm_id:
            raise missing_setting("REALMID_REALM_ID", "--realm-id")
        if not self.api_key:
            raise missing_setting("REALMID_API_KEY", "--api-key")
        from realmid._sync.realm import Realm

        options: dict[str, Any] = {}
        if self.base_url:
            options["base_url"] = self.base_url
        if self.timeout is not None:
            options["timeout"] = self.timeout
        if leeway is not None:
            options["leeway"] = leeway
        if self.clock is not None:
            options["clock"] = self.clock
        if self.revocation is not None:
            options["revocation"] = self.revocation
        self._realm = Realm(realm_id=self.realm_id, api_key=self.api_key, **options)
        click.get_current_context().call_on_close(self._realm.close)
        return self._realm


pass_state = click.make_pass_decorator(State, ensure=True)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: the result as JSON alone on stdout (notes and progress on stderr)."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON alone on stdout (for scripts)."
    )(func)


def begin(state: State, as_json: bool) -> None:
    """Record the output mode first, so a failure is shown in the same mode."""
    state.as_json = as_json


class RealmGroup(click.Group):
    """A group that shows a RealmError as a code and a message, never a traceback."""

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        if extra.get("standalone_mode", True) is False:
            return super().main(args, prog_name, **extra)
        extra["standalone_mode"] = False
        # Click's standalone mode, with usage errors in the CLI's own "code: message" form.
        try:
            status = super().main(args, prog_name, **extra)
        except click.UsageError as err:
            no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
            if isinstance(err, no_args):  # a bare group: its help is the answer
                click.echo(err.format_message(), err=True)
                sys.exit(Exit.USAGE)
            if err.ctx is not None:
                click.echo(err.ctx.get_usage(), err=True)
            click.echo(f"realmid: bad_request: {err.format_message()}", err=True)
            sys.exit(Exit.USAGE)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except click.Abort:  # Ctrl-C
            click.echo("realmid: aborted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # `realmid ... | head`: the reader left. Quietly, and without the second error
            # Python would print flushing stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RealmError as err:
            state = ctx.find_object(State) or State()
            raise from_realm_error(err, as_json=state.as_json, redact=state.secrets()) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            if os.environ.get("REALMID_DEBUG"):
                raise
            # A bug of the CLI itself: still one line, which REALMID_DEBUG=1 expands.
            state = ctx.find_object(State) or State()
            raise CliFailure(
                "internal_error",
                scrub(
                    f"{type(exc).__name__}: {exc} (REALMID_DEBUG=1 shows the traceback)",
                    state.secrets(),
                ),
                Exit.ISSUER,
                as_json=state.as_json,
            ) from None


@click.group(cls=RealmGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--realm-id", envvar="REALMID_REALM_ID", show_envvar=True, help="The realm to act on."
)
@click.option(
    "--api-key",
    envvar="REALMID_API_KEY",
    show_envvar=True,
    help="The realm's API key (prefer the variable: a flag shows in `ps`).",
)
@click.option(
    "--base-url",
    envvar="REALMID_BASE_URL",
    show_envvar=True,
    help="The issuer (default: the canonical Realm ID issuer).",
)
@click.option(
    "--timeout", envvar="REALMID_TIMEOUT", show_envvar=True, type=float, help="Seconds per call."
)
@click.version_option(
    __version__,
    "--version",
    prog_name="realmid",
    message=f"%(prog)s %(version)s (Realm ID API {SERVER_VERSION})",
)
@click.pass_context
def cli(
    ctx: click.Context,
    realm_id: str | None,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
) -> None:
    """Realm ID from the command line: verify and decode tokens, manage a realm, run the
    emulator.

    Configure with REALMID_REALM_ID, REALMID_API_KEY and REALMID_BASE_URL (or the flags).
    Exit codes: 0 ok, 1 refused by the issuer, 2 usage, 3 configuration missing,
    4 token refused, 5 issuer unreachable, 6 confirmation declined.
    """
    state = ctx.ensure_object(State)
    # Values a test put on the State win; then flags, then the environment (Click's envvar).
    state.realm_id = state.realm_id or realm_id
    state.api_key = state.api_key or api_key
    state.base_url = state.base_url or base_url
    state.timeout = state.timeout if state.timeout is not None else timeout


def yes_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--yes``: skip the confirmation a destructive command asks for."""
    return click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(func)


def confirm(question: str, yes: bool) -> None:
    """Ask on stderr (stdout stays clean for --json); a no, or no answer, is Exit.DECLINED."""
    if yes:
        return
    try:
        agreed = click.confirm(question, default=False, err=True)
    except click.Abort:  # end of input (a script without --yes) or Ctrl-C
        agreed = False
    if not agreed:
        raise CliFailure(
            "declined", "not confirmed: nothing was done (--yes skips the question)", Exit.DECLINED
        )


def list_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--page-size`` and ``--max`` for the list commands."""
    func = click.option(
        "--max", "max_items", type=click.IntRange(min=1), help="Stop after this many items."
    )(func)
    return click.option(
        "--page-size",
        type=click.IntRange(min=1),
        help="Items per request (default: the issuer's).",
    )(func)
