"""Commands that act for one user of the realm (BFF style: the platform token plus
``X-On-Behalf-Of-User``): ``sessions`` and ``otp``."""

from __future__ import annotations

import sys

import click

from realmid.cli._app import (
    State,
    begin,
    confirm,
    json_option,
    list_options,
    pass_state,
    yes_option,
)
from realmid.cli.output import Output, item_pages


def user_option(func: click.decorators.FC) -> click.decorators.FC:
    """``--user``: the user the call acts for."""
    return click.option("--user", "user_id", required=True, help="The user's id.")(func)


@click.group()
def sessions() -> None:
    """A user's live sessions."""


@sessions.command("list")
@user_option
@list_options
@json_option
@pass_state
def sessions_list(
    state: State, user_id: str, page_size: int | None, max_items: int | None, as_json: bool
) -> None:
    """The live sessions of --user."""
    begin(state, as_json)
    pages = state.realm().auth.list_sessions(user_id=user_id, limit=page_size).pages()
    Output(as_json).many(
        item_pages(pages),
        ["id", "created_at", "last_used_at", "user_agent", "ip"],
        "sessions",
        max_items,
    )


@sessions.command("revoke")
@click.argument("session_id")
@user_option
@yes_option
@json_option
@pass_state
def sessions_revoke(state: State, session_id: str, user_id: str, yes: bool, as_json: bool) -> None:
    """End one session of --user (its refresh token stops working)."""
    begin(state, as_json)
    confirm(f"End session {session_id} of user {user_id}?", yes)
    state.realm().auth.revoke_session(session_id, user_id=user_id)
    Output(as_json).done(f"ended session {session_id}", {"revoked": session_id})


@click.group()
def otp() -> None:
    """Partner one-time passwords, issued and verified as --user."""


@otp.command("issue")
@click.argument("subject_ref")
@click.argument("purpose")
@user_option
@json_option
@pass_state
def otp_issue(state: State, subject_ref: str, purpose: str, user_id: str, as_json: bool) -> None:
    """Mint an OTP for SUBJECT_REF and PURPOSE; its value is printed this once."""
    begin(state, as_json)
    issued = state.realm().otp.issue(subject_ref, purpose, user_id=user_id)
    out = Output(as_json)
    if as_json:
        out.json({**issued.to_dict(), "value": issued.value})
        out.note("the value is shown this once by `issue`: deliver it out of band.")
        return
    out.one(issued, title="OTP issued")
    out.secret("value", issued.value)


@otp.command("view")
@click.argument("otp_id")
@user_option
@json_option
@pass_state
def otp_view(state: State, otp_id: str, user_id: str, as_json: bool) -> None:
    """Show an active OTP, value included: only its issuer (--user) may read it."""
    begin(state, as_json)
    viewed = state.realm().otp.view(otp_id, user_id=user_id)
    out = Output(as_json)
    # Reading the value back is this command's whole point, asked for explicitly.
    if as_json:
        out.json({**viewed.to_dict(), "value": viewed.value})
        return
    out.one(viewed, title="OTP")
    out.out.print(f"value: {viewed.value}", markup=False, highlight=False)


@otp.command("verify")
@click.argument("subject_ref")
@click.argument("purpose")
@click.argument("code")
@user_option
@json_option
@pass_state
def otp_verify(
    state: State, subject_ref: str, purpose: str, code: str, user_id: str, as_json: bool
) -> None:
    """Check CODE (or - for stdin) for SUBJECT_REF and PURPOSE, consuming it on a match."""
    begin(state, as_json)
    presented = sys.stdin.readline().strip() if code == "-" else code
    state.redact.append(presented)
    used = state.realm().otp.verify(subject_ref, purpose, presented, user_id=user_id)
    Output(as_json).one(used, title="OTP verified (consumed)")
