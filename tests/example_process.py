"""One way to run an example app as its one command (``python -m examples.<name>``) in a
test: started as a process on a free port, waited for on ``/health``, stopped with SIGINT
(what Ctrl-C sends) and required to exit cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from examples.serving import free_port

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Running:
    url: str
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text()


def example_env(*drop_prefixes: str, **extra: str) -> dict[str, str]:
    """The test's environment without REALMID_* (so an example uses its own emulator), nor
    any other of ``drop_prefixes``, plus ``extra``."""
    prefixes = ("REALMID_", *drop_prefixes)
    return {**{k: v for k, v in os.environ.items() if not k.startswith(prefixes)}, **extra}


@contextmanager
def running_example(
    module: str, tmp_path: Path, env: dict[str, str] | None = None
) -> Iterator[Running]:
    port = free_port()
    log = tmp_path / f"{module}.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "--port", str(port)],
            cwd=ROOT,
            env=example_env() if env is None else env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    running = Running(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, running.output
            assert time.monotonic() < deadline, running.output
            try:
                if httpx.get(f"{running.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield running
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, running.output
