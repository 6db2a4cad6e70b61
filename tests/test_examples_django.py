"""examples/django_app does what it says: in process (Django's test Client on the example's
own settings and URLs) and as its one command, ``python -m examples.django_app``, started
as a process against its own emulator and driven over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples.django_app import configure

configure()

from django.test import Client, override_settings  # noqa: E402

from examples.django_app import settings as example_settings  # noqa: E402
from realmid.middleware.django import close_realms  # noqa: E402
from realmid.testing import RealmEmulator, SeededUser  # noqa: E402
from tests.example_process import example_env, running_example  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SECRETS = (
    re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}"),
    re.compile(r"rk_(?:test|live)_\w{8,}"),
    re.compile(r"rrt_[\w-]{8,}"),
)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def example(emulator: RealmEmulator) -> Iterator[RealmEmulator]:
    """The example project on this test's emulator realm (its own options, body delivery)."""
    config: dict[str, Any] = {
        **example_settings.REALMID,
        "realm_id": emulator.realm_id,
        "api_key": emulator.api_key,
        "base_url": emulator.base_url,
        "clock": emulator.now,
        "token_delivery": "body",
    }
    with override_settings(REALMID=config):
        try:
            yield emulator
        finally:
            close_realms()


def test_example_login_me_drf_refresh_logout(example: RealmEmulator) -> None:
    tenant = example.create_tenant("Example Co")
    user = example.seed_user("example@example.test", {tenant: "member"})
    client = Client()
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/dev/provider-token").status_code == 404  # not an emulator run
    assert client.get("/api/me").status_code == 401

    login = client.post(
        "/login",
        {"provider_token": example.mint_provider_token(user.email)},
        content_type="application/json",
    )
    assert login.status_code == 200, login.content
    session = login.json()
    expected = {
        "user_id": user.id,
        "email": user.email,
        "tenant_id": tenant,
        "role": "member",
        "mfa_at": None,
    }
    assert client.get("/api/me", **bearer(session["access_token"])).json() == expected
    assert client.get("/api/me-async", **bearer(session["access_token"])).json() == {
        **expected,
        "async": True,
    }
    drf = client.get("/api/drf/me", **bearer(session["access_token"]))
    assert drf.status_code == 200, drf.content
    assert drf.json() == {**expected, "drf": True}

    # The same routes as views under /auth/.
    renewed = client.post(
        "/auth/token",
        {"refresh_token": session["refresh_token"]},
        content_type="application/json",
    )
    assert renewed.status_code == 200, renewed.content
    access = renewed.json()["access_token"]
    logout = client.post(
        "/logout",
        {"refresh_token": renewed.json()["refresh_token"]},
        content_type="application/json",
        **bearer(access),
    )
    assert logout.status_code == 204
    assert client.get("/api/drf/me", **bearer(access)).json()["revoked"] is True


def test_example_mfa_routes(example: RealmEmulator, mfa_user: SeededUser) -> None:
    client = Client()
    tenant = example.create_tenant("Plain Co")
    plain = example.seed_user("plain@example.test", {tenant: "member"})
    no_mfa = str(example.session_for(plain.id, tenant)["access_token"])
    with_mfa = str(example.session_for(mfa_user.id, mfa_user.tenant_id, mfa=True)["access_token"])

    assert client.get("/api/billing/invoices", **bearer(no_mfa)).status_code == 412
    assert client.get("/api/billing/invoices", **bearer(with_mfa)).status_code == 200
    assert client.post("/api/drf/payout", **bearer(no_mfa)).json()["reason"] == "no_mfa"
    assert client.post("/api/drf/payout", **bearer(with_mfa)).status_code == 201
    assert client.post("/api/account/close", **bearer(with_mfa)).status_code == 200
    example.advance(31)  # past the 30 s of require_fresh, inside the DRF view's 300 s
    closing = client.post("/api/account/close", **bearer(with_mfa))
    assert closing.status_code == 412
    assert closing.json()["reason"] == "fresh_required"
    assert client.post("/api/drf/payout", **bearer(with_mfa)).status_code == 201
    example.advance(300)
    assert client.post("/api/drf/payout", **bearer(with_mfa)).json()["reason"] == "stale_mfa"


def test_python_m_runs_the_django_example_on_an_emulator(tmp_path: Path) -> None:
    env = example_env("DJANGO_")
    with (
        running_example("examples.django_app", tmp_path, env) as app,
        httpx.Client(base_url=app.url, timeout=10) as http,
    ):
        provider_token = http.get("/dev/provider-token").json()["provider_token"]
        login = http.post("/login", json={"provider_token": provider_token})
        assert login.status_code == 200, login.text
        assert {c.split("=", 1)[0] for c in login.headers.get_list("set-cookie")} == {
            "realmid_refresh"
        }
        token = login.json()["access_token"]
        for route in ("/api/me", "/api/me-async", "/api/drf/me"):
            answer = http.get(route, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.text
        assert http.get("/api/me").status_code == 401
    output = app.output
    assert "using an emulator at http://127.0.0.1:" in output
    for pattern in SECRETS:
        assert not pattern.search(output), f"a secret in the output: {pattern.pattern}"
