"""``Output.many`` when a later page fails: stdout still holds one valid JSON document."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from realmid.cli.failures import CliFailure, Exit
from realmid.cli.output import Output, span
from realmid.errors import ErrorCode, RealmError


def _pages(fail_at: int) -> Iterator[Sequence[dict[str, Any]]]:
    for number in range(1, 4):
        if number == fail_at:
            raise RealmError(ErrorCode.RATE_LIMITED, "slow down", 429, request_id="req_1")
        yield [{"id": f"t{number}", "secret": "never shown"}]


def test_a_failure_after_the_first_page_closes_the_array(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(CliFailure) as caught:
        Output(as_json=True).many(_pages(fail_at=2), ["id"], "tenants")
    out = capsys.readouterr().out
    assert json.loads(out) == [{"id": "t1"}]  # valid, and the secret field dropped
    assert caught.value.exit_code == Exit.ISSUER
    assert caught.value.code == "rate_limited"
    assert "after 1 tenants: the list on stdout is incomplete" in caught.value.message
    assert caught.value.as_json is False  # its JSON would be a second document on stdout


def test_a_failure_on_the_first_page_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RealmError):
        Output(as_json=True).many(_pages(fail_at=1), ["id"], "tenants")
    assert capsys.readouterr().out == ""


def test_spans_read_as_people_say_them() -> None:
    assert span(0) == "0 s"
    assert span(12) == "12 s"
    assert span(192) == "3 min 12 s"
    assert span(2 * 3600 + 5 * 60 + 7) == "2 h 5 min"
    assert span(-(4 * 86400 + 3 * 3600)) == "4 d 3 h"
