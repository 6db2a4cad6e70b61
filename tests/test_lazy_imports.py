"""The handles load their resource namespaces on first use (issue 15, item 4).

Constructing ``Realm`` / ``AsyncRealm`` imports no generated operation module and no
generated model: ``realm.tenants`` (and every other namespace) imports its module, and the
operations and models behind it, the first time it is touched. The import checks run in a
fresh interpreter, since this test process has long imported everything; the first-use
checks run against the emulator on both faces.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import assert_type

import pytest

import realmid
from realmid._async.tenants import AsyncTenants
from realmid._sync.tenants import SyncTenants
from realmid.testing import RealmEmulator

ROOT = Path(__file__).resolve().parents[1]
NAMESPACES = ("auth", "tenants", "domains", "api_keys", "config", "roles", "origins", "admin")
NAMESPACES += ("otp", "tokens")

# Prints, as JSON, the modules loaded at each step: after `import realmid`, after the two
# handles are constructed, and after `realm.tenants` (sync) / `arealm.tenants` (async).
CHILD = textwrap.dedent(
    """
    import json, sys

    def loaded():
        return sorted(m for m in sys.modules if m.startswith(("realmid", "realmid_api")))

    steps = {}
    import realmid
    steps["import"] = loaded()
    from realmid import AsyncRealm, Realm
    steps["classes"] = sorted(m for m in ("asyncio", "httpx_retries") if m in sys.modules)
    realm = realmid.Realm(realm_id="r", api_key="k", base_url="http://127.0.0.1:1")
    arealm = realmid.AsyncRealm(realm_id="r", api_key="k", base_url="http://127.0.0.1:1")
    steps["constructed"] = loaded()
    steps["transports"] = sorted(m for m in ("asyncio", "httpx_retries") if m in sys.modules)
    steps["decoders"] = sorted(m for m in ("msgspec", "pybase64") if m in sys.modules)
    from realmid._jose import unverified_claims
    assert unverified_claims("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln") == {"sub": "x"}
    steps["decoded"] = sorted(m for m in ("msgspec", "pybase64") if m in sys.modules)
    first = realm.tenants
    steps["sync_tenants"] = loaded()
    assert realm.tenants is first
    arealm.tenants
    steps["async_tenants"] = loaded()
    print(json.dumps(steps))
    """
)


def _is_generated_operation_or_model(name: str) -> bool:
    # realmid_api.api (the package of every operation) and realmid_api.api.<tag>[.<op>];
    # realmid_api.models itself is lazy (PEP 562), its submodules are the models.
    return name == "realmid_api.api" or name.startswith(("realmid_api.api.", "realmid_api.models."))


def _resource_modules(names: list[str]) -> list[str]:
    faces = ("realmid._sync.", "realmid._async.")
    wanted = {f"{face}{ns}" for face in faces for ns in NAMESPACES}
    return [n for n in names if n in wanted]


@pytest.fixture(scope="module")
def steps() -> dict[str, list[str]]:
    paths = [str(ROOT), str(ROOT / "generated_client"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, env=env
    ).stdout
    result: dict[str, list[str]] = json.loads(out)
    return result


def test_constructing_the_handles_imports_no_generated_operation_or_model(
    steps: dict[str, list[str]],
) -> None:
    constructed = steps["constructed"]
    assert "realmid._sync.realm" in constructed
    assert "realmid._async.realm" in constructed
    assert [n for n in constructed if _is_generated_operation_or_model(n)] == []
    assert "realmid_api.api.tenants" not in constructed
    # Nor the facade's own resource modules (each would import its operations at its top).
    assert _resource_modules(constructed) == []


def test_first_use_of_a_namespace_imports_its_operations_and_no_other(
    steps: dict[str, list[str]],
) -> None:
    sync_first = steps["sync_tenants"]
    # Proves the check above can see the modules it says are absent.
    assert "realmid._sync.tenants" in sync_first
    assert "realmid_api.api.tenants" in sync_first
    assert "realmid_api.api.tenants.list_tenants" in sync_first
    assert "realmid._async.tenants" not in sync_first
    # Another namespace stays unloaded.
    assert "realmid._sync.admin" not in sync_first
    assert "realmid_api.api.admin" not in sync_first
    assert "realmid._async.tenants" in steps["async_tenants"]


def test_importing_the_handle_classes_imports_no_asyncio(steps: dict[str, list[str]]) -> None:
    # httpx-retries (which imports asyncio) and asyncio come with the first transport.
    assert steps["classes"] == []
    assert steps["transports"] == ["asyncio", "httpx_retries"]  # the check can see them


def test_the_c_decoders_come_with_the_first_token_read(steps: dict[str, list[str]]) -> None:
    # msgspec brings typing_extensions: an application pays for it at its first token read.
    assert steps["decoders"] == []
    assert steps["decoded"] == ["msgspec", "pybase64"]


def test_import_realmid_loads_no_handle(steps: dict[str, list[str]]) -> None:
    assert "realmid._sync.realm" not in steps["import"]
    assert [n for n in steps["import"] if n.startswith("realmid_api")] == []


def test_every_namespace_is_one_object_per_handle_and_per_handle_only() -> None:
    kwargs = {"realm_id": "r", "api_key": "k", "base_url": "http://127.0.0.1:1"}
    for cls in (realmid.Realm, realmid.AsyncRealm):
        one, two = cls(**kwargs), cls(**kwargs)  # type: ignore[arg-type]
        for name in NAMESPACES:
            first = getattr(one, name)
            assert getattr(one, name) is first, name
            assert getattr(two, name) is not first, name


def test_the_lazy_models_module_names_what_it_did_eagerly() -> None:
    import realmid_api.models as generated

    import realmid.models as models

    for name in models.__all__:
        value = getattr(models, name)
        if name in models._GENERATED:
            assert value is getattr(generated, name)
    assert set(dir(models)) >= set(models.__all__)
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018


def test_first_use_works_on_the_sync_face(emulator: RealmEmulator) -> None:
    tenant_id = emulator.create_tenant("Lazy Sync")
    with realmid.Realm(
        realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url
    ) as realm:
        assert "tenants" not in vars(realm)
        tenants = realm.tenants
        assert_type(tenants, SyncTenants)
        assert isinstance(tenants, SyncTenants)
        assert realm.tenants.get(tenant_id).id == tenant_id
        assert realm.tenants is tenants


@pytest.mark.anyio
async def test_first_use_works_on_the_async_face(emulator: RealmEmulator) -> None:
    tenant_id = emulator.create_tenant("Lazy Async")
    async with realmid.AsyncRealm(
        realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url
    ) as realm:
        assert "tenants" not in vars(realm)
        tenants = realm.tenants
        assert_type(tenants, AsyncTenants)
        assert isinstance(tenants, AsyncTenants)
        assert (await realm.tenants.get(tenant_id)).id == tenant_id
        assert realm.tenants is tenants


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
