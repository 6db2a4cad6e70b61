"""Without opentelemetry importable, nothing changes: a login and a verify work on both faces,
opentelemetry is never imported, and every helper is a no-op."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# As tests/test_packaging.py's run_blocked: `import opentelemetry` raises ImportError.
CHILD = textwrap.dedent(
    """
    import asyncio, importlib.abc, sys

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "opentelemetry" or name.startswith("opentelemetry."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Blocker())

    import realmid
    from realmid import _telemetry
    from realmid.testing import RealmEmulator

    with RealmEmulator() as emu:
        tenant = emu.create_tenant("No OTel")
        user = emu.seed_user("no-otel@example.test", {tenant: "member"})
        kwargs = dict(realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url)
        with realmid.Realm(**kwargs) as realm:
            session = realm.auth.login(emu.mint_provider_token(user.email))
            assert realm.verify(session.access_token).sub == user.id
            assert realm.verify(session.access_token).sub == user.id

        async def main():
            async with realmid.AsyncRealm(**kwargs) as arealm:
                token = emu.mint_provider_token(user.email)
                session = await arealm.auth.login(token)
                assert (await arealm.verify(session.access_token)).sub == user.id

        asyncio.run(main())

    assert _telemetry.otel() is None
    assert _telemetry.verify_histogram() is None
    assert _telemetry.carrier() == {}
    assert not [m for m in sys.modules if m.startswith("opentelemetry")]
    print("OK")
    """
)


def test_login_and_verify_without_opentelemetry() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK"


def test_importing_realmid_does_not_import_opentelemetry() -> None:
    script = (
        "import sys, realmid\n"
        "from realmid import Realm, AsyncRealm\n"
        "r = Realm(realm_id='r', api_key='k', base_url='http://127.0.0.1:1')\n"
        "r.tenants\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
