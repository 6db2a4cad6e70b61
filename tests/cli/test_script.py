"""The installed ``realmid`` script (and ``python -m realmid``), one subprocess per group.

In-process CliRunner tests (test_verify.py, test_manage.py) cover the behaviour; these
prove the console script is installed, finds its configuration in the environment, and
exits with the documented codes as a real process, for every command group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import realmid
from realmid.cli import Exit
from realmid.testing import RealmEmulator
from realmid.testing.seeding import SeededUser
from tests.cli.conftest import ENV_NAMES, emulator_env

SCRIPT = Path(sys.executable).with_name("realmid")


def _env(overrides: dict[str, str | None]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    env.update({k: v for k, v in overrides.items() if v is not None})
    return env


def script(
    *args: str, env: dict[str, str | None] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=_env(env or {}),
        input=stdin,
        timeout=60,
        check=False,
    )


def script_json(emulator: RealmEmulator, *args: str) -> object:
    done = script(*args, "--json", env=emulator_env(emulator))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_script_is_installed() -> None:
    assert SCRIPT.is_file()


def test_version_and_help() -> None:
    version = script("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == (
        f"realmid {realmid.__version__} (Realm ID API {realmid.SERVER_VERSION})"
    )
    helped = script("--help")
    assert helped.returncode == 0
    for group in (
        "verify",
        "decode",
        "tenants",
        "users",
        "invitations",
        "roles",
        "origins",
        "domains",
        "api-keys",
        "config",
        "admin",
        "sessions",
        "otp",
        "emulator",
    ):
        assert f"  {group} " in helped.stdout, group


def test_a_usage_error_exits_2() -> None:
    done = script("--frobnicate")
    assert done.returncode == Exit.USAGE
    assert "realmid: bad_request: No such option '--frobnicate'" in done.stderr
    assert done.stdout == ""


def test_verify_and_decode(emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Script")
    user = emulator.seed_user("script@example.test", {tenant: "owner"})
    token = str(emulator.session_for(user.id, tenant)["access_token"])
    claims = script_json(emulator, "verify", token)
    assert isinstance(claims, dict)
    assert claims["sub"] == user.id
    piped = script("verify", "-", env=emulator_env(emulator), stdin=token)
    assert piped.returncode == 0, piped.stderr
    middle = len(token) - 40  # inside the signature, away from its last (padding) bits
    forged = token[:middle] + ("B" if token[middle] == "A" else "A") + token[middle + 1 :]
    refused = script("verify", forged, env=emulator_env(emulator))
    assert refused.returncode == Exit.TOKEN_REFUSED
    assert "realmid: bad_signature: " in refused.stderr
    assert "Traceback" not in refused.stderr
    decoded = script("decode", token)  # no configuration at all
    assert decoded.returncode == 0, decoded.stderr
    assert "NOT VERIFIED" in decoded.stdout


def test_read_commands_of_each_group(emulator: RealmEmulator) -> None:
    info = script_json(emulator, "info")
    assert isinstance(info, dict)
    assert info["id"] == emulator.realm_id
    roles = script_json(emulator, "roles", "list")
    assert isinstance(roles, list)
    assert [r["name"] for r in roles] == ["owner", "member"]
    keys = script_json(emulator, "api-keys", "list")
    assert isinstance(keys, list)
    assert [k["display_name"] for k in keys] == ["default"]
    assert all("secret" not in k for k in keys)
    assert script_json(emulator, "tenants", "list") == []
    assert script_json(emulator, "origins", "list") == []
    stats = script_json(emulator, "admin", "stats")
    assert isinstance(stats, dict)
    assert stats["platforms_count"] >= 1


def test_tenants_users_invitations(emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    tenant = next(iter(mfa_user.tenants))
    users = script_json(emulator, "users", "list", tenant)
    assert isinstance(users, list)
    assert [u["id"] for u in users] == [mfa_user.id]
    invited = script_json(emulator, "invitations", "create", tenant, "i@example.test")
    assert isinstance(invited, dict)
    assert invited["email"] == "i@example.test"
    declined = script("tenants", "delete", tenant, env=emulator_env(emulator))  # stdin empty
    assert declined.returncode == Exit.DECLINED


def test_config_domains_sessions_otp(emulator: RealmEmulator, mfa_user: SeededUser) -> None:
    config = script_json(emulator, "config", "set", "session_limit=7")
    assert isinstance(config, dict)
    assert config["session_limit"] == 7
    claim = script_json(emulator, "domains", "claim", "sub.partner.test")
    assert isinstance(claim, dict)
    assert claim["claim_token"]
    assert script_json(emulator, "sessions", "list", "--user", mfa_user.id) == []
    issued = script_json(emulator, "otp", "issue", "order-9", "pickup", "--user", mfa_user.id)
    assert isinstance(issued, dict)
    assert issued["value"]


def test_api_key_create_shows_its_secret_once(emulator: RealmEmulator) -> None:
    created = script("api-keys", "create", "script key", env=emulator_env(emulator))
    assert created.returncode == 0, created.stderr
    assert created.stdout.count("secret: rk_") == 1
    assert "shown this once" in created.stderr


def test_errors_and_missing_configuration(emulator: RealmEmulator) -> None:
    missing = script("tenants", "get", "ten_nope", env=emulator_env(emulator))
    assert missing.returncode == Exit.ISSUER
    assert "realmid: not_found: " in missing.stderr
    assert emulator.api_key not in missing.stderr
    unset = script("tenants", "list")
    assert unset.returncode == Exit.CONFIG
    assert "REALMID_REALM_ID is not set" in unset.stderr


def test_the_emulator_command_prints_exports_that_the_other_commands_use() -> None:
    proc = subprocess.Popen(
        [str(SCRIPT), "emulator", "--profile", "reference"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env({}),
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(3)]
        exports = dict(line.removeprefix("export ").split("=", 1) for line in lines)
        assert set(exports) == {"REALMID_BASE_URL", "REALMID_REALM_ID", "REALMID_API_KEY"}
        assert all(line.startswith("export REALMID_") for line in lines)
        info = script("info", "--json", env=dict(exports))
        assert info.returncode == 0, info.stderr
        assert json.loads(info.stdout)["id"] == exports["REALMID_REALM_ID"]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "emulator stopped" in err


def test_python_m_realmid_is_the_same_cli(emulator: RealmEmulator) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "realmid", "tenants", "list", "--json"],
        capture_output=True,
        text=True,
        env=_env(emulator_env(emulator)),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_without_the_cli_extra_the_command_names_it() -> None:
    # Click hidden, as in an install without [cli]: the script is there, the extra is not.
    code = (
        "import sys; sys.modules['click'] = None\n"
        "from realmid.cli import main\n"
        "sys.exit(main(['--help']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == Exit.CONFIG
    assert 'pip install "realmid[cli]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_verify_sees_a_logout_parked_in_the_apps_redis(
    emulator: RealmEmulator, redis_url: str
) -> None:
    import redis

    from realmid import Realm, RedisRevocationCache

    tenant = emulator.create_tenant("Fleet")
    user = emulator.seed_user("fleet@example.test", {tenant: "owner"})
    session = emulator.session_for(user.id, tenant)
    token = str(session["access_token"])
    env = emulator_env(emulator)
    assert script("verify", token, "--redis-url", redis_url, env=env).returncode == 0
    # An app of the fleet logs the user out: the token's jti is parked in the shared Redis.
    client = redis.Redis.from_url(redis_url)
    cache = RedisRevocationCache(client, near_cache=False)
    with Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        revocation=cache,
    ) as app:
        app.auth.logout(str(session["refresh_token"]), access_token=token)
    client.close()
    refused = script("verify", token, "--redis-url", redis_url, env=env)
    assert refused.returncode == Exit.TOKEN_REFUSED, refused.stderr
    assert "realmid: token_revoked: " in refused.stderr
    assert "was revoked" in refused.stderr
    # Without the fleet's Redis, the shell cannot know: the signature and times still pass.
    assert script("verify", token, env=env).returncode == 0
    # A Redis that does not answer fails closed, as "could not check" (exit 5).
    dead = script("verify", token, "--redis-url", "redis://127.0.0.1:9/0", env=env)
    assert dead.returncode == Exit.UNREACHABLE, dead.stderr
    assert "Traceback" not in dead.stderr


def test_a_reader_that_left_ends_the_command_quietly() -> None:
    # `realmid ops | head -1`, made deterministic: the pipe has no reader from the start.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [str(SCRIPT), "ops"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_env({}),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""


def test_the_emulator_on_a_taken_port_says_so(emulator: RealmEmulator) -> None:
    port = emulator.base_url.rsplit(":", 1)[1]  # the test session's emulator holds it
    done = script("emulator", "--port", port)
    assert done.returncode == Exit.UNREACHABLE
    assert f"realmid: network: cannot serve on 127.0.0.1:{port}: " in done.stderr
    assert done.stdout == ""  # no export lines pointing at somebody else's server
