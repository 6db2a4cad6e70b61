"""Fixtures of the CLI tests: a CliRunner bound to this test's emulator realm, and tokens."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from realmid.cli import State, cli
from realmid.testing import RealmEmulator

ENV_NAMES = ("REALMID_REALM_ID", "REALMID_API_KEY", "REALMID_BASE_URL", "REALMID_TIMEOUT")


def emulator_env(emulator: RealmEmulator) -> dict[str, str | None]:
    """The variables that point the CLI at ``emulator``'s realm (and nothing inherited)."""
    return {
        **dict.fromkeys(ENV_NAMES),
        "REALMID_REALM_ID": emulator.realm_id,
        "REALMID_API_KEY": emulator.api_key,
        "REALMID_BASE_URL": emulator.base_url,
    }


@dataclass
class Run:
    """``run("tenants", "list")``: the CLI in-process, over the test's emulator realm."""

    env: dict[str, str | None]

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        state: State | None = None,
        env: Mapping[str, str | None] | None = None,
    ) -> Result:
        runner = CliRunner()
        return runner.invoke(
            cli,
            list(args),
            input=input,
            env={**self.env, **(env or {})},
            obj=state,
            catch_exceptions=False,
        )

    def json(self, *args: str, **kwargs: Any) -> Any:
        """Run with --json; asserts exit 0 and that stdout is one JSON document alone."""
        result = self(*args, "--json", **kwargs)
        assert result.exit_code == 0, (result.stdout, result.stderr)
        return json.loads(result.stdout)


@pytest.fixture
def run(emulator: RealmEmulator) -> Run:
    return Run(emulator_env(emulator))


@pytest.fixture
def user_token(emulator: RealmEmulator) -> Callable[[], tuple[str, str, str]]:
    """A function minting ``(access_token, user_id, tenant_id)`` for a fresh user."""
    counter = iter(range(1, 1000))

    def make() -> tuple[str, str, str]:
        n = next(counter)
        tenant = emulator.create_tenant(f"Token Tenant {n}")
        user = emulator.seed_user(f"token-user-{n}@example.test", {tenant: "owner"})
        return str(emulator.session_for(user.id, tenant)["access_token"]), user.id, tenant

    return make


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:  # no skip: a silent skip would hide the revocation test
        raise RuntimeError("redis-server is not on PATH: apt-get install -y redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
