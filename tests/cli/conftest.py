"""Fixtures of the CLI tests: a CliRunner bound to this test's emulator realm, and tokens."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
