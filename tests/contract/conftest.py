"""Shared state of the contract tests: the schemathesis tally, printed in the terminal summary."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter
from contract_support import SchemathesisTally

_TALLY = pytest.StashKey[SchemathesisTally]()


@pytest.fixture(scope="session")
def schemathesis_tally(pytestconfig: pytest.Config) -> SchemathesisTally:
    """The session's tally (one per run, read back by the terminal summary)."""
    tally = pytestconfig.stash.get(_TALLY, None)
    if tally is None:
        tally = pytestconfig.stash[_TALLY] = SchemathesisTally()
    return tally


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(_TALLY, None)
    if tally is not None and tally.cases:
        terminalreporter.write_line(
            f"schemathesis: {len(tally.operations)} operations, {tally.cases} cases"
        )
