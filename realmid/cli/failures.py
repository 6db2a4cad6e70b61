"""Exit codes and the one way a command fails: a taxonomy code, a message, no traceback.

Scripts branch on the exit code (documented in docs/cli.md); people read the line on
stderr. In ``--json`` mode the failure is also a JSON object on stdout, so the output is
still one JSON document.
"""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import Any

import click

from realmid.errors import ErrorCode, RealmError


class Exit(IntEnum):
    """The exit status of ``realmid``."""

    OK = 0
    ISSUER = 1  # the issuer (or the SDK on its behalf) refused the call
    USAGE = 2  # a bad command line or argument, refused before any request
    CONFIG = 3  # a required setting (REALMID_...) is missing
    TOKEN_REFUSED = 4  # verify/decode: the token is not valid
    UNREACHABLE = 5  # the issuer or its JWKS could not be reached: try again later
    DECLINED = 6  # a confirmation was declined: nothing was done


# Codes that say "could not ask", not "the answer is no": a script should retry them.
_UNREACHABLE = {ErrorCode.NETWORK, ErrorCode.JWKS_FETCH_FAILED}


class CliFailure(click.ClickException):
    """A failure shown as ``realmid: <code>: <message>`` and exited with ``exit_code``."""

    def __init__(
        self,
        code: str,
        message: str,
        exit_code: Exit,
        *,
        request_id: str | None = None,
        extra: dict[str, Any] | None = None,
        as_json: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        # Click declares exit_code on the class; each failure carries its own.
        self.exit_code = int(exit_code)  # type: ignore[misc]
        self.request_id = request_id
        self.extra = dict(extra or {})
        self.as_json = as_json

    def document(self) -> dict[str, Any]:
        """The failure as the JSON object ``--json`` prints."""
        body: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.request_id:
            body["request_id"] = self.request_id
        return {"error": body}

    def show(self, file: Any = None) -> None:
        if self.as_json:
            sys.stdout.write(json.dumps(self.document(), indent=2, default=str) + "\n")
            sys.stdout.flush()
        line = f"realmid: {self.code}: {self.message}"
        for key, value in self.extra.items():
            line += f"\n  {key}: {value}"
        if self.request_id:
            line += f"\n  request_id: {self.request_id}"
        click.echo(line, err=True)


def missing_setting(variable: str, flag: str, why: str = "") -> CliFailure:
    """Configuration missing: names the variable to set and the flag that replaces it."""
    reason = f" ({why})" if why else ""
    return CliFailure(
        str(ErrorCode.BAD_REQUEST),
        f"{variable} is not set{reason}: export {variable}=... or pass {flag}",
        Exit.CONFIG,
    )


def from_realm_error(
    err: RealmError, *, as_json: bool = False, redact: tuple[str, ...] = ()
) -> CliFailure:
    """A RealmError as the CLI shows it, with the exit code its kind maps to.

    ``redact`` lists strings (the API key, a token) that must not appear in the output even
    if a message ever quoted one.
    """
    if err.code in _UNREACHABLE:
        exit_code = Exit.UNREACHABLE
    elif err.http_status == 0 and err.code == ErrorCode.BAD_REQUEST:
        exit_code = Exit.USAGE  # the SDK refused the input before any request
    else:
        exit_code = Exit.ISSUER
    status = f" (HTTP {err.http_status})" if err.http_status else ""
    return CliFailure(
        str(err.code),
        scrub(err.message, redact) + status,
        exit_code,
        request_id=err.request_id,
        as_json=as_json,
    )


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every non-empty string of ``secrets`` replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
