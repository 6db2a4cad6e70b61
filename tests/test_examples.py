"""The runnable examples (examples/flask_app, bff_proxy, multi_pod) do what they say.

Real parts only: the apps are served on loopback (werkzeug, uvicorn) against the emulator,
the multi-pod demo runs as its one command (``python -m examples.multi_pod``) with real
pod processes and a real redis-server, and each app's ``python -m`` entry point is started
as a process and driven over HTTP.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import redis

import realmid
from examples import bff_proxy, flask_app
from examples.multi_pod import redis_server
from examples.serving import serve_asgi, serve_wsgi
from realmid.revocation import DEFAULT_REDIS_PREFIX
from realmid.testing import RealmEmulator, SeededUser
from tests.example_process import example_env, running_example

ROOT = Path(__file__).resolve().parents[1]
# Secrets that must never reach an example's output in full.
JWT = re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}")
SECRETS = (JWT, re.compile(r"rk_(?:test|live)_\w{8,}"), re.compile(r"rrt_[\w-]{8,}"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sid_of(access_token: str) -> str:
    """The session id an access token belongs to (read unverified: the test minted it)."""
    return str(jwt.decode(access_token, options={"verify_signature": False})["sid"])


def assert_no_secrets(text: str) -> None:
    for pattern in SECRETS:
        assert not pattern.search(text), f"a secret in the output: {pattern.pattern}"


# ---------------------------------------------------------------------- flask_app


def test_flask_app_login_me_refresh_logout_then_the_old_token_is_refused(
    emulator: RealmEmulator,
) -> None:
    tenant = emulator.create_tenant("Flask Co")
    user = emulator.seed_user("flask@example.test", {tenant: "member"})
    realm = realmid.Realm(
        realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url
    )
    options = flask_app.default_options(token_delivery="body")
    with (
        realm,
        serve_wsgi(flask_app.create_app(realm, options=options)) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        assert http.get("/health").json() == {"status": "ok"}
        assert http.get("/dev/provider-token").status_code == 404  # not an emulator run
        anonymous = http.get("/api/me")
        assert anonymous.status_code == 401
        assert anonymous.json()["code"] == "unauthorized"

        login = http.post(
            "/login", json={"provider_token": emulator.mint_provider_token(user.email)}
        )
        assert login.status_code == 200, login.text
        assert not login.headers.get_list("set-cookie")  # body delivery
        session = login.json()
        assert (session["tenant_id"], session["role"]) == (tenant, "member")

        me = http.get("/api/me", headers=bearer(session["access_token"]))
        assert me.status_code == 200, me.text
        assert me.json() == {
            "user_id": user.id,
            "email": user.email,
            "tenant_id": tenant,
            "role": "member",
            "mfa_at": None,
        }

        refreshed = http.post("/token", json={"refresh_token": session["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text
        renewed = refreshed.json()
        assert renewed["access_token"] != session["access_token"]
        assert http.get("/api/me", headers=bearer(renewed["access_token"])).status_code == 200

        logout = http.post(
            "/logout",
            json={"refresh_token": renewed["refresh_token"]},
            headers=bearer(renewed["access_token"]),
        )
        assert logout.status_code == 204

        refused = http.get("/api/me", headers=bearer(renewed["access_token"]))
        assert refused.status_code == 401
        assert refused.json() == {
            "code": "unauthorized",
            "message": "access token revoked",
            "revoked": True,
        }
        again = http.post("/token", json={"refresh_token": renewed["refresh_token"]})
        assert again.status_code == 401  # the issuer ended the session too


# ---------------------------------------------------------------------- bff_proxy


@contextmanager
def bff_server(emulator: RealmEmulator) -> Iterator[httpx.Client]:
    """The BFF on uvicorn, guarded by an AsyncRealm on the emulator; a client for it."""
    realm = realmid.AsyncRealm(
        realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url
    )
    with (
        serve_asgi(bff_proxy.create_app(realm), on_close=realm.aclose) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        yield http


@dataclass(frozen=True)
class People:
    """An owner with two live sessions and a member with one, in one tenant."""

    tenant: str
    owner: SeededUser
    owner_tokens: tuple[str, str]  # access tokens of two sessions
    member_token: str


@pytest.fixture
def people(emulator: RealmEmulator) -> People:
    tenant = emulator.create_tenant("BFF Co")
    owner = emulator.seed_user("owner@example.test", {tenant: "owner"})
    member = emulator.seed_user("member@example.test", {tenant: "member"})
    first, second = (emulator.session_for(owner.id, tenant)["access_token"] for _ in range(2))
    member_token = emulator.session_for(member.id, tenant)["access_token"]
    return People(tenant, owner, (first, second), member_token)


def session_ids(http: httpx.Client, token: str, **headers: str) -> set[str]:
    answer = http.get("/bff/sessions", headers={**bearer(token), **headers})
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


def test_bff_lists_each_users_own_sessions_on_their_behalf(
    emulator: RealmEmulator, people: People
) -> None:
    owner_token, second = people.owner_tokens
    member_token = people.member_token
    with bff_server(emulator) as http:
        # The issuer answers a platform bearer only with X-On-Behalf-Of-User, and for that
        # user: each caller seeing exactly their own sessions shows the BFF sent their sub.
        assert session_ids(http, owner_token) == {sid_of(owner_token), sid_of(second)}
        assert session_ids(http, member_token) == {sid_of(member_token)}
        # A caller cannot pick the user: the header it sends is not the one forwarded.
        spoofed = {"X-On-Behalf-Of-User": people.owner.id}
        assert session_ids(http, member_token, **spoofed) == {sid_of(member_token)}

        page = http.get("/bff/sessions", params={"limit": 1}, headers=bearer(owner_token))
        assert len(page.json()["items"]) == 1
        assert page.json()["next_cursor"]  # the limit was forwarded
        assert page.headers["cache-control"] == "no-store"

        # Ending one's own session goes through on the user's behalf, too.
        ended = http.delete(f"/bff/sessions/{sid_of(second)}", headers=bearer(owner_token))
        assert ended.status_code == 204
        assert session_ids(http, owner_token) == {sid_of(owner_token)}


def without_request_id(response: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in response.json().items() if k != "request_id"}


def test_bff_relays_a_404_envelope_intact(
    emulator: RealmEmulator, realm: realmid.Realm, people: People
) -> None:
    owner_token, member_token = people.owner_tokens[0], people.member_token
    with bff_server(emulator) as http:
        missing = http.delete("/bff/sessions/ses_nope", headers=bearer(owner_token))
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json"
        # The issuer's own envelope (not one the BFF rebuilt): its request_id is the
        # issuer's X-Request-Id, relayed alongside.
        request_id = missing.headers["x-request-id"]
        assert missing.json() == {
            "code": "not_found",
            "message": "no such session",
            "request_id": request_id,
        }
        # Another user's session is not yours to end: the issuer's 404, relayed.
        foreign = http.delete(f"/bff/sessions/{sid_of(member_token)}", headers=bearer(owner_token))
        assert foreign.status_code == 404
        assert session_ids(http, member_token) == {sid_of(member_token)}

        # A platform call's 404, against the same call made directly.
        relayed = http.get("/bff/tenants/ten_nope", headers=bearer(owner_token))
        direct = realm.request("GET", "/tenants/ten_nope")
        assert relayed.status_code == direct.status_code == 404
        # Each answer carries its own request id; everything else is the same envelope.
        assert without_request_id(relayed) == without_request_id(direct)
        assert without_request_id(relayed) == {"code": "not_found", "message": "no such tenant"}
        assert relayed.json()["request_id"] == relayed.headers["x-request-id"]

        # An id that is not one plain segment never reaches the issuer.
        odd = http.delete("/bff/sessions/a.b", headers=bearer(owner_token))
        assert odd.status_code == 400
        assert odd.json()["code"] == "bad_request"


def test_bff_platform_calls_are_for_admin_roles(emulator: RealmEmulator, people: People) -> None:
    with bff_server(emulator) as http:
        listed = http.get("/bff/tenants", headers=bearer(people.owner_tokens[0]))
        assert listed.status_code == 200, listed.text
        assert people.tenant in {t["id"] for t in listed.json()["items"]}
        one = http.get(f"/bff/tenants/{people.tenant}", headers=bearer(people.owner_tokens[0]))
        assert one.json()["display_name"] == "BFF Co"

        for path in ("/bff/tenants", f"/bff/tenants/{people.tenant}"):
            refused = http.get(path, headers=bearer(people.member_token))
            assert refused.status_code == 403
            assert refused.json()["code"] == "forbidden"


def test_bff_refuses_unauthenticated_callers(emulator: RealmEmulator, people: People) -> None:
    with bff_server(emulator) as http:
        assert http.get("/health").status_code == 200
        for method, path in (
            ("GET", "/bff/sessions"),
            ("DELETE", f"/bff/sessions/{sid_of(people.member_token)}"),
            ("GET", "/bff/tenants"),
        ):
            anonymous = http.request(method, path)
            assert anonymous.status_code == 401, path
            assert anonymous.json()["code"] == "unauthorized"
            assert anonymous.headers["www-authenticate"].startswith("Bearer")
            forged = http.request(method, path, headers=bearer("not.a.token"))
            assert forged.status_code == 401, path
        # Nothing was forwarded: the member's session is still there.
        assert session_ids(http, people.member_token) == {sid_of(people.member_token)}


# ---------------------------------------------------------------------- multi_pod


def run_multi_pod(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "examples.multi_pod", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=example_env(**env),
        timeout=60,
    )


def steps(out: str) -> list[str]:
    """The numbered step lines, checked to be numbered 1, 2, 3, ..."""
    found = re.findall(r"^\s*(\d+)\. (.*)$", out, re.M)
    assert [int(n) for n, _ in found] == list(range(1, len(found) + 1)), out
    return [text for _, text in found]


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_multi_pod_starts_redis_and_pod_b_refuses_what_pod_a_logged_out() -> None:
    result = run_multi_pod()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = steps(result.stdout)
    assert lines[0].startswith("started redis-server at 127.0.0.1:")
    expected = [
        "each pod is a realmid.Realm with a RedisRevocationCache on 127.0.0.1:",
        "logged in on pod A: POST /login → 200, access token …",
        "pod B accepts it: GET /api/me → 200, user usr_",
        "logged out on pod A: POST /logout → 204",
        "pod A parked the token's jti in Redis: key TTL ",
        "pod B refuses the logged-out token: GET /api/me → 401 unauthorized (revoked)",
        "pod B cannot refresh either: POST /token → 401 unauthorized",
    ]
    at = 0
    for want in expected:  # in this order
        at = next(i for i, line in enumerate(lines) if i >= at and line.startswith(want))
    assert "OK: pod B refused the token pod A logged out" in result.stdout
    assert_no_secrets(result.stdout + result.stderr)
    # Nothing outlives the demo: its redis-server and both pods are gone.
    pids = [int(p) for p in re.findall(r"\(pid (\d+)", result.stdout)]
    assert len(pids) == 3
    assert all(gone(pid) for pid in pids), pids


def test_multi_pod_uses_the_redis_of_realmid_redis_url() -> None:
    with redis_server() as (url, _):
        result = run_multi_pod(REALMID_REDIS_URL=url)
        assert result.returncode == 0, result.stdout + result.stderr
        port = url.split(":")[-1].split("/")[0]
        assert (
            steps(result.stdout)[0] == f"using the Redis of REALMID_REDIS_URL at 127.0.0.1:{port}/0"
        )
        # The revocation pod A wrote is there, and expires by itself with the token.
        with redis.Redis.from_url(url) as client:
            keys = client.keys(f"{DEFAULT_REDIS_PREFIX}*")
            assert len(keys) == 1
            assert 0 < client.ttl(keys[0]) <= 900


def test_multi_pod_without_a_shared_cache_fails_loudly() -> None:
    result = run_multi_pod("--cache", "memory")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = steps(result.stdout)
    assert "pod B still ACCEPTS the logged-out token: GET /api/me → 200" in lines
    assert "FAILED: pod B accepted a token pod A had logged out" in result.stdout
    assert "redis" not in lines[0]  # no Redis was started for this run
    assert_no_secrets(result.stdout + result.stderr)


def test_multi_pod_without_redis_server_says_what_to_do(tmp_path: Path) -> None:
    result = run_multi_pod(PATH=str(tmp_path))  # a PATH with no redis-server on it
    assert result.returncode == 2
    assert result.stdout == ""
    assert "redis-server is not on PATH" in result.stderr
    assert "REALMID_REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------- the one commands


@pytest.mark.parametrize(
    ("module", "guarded"),
    [
        ("examples.flask_app", "/api/me"),
        ("examples.bff_proxy", "/bff/sessions"),
        ("examples.fastapi_app", "/api/me"),
    ],
)
def test_python_m_runs_the_app_on_an_emulator_with_a_demo_user(
    module: str, guarded: str, tmp_path: Path
) -> None:
    with (
        running_example(module, tmp_path, example_env()) as app,
        httpx.Client(base_url=app.url, timeout=10) as http,
    ):
        provider_token = http.get("/dev/provider-token").json()["provider_token"]
        login = http.post("/login", json={"provider_token": provider_token})
        assert login.status_code == 200, login.text
        answer = http.get(guarded, headers=bearer(login.json()["access_token"]))
        assert answer.status_code == 200, answer.text
    assert "using an emulator at http://127.0.0.1:" in app.output
    assert_no_secrets(app.output)
