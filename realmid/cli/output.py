"""What the commands print: a Rich table for people, JSON alone on stdout for scripts.

Progress lines and notes always go to stderr, so ``realmid ... --json | jq`` sees nothing
but the document. Secrets are dropped from every record before it is shown; the one place
a secret is printed (the answer of a create that returns it) goes through
:meth:`Output.secret`, which says it will not be shown again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from rich.console import Console
from rich.table import Table

from realmid.cli.failures import CliFailure, Exit, from_realm_error
from realmid.errors import RealmError

# Fields the issuer returns that must never reach a terminal or a log: an API key's secret,
# an OTP's plaintext, tokens. Dropped from every record; see Output.secret for the exception.
SECRET_FIELDS = frozenset(
    {
        "secret",
        "value",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "backup_codes",
        "totp_secret",
        "otpauth_url",
        "otpauth_uri",
        "mfa_challenge_token",
    }
)


class HasToDict(Protocol):
    """A generated model (attrs, with a JSON-ready ``to_dict``)."""

    def to_dict(self) -> dict[str, Any]: ...


def record(item: HasToDict | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-ready fields of a model or a mapping, secrets removed."""
    data = dict(item) if isinstance(item, Mapping) else item.to_dict()
    return {k: v for k, v in data.items() if k not in SECRET_FIELDS}


def cell(value: Any) -> str:
    """One table cell: scalars as they are, lists joined, objects as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def table_cell(column: str, value: Any) -> str:
    """A list cell: a time column's unix seconds shown as UTC, anything else as ``cell``."""
    if column.endswith("_at") and isinstance(value, int | float) and not isinstance(value, bool):
        return utc(value)
    return cell(value)


def utc(seconds: float) -> str:
    """Unix seconds as an ISO-8601 UTC time."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def span(seconds: float) -> str:
    """A duration as people say it: ``12 s``, ``3 min 12 s``, ``2 h 5 min``, ``4 d 3 h``."""
    total = round(abs(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    shown = [f"{n} {unit}" for n, unit in parts if n]
    # The two largest units are precise enough for a human reading an expiry.
    return " ".join(shown[:2]) if shown else "0 s"


def relative(moment: float, now: float) -> str:
    """``in 12 min`` or ``3 min 12 s ago``."""
    delta = moment - now
    return f"in {span(delta)}" if delta >= 0 else f"{span(delta)} ago"


class Output:
    """Where one command's results and notes go."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        # Piped into grep or a file, a table gets room for one line per row (a terminal's
        # own width, or COLUMNS, otherwise); soft_wrap keeps long lines whole.
        wide = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200
        self.out = Console(soft_wrap=True, width=wide)
        self.err = Console(stderr=True, soft_wrap=True)

    def note(self, text: str) -> None:
        """A line for the person at the terminal, on stderr (never in the JSON)."""
        self.err.print(text, markup=False, highlight=False)

    def json(self, document: Any) -> None:
        """One JSON document, alone on stdout."""
        sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
        sys.stdout.flush()

    def one(self, item: HasToDict | Mapping[str, Any], title: str | None = None) -> None:
        """A single record: a two-column table, or its JSON object."""
        data = record(item)
        if self.as_json:
            self.json(data)
            return
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for key, value in data.items():
            table.add_row(key, cell(value))
        self.out.print(table)

    def done(self, message: str, document: Mapping[str, Any]) -> None:
        """An action with no record to show (a delete): a sentence, or a small JSON object."""
        if self.as_json:
            self.json(dict(document))
        else:
            self.out.print(message, markup=False, highlight=False)

    def secret(self, label: str, value: str) -> None:
        """The one-time secret of a create, with the warning that it is shown once."""
        self.note(f"{label} is shown this once: store it now, it cannot be read again.")
        if not self.as_json:
            self.out.print(f"{label}: {value}", markup=False, highlight=False)

    def many(
        self,
        pages: Iterable[Sequence[HasToDict | Mapping[str, Any]]],
        columns: Sequence[str],
        noun: str,
        limit: int | None = None,
    ) -> int:
        """Stream a list page by page; returns how many items were shown.

        JSON: one array, written item by item as pages arrive (memory stays flat). Table: the
        rows of every page, then the table. Either way, a list longer than one page writes a
        progress line to stderr after each page, and ``limit`` stops after that many items.
        """
        count = 0
        rows: list[dict[str, Any]] = []
        opened = False
        stream = enumerate(pages, start=1)
        while True:
            try:
                page_number, page = next(stream)
            except StopIteration:
                break
            except RealmError as err:
                if not opened:
                    raise  # nothing written yet: the failure is the whole output
                # A later page failed: the array already on stdout is closed, so it stays
                # valid JSON, and the failure goes to stderr only, saying it is partial.
                sys.stdout.write("\n]\n")
                sys.stdout.flush()
                failure = from_realm_error(err)
                raise CliFailure(
                    failure.code,
                    f"{failure.message} (after {count} {noun}: the list on stdout is incomplete)",
                    Exit(failure.exit_code),
                    request_id=failure.request_id,
                ) from None
            if self.as_json and not opened:
                sys.stdout.write("[")
            opened = True
            for item in page:
                if limit is not None and count >= limit:
                    break
                data = record(item)
                if self.as_json:
                    prefix = "\n  " if count == 0 else ",\n  "
                    sys.stdout.write(prefix + json.dumps(data, default=str).replace("\n", ""))
                else:
                    rows.append(data)
                count += 1
            if limit is not None and count >= limit:
                break
            self._progress(page_number, count, noun)
        if self.as_json:
            sys.stdout.write(("\n]\n" if count else "]\n") if opened else "[]\n")
            sys.stdout.flush()
            return count
        table = Table(title_justify="left")
        cells = [[table_cell(column, data.get(column)) for column in columns] for data in rows]
        for index, column in enumerate(columns):
            if column == "id" or column.endswith(("_id", "_at")):
                # An id is copied whole or not at all, and a time read whole: never wrapped,
                # never cut; the other columns give way on a narrow terminal (--json has all).
                widest = max((len(row[index]) for row in cells), default=0)
                table.add_column(column, no_wrap=True, min_width=min(widest, 64))
            else:
                table.add_column(column)
        for row in cells:
            table.add_row(*row)
        self.out.print(table)
        self.note(f"{count} {noun}")
        return count

    def _progress(self, page_number: int, count: int, noun: str) -> None:
        # From the second page on: a one-page list needs no progress report.
        if page_number > 1:
            self.note(f"... {count} {noun} so far (page {page_number})")


def item_pages(pages: Iterable[Any]) -> Iterator[Sequence[Any]]:
    """The items of each page of a paginator (``realmid.models.Page``) or of raw envelopes."""
    for page in pages:
        items = getattr(page, "items", None)
        yield list(items) if isinstance(items, list) else []
