"""A spec change reaches users with a regeneration and no hand edit.

The test patches a copy of openapi/realmid.yaml (a new optional member on Session and on
Tenant, a new operation), regenerates it into a temp dir with the real CLI, and runs a
script in a fresh interpreter whose ``realmid_api`` is the regenerated package (first on
PYTHONPATH) under the unchanged facade:

- ``realm.auth.login()`` and ``realm.tenants.get()`` return the new members, on both faces.
  The issuer is an ``httpx.MockTransport`` there: the emulator has no data for a member it
  does not know, and the point is the client's parsing.
- the new operation is callable, typed, through ``realm.api_client``;
- the emulator, built from the regenerated contract, starts and answers the operation it
  has no handler for with 501 ``not_implemented``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "realmid.yaml"

SCRIPT = r"""
import asyncio
import json

import httpx
import realmid_api
from realmid_api.api.tenants import get_tenant_usage
from realmid_api.models import GetTenantUsageResponse200

import realmid
from realmid.testing import RealmEmulator

assert realmid_api.__file__.startswith(GENERATED), realmid_api.__file__

def issuer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/auth/login" and b"platform_api_key" in request.content:
        return httpx.Response(200, json={"access_token": "pat", "expires_in": 600})
    if path == "/auth/login":
        return httpx.Response(200, json={
            "access_token": "a.b.c", "refresh_token": "r", "expires_in": 60,
            "nickname": "ada-the-first",
        })
    if path == "/tenants/t1":
        return httpx.Response(200, json={"id": "t1", "region": "eu-west"})
    if path == "/tenants/t1/usage":
        return httpx.Response(200, json={"seats": 7})
    return httpx.Response(404, text="404 page not found\n")

settings = dict(realm_id="r1", api_key="rk_k", base_url="https://issuer.example",
                origin="https://app.example")

sync_realm = realmid.Realm(http_client=httpx.Client(transport=httpx.MockTransport(issuer)),
                           **settings)
assert sync_realm.auth.login("provider-token").nickname == "ada-the-first"
assert sync_realm.tenants.get("t1").region == "eu-west"
usage = get_tenant_usage.sync(client=sync_realm.api_client, tenant_id="t1")
assert isinstance(usage, GetTenantUsageResponse200) and usage.seats == 7

async def async_face() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(issuer))
    async with realmid.AsyncRealm(http_client=client, **settings) as realm:
        assert (await realm.auth.login("provider-token")).nickname == "ada-the-first"
        assert (await realm.tenants.get("t1")).region == "eu-west"
        usage = await get_tenant_usage.asyncio(client=realm.api_client, tenant_id="t1")
        assert isinstance(usage, GetTenantUsageResponse200) and usage.seats == 7
    await client.aclose()

asyncio.run(async_face())

with RealmEmulator() as emu:
    assert "get_tenant_usage" in emu.unhandled_operations
    with realmid.Realm(realm_id=emu.realm_id, api_key=emu.api_key,
                       base_url=emu.base_url) as realm:
        tenant = realm.tenants.create("Acme")  # everything else still works
        answer = realm.request("GET", f"/tenants/{tenant.id}/usage")
        assert answer.status_code == 501, answer.status_code
        assert answer.json()["code"] == "not_implemented"
    assert emu.contract_violations == []
print("regenerated: ok")
"""


def patched_spec() -> dict[str, object]:
    spec = yaml.safe_load(SPEC.read_text())
    schemas = spec["components"]["schemas"]
    schemas["Session"]["properties"]["nickname"] = {"type": "string"}
    schemas["Tenant"]["properties"]["region"] = {"type": "string"}
    spec["paths"]["/tenants/{tenant_id}/usage"] = {
        "get": {
            "operationId": "get_tenant_usage",
            "tags": ["tenants"],
            "summary": "A new operation no facade method and no emulator handler knows yet.",
            "security": [{"platformBearer": []}],
            "parameters": [{"$ref": "#/components/parameters/TenantId"}],
            "responses": {
                "200": {
                    "description": "The tenant's usage.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"seats": {"type": "integer"}},
                            }
                        }
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }
    return spec


def test_a_spec_change_flows_through_to_the_facade(tmp_path: Path) -> None:
    spec_path = tmp_path / "realmid.yaml"
    spec_path.write_text(yaml.safe_dump(patched_spec(), sort_keys=False))
    out = tmp_path / "generated_client"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    generated = subprocess.run(
        [sys.executable, "-m", "generator", "--spec", spec_path, "--out", out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    script = f"GENERATED = {str(out)!r}\n" + SCRIPT
    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "regenerated: ok" in ran.stdout
