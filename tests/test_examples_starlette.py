"""examples/starlette_app: Starlette's own authentication on realmid, run as a user would.

Real parts only: ``python -m examples.starlette_app`` is started as a process (its own
emulator, its lifespan building the realm on uvicorn's loop) and driven over HTTP; the app
is also served on loopback by uvicorn against the test's emulator with a sync handle.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

import realmid
from examples.serving import serve_asgi
from examples.starlette_app import create_app, default_options
from realmid.testing import RealmEmulator
from tests.example_process import running_example

ROOT = Path(__file__).resolve().parents[1]
# Secrets that must never reach the example's output in full.
SECRETS = (
    re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}"),
    re.compile(r"rk_(?:test|live)_\w{8,}"),
    re.compile(r"rrt_[\w-]{8,}"),
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_no_secrets(text: str) -> None:
    for pattern in SECRETS:
        assert not pattern.search(text), f"a secret in the output: {pattern.pattern}"


def test_python_m_runs_the_starlette_app_on_an_emulator(tmp_path: Path) -> None:
    with (
        running_example("examples.starlette_app", tmp_path) as app,
        httpx.Client(base_url=app.url, timeout=10) as http,
    ):
        assert http.get("/whoami").json() == {"authenticated": False, "user": ""}
        assert http.get("/api/me").status_code == 403  # @requires, anonymous caller
        provider_token = http.get("/dev/provider-token").json()["provider_token"]
        login = http.post("/login", json={"provider_token": provider_token})
        assert login.status_code == 200, login.text
        access = login.json()["access_token"]

        me = http.get("/api/me", headers=bearer(access))
        assert me.status_code == 200, me.text
        body = me.json()
        assert body["display_name"] == "demo@example.test"
        assert body["role"] == "owner"
        assert body["scopes"][:2] == ["authenticated", "role:owner"]
        assert http.get("/api/owners", headers=bearer(access)).json()["you_own_it"] is True
        assert http.get("/api/secure", headers=bearer(access)).status_code == 403  # no MFA

        forged = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
        refused = http.get("/api/me", headers=bearer(forged))
        assert refused.status_code == 401
        assert refused.json()["code"] == "bad_signature"
        assert refused.headers["www-authenticate"].startswith("Bearer")
    assert_no_secrets(app.output)


def test_the_starlette_app_with_a_sync_handle_on_loopback(emulator: RealmEmulator) -> None:
    tenant = emulator.create_tenant("Star Co")
    owner = emulator.seed_user("owner@star.test", {tenant: "owner"})
    member = emulator.seed_user("member@star.test", {tenant: "member"})
    realm = realmid.Realm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        clock=emulator.now,
    )
    app = create_app(realm, options=default_options(token_delivery="body"))
    with realm, serve_asgi(app) as url, httpx.Client(base_url=url, timeout=10) as http:
        assert http.get("/dev/provider-token").status_code == 404  # not an emulator run
        login = http.post(
            "/login", json={"provider_token": emulator.mint_provider_token(member.email)}
        )
        assert login.status_code == 200, login.text
        member_token = login.json()["access_token"]
        assert http.get("/api/me", headers=bearer(member_token)).json()["role"] == "member"
        assert http.get("/api/owners", headers=bearer(member_token)).status_code == 403

        owner_token = str(emulator.session_for(owner.id, tenant, mfa=True)["access_token"])
        secure = http.get("/api/secure", headers=bearer(owner_token))
        assert secure.status_code == 200, secure.text
        assert http.get("/api/owners", headers=bearer(owner_token)).status_code == 200
        without_mfa = str(emulator.session_for(owner.id, tenant)["access_token"])
        assert http.get("/api/secure", headers=bearer(without_mfa)).status_code == 403


# An app as the docs write it: the aliases and the factory in signatures, under strict.
TYPED_APP = """\
# pyright: strict
from typing import Annotated, TypeAlias

from fastapi import Depends, FastAPI

import realmid
from realmid.middleware.fastapi import (
    ClaimsDependency,
    CurrentClaims,
    FreshMFAClaims,
    MFAClaims,
    require_claims,
)

Recent: TypeAlias = Annotated[realmid.Claims, Depends(require_claims(max_age=60))]
dependency: ClaimsDependency = require_claims(mfa=True)
app = FastAPI()


@app.get("/me")
def me(claims: CurrentClaims) -> str:
    return claims.sub


@app.get("/mfa")
def mfa(claims: MFAClaims, fresh: FreshMFAClaims, recent: Recent) -> float:
    return claims.mfa_at + fresh.mfa_at + recent.mfa_at
"""


def test_the_examples_and_the_aliases_pass_pyright_strict(tmp_path: Path) -> None:
    # Every example, as a partner's editor checks it (CI runs pyright only here), and the
    # docs' typed FastAPI app under strict.
    typed = tmp_path / "typed_app.py"
    typed.write_text(TYPED_APP, encoding="utf-8")
    pyright = Path(sys.executable).with_name("pyright")
    targets = ["examples", str(typed)]
    result = subprocess.run(
        [str(pyright), "--pythonpath", sys.executable, *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
