"""The SDK is silent unless the application configures logging (the reference's default
logger discards)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging
import realmid

logging.getLogger("realmid").warning("realmid: a warning nobody asked to see")
logging.getLogger("realmid.testing").error("realmid: nor an error of a child logger")
"""


def test_nothing_reaches_stderr_without_logging_configured() -> None:
    # A fresh interpreter: pytest's own log capture would hide Python's last-resort handler.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stderr == ""


def test_a_configured_application_still_sees_the_warnings() -> None:
    script = "import logging\nlogging.basicConfig()\n" + SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "a warning nobody asked to see" in done.stderr
