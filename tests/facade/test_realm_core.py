"""The facade core against the emulator over loopback HTTP, through both faces.

Every test body runs twice: with ``Realm`` (sync, concurrency by threads) and with
``AsyncRealm`` (async, concurrency by tasks).
"""

from __future__ import annotations

import logging
import tracemalloc
import uuid
from typing import Any

import httpx
import pytest
from realmid_api.api.tenants import create_tenant, list_tenants
from realmid_api.models import Tenant, TenantCreate, TenantPage

import realmid
from realmid._config import RetryPolicy
from realmid.errors import ErrorCode, RealmError, raise_for_status
from realmid.testing import RealmEmulator

from .support import FAST_RETRY, call, close, collect, make_realm, many_at_once

pytestmark = pytest.mark.anyio


class FakeMonotonic:
    """The token flow's clock, moved by hand so refresh timing needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def with_fake_clock(realm: realmid.Realm | realmid.AsyncRealm) -> FakeMonotonic:
    clock = FakeMonotonic()
    realm._auth._monotonic = clock
    return clock


async def test_first_call_mints_then_the_token_is_reused(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    assert sent.sent == []  # construction made no request
    for _ in range(3):
        response = await call(realm.request("GET", "/tenants"))
        assert response.status_code == 200
    assert sent.count("POST", "/auth/login") == 1
    assert sent.count("GET", "/tenants") == 3
    bearers = {s.headers["authorization"] for s in sent.sent if s.path == "/tenants"}
    assert len(bearers) == 1
    await close(realm)


async def test_proactive_refresh_non_rotating(face: str, emulator: RealmEmulator) -> None:
    emulator.set_config(platform_token_ttl=120, platform_refresh_rotates=False)
    realm, sent = make_realm(face, emulator, record=True, token_refresh_buffer=30)
    assert sent is not None
    clock = with_fake_clock(realm)
    await call(realm.request("GET", "/tenants"))
    clock.now += 89  # refresh is due at ttl - min(buffer, ttl / 2) = 90 s
    await call(realm.request("GET", "/tenants"))
    assert sent.count("POST", "/auth/token") == 0
    clock.now += 2
    await call(realm.request("GET", "/tenants"))
    assert sent.count("POST", "/auth/token") == 1
    refresh = next(s for s in sent.sent if s.path == "/auth/token")
    assert b'"platform_refresh"' in refresh.body
    clock.now += 91
    await call(realm.request("GET", "/tenants"))
    refreshes = [s for s in sent.sent if s.path == "/auth/token"]
    # Non-rotating: the same refresh token serves again.
    assert len(refreshes) == 2
    assert refreshes[0].headers["authorization"] == refreshes[1].headers["authorization"]
    assert sent.count("POST", "/auth/login") == 1
    await close(realm)


async def test_proactive_refresh_rotating(face: str, emulator: RealmEmulator) -> None:
    emulator.set_config(platform_token_ttl=120, platform_refresh_rotates=True)
    realm, sent = make_realm(face, emulator, record=True, token_refresh_buffer=30)
    assert sent is not None
    clock = with_fake_clock(realm)
    await call(realm.request("GET", "/tenants"))
    for _ in range(3):
        clock.now += 95
        assert (await call(realm.request("GET", "/tenants"))).status_code == 200
    refreshes = [s.headers["authorization"] for s in sent.sent if s.path == "/auth/token"]
    assert len(refreshes) == 3
    assert len(set(refreshes)) == 3  # each refresh used the token the previous one returned
    assert sent.count("POST", "/auth/login") == 1
    assert realm._auth.stats.logins == 1
    await close(realm)


async def test_refused_refresh_falls_back_to_an_api_key_login(
    face: str, emulator: RealmEmulator
) -> None:
    emulator.set_config(platform_token_ttl=120, platform_refresh_rotates=True)
    realm, sent = make_realm(face, emulator, record=True, token_refresh_buffer=30)
    assert sent is not None
    clock = with_fake_clock(realm)
    await call(realm.request("GET", "/tenants"))
    # Someone else spends the refresh token first: with rotation on, ours is now refused.
    stolen = realm._auth._tokens.refresh_token
    spent = httpx.post(
        f"{emulator.base_url}/auth/token",
        json={"grant_type": "platform_refresh"},
        headers={"Authorization": f"Bearer {stolen}"},
    )
    assert spent.status_code == 200
    clock.now += 95
    assert (await call(realm.request("GET", "/tenants"))).status_code == 200
    assert sent.count("POST", "/auth/token") == 1
    assert sent.count("POST", "/auth/login") == 2
    await close(realm)


async def test_transient_refresh_failure_keeps_serving_the_valid_token(
    face: str, emulator: RealmEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.set_config(platform_token_ttl=120)
    realm, sent = make_realm(face, emulator, record=True, token_refresh_buffer=30)
    assert sent is not None
    clock = with_fake_clock(realm)
    await call(realm.request("GET", "/tenants"))
    first_bearer = sent.sent[-1].headers["authorization"]
    # The refresh is resent on a 503 like any repeatable call; past its retries (1 + 2
    # here), the handle gives up on this refresh and serves the still-valid token.
    emulator.faults.fail_next(3, status=503, path_prefix="/auth/token")
    clock.now += 95
    with caplog.at_level(logging.WARNING, logger="realmid"):
        response = await call(realm.request("GET", "/tenants"))
    assert response.status_code == 200
    assert sent.sent[-1].headers["authorization"] == first_bearer
    assert "refresh failed (HTTP 503)" in caplog.text
    assert sent.count("POST", "/auth/token") == 3
    # During the cooldown no second refresh is attempted; after it, the refresh succeeds.
    await call(realm.request("GET", "/tenants"))
    assert sent.count("POST", "/auth/token") == 3
    clock.now += 6
    await call(realm.request("GET", "/tenants"))
    assert sent.count("POST", "/auth/token") == 4
    assert sent.sent[-1].headers["authorization"] != first_bearer
    assert sent.count("POST", "/auth/login") == 1
    await close(realm)


async def test_expired_token_401_remints_and_retries_once(
    face: str, emulator: RealmEmulator
) -> None:
    emulator.set_config(platform_token_ttl=60)
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.request("GET", "/tenants"))
    emulator.advance(61)  # the server's clock: the token is expired there, not yet here
    response = await call(realm.request("GET", "/tenants"))
    assert response.status_code == 200
    statuses = [s.path for s in sent.sent]
    assert statuses == ["/auth/login", "/tenants", "/tenants", "/auth/login", "/tenants"]
    assert realm._auth.stats.remints_on_401 == 1
    await close(realm)


async def test_a_401_that_persists_ends_after_one_remint(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.request("GET", "/tenants"))
    key_id = emulator.realm.api_key_id
    revoked = await call(
        realm.request("DELETE", f"/platforms/{emulator.realm_id}/api-keys/{key_id}")
    )
    assert revoked.status_code == 200
    with pytest.raises(RealmError) as caught:
        await call(realm.request("GET", "/tenants"))
    assert caught.value.code is ErrorCode.UNAUTHORIZED
    # The refused call, one re-mint (refused too), and nothing more: no loop.
    assert sent.count("GET", "/tenants") == 2
    assert sent.count("POST", "/auth/login") == 2
    await close(realm)


async def test_single_flight_one_mint_for_a_hundred_callers(
    face: str, emulator: RealmEmulator
) -> None:
    emulator.set_rate_limit(10_000, burst=10_000)
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    responses = await many_at_once(face, 100, lambda: realm.request("GET", "/tenants"))
    assert {r.status_code for r in responses} == {200}
    assert sent.count("POST", "/auth/login") == 1
    assert realm._auth.stats.logins == 1
    await close(realm)


async def test_info_is_fetched_once_even_when_first_asked_concurrently(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    infos = await many_at_once(face, 50, realm.info)
    assert {i.id for i in infos} == {emulator.realm_id}
    assert infos[0].audience == emulator.audience
    assert sent.count("GET", f"/platforms/{emulator.realm_id}/info") == 1
    assert (await call(realm.info())) is infos[0]
    assert (await call(realm.origin())) == emulator.origin
    await close(realm)


async def test_the_api_key_rides_on_exactly_one_request_shape(
    face: str, emulator: RealmEmulator
) -> None:
    """A whole session: info, raw and typed calls, refreshes, a 401 re-mint, a failure."""
    emulator.set_config(platform_token_ttl=120)
    realm, sent = make_realm(face, emulator, record=True, token_refresh_buffer=30)
    assert sent is not None
    clock = with_fake_clock(realm)
    await call(realm.info())
    await call(realm.request("POST", "/tenants", json={"display_name": "Acme"}))
    body = TenantCreate(display_name="Globex")
    op = create_tenant.asyncio_detailed if face == "async" else create_tenant.sync_detailed
    assert (await call(op(client=realm.api_client, body=body))).status_code == 201
    clock.now += 95
    await call(realm.request("GET", "/tenants"))
    emulator.advance(500)
    await call(realm.request("GET", "/tenants"))
    await call(realm.request("GET", "/tenants/nope"))
    key = emulator.api_key
    carrying = [s for s in sent.sent if key in s.text()]
    assert carrying, "the session never minted a token"
    for request in carrying:
        assert (request.method, request.path) == ("POST", "/auth/login")
        assert b'"grant_type": "platform_api_key"' in request.body or (
            b'"grant_type":"platform_api_key"' in request.body
        )
        assert key not in request.headers.get("authorization", "")
    assert len(carrying) == realm._auth.stats.logins == 2
    await close(realm)


async def test_raw_endpoints_through_api_client(face: str, emulator: RealmEmulator) -> None:
    realm, _ = make_realm(face, emulator)
    if face == "async":
        created = await create_tenant.asyncio(client=realm.api_client, body=TenantCreate("Raw"))
        page = await list_tenants.asyncio(client=realm.api_client)
    else:
        created = create_tenant.sync(client=realm.api_client, body=TenantCreate("Raw"))
        page = list_tenants.sync(client=realm.api_client)
    assert isinstance(created, Tenant)
    assert isinstance(page, TenantPage)
    assert [t.display_name for t in page.items] == ["Raw"]
    await close(realm)


async def test_passthrough_headers_and_bearer_override(face: str, emulator: RealmEmulator) -> None:
    user = emulator.seed_user("pass@example.test", {emulator.create_tenant("T"): "owner"})
    session = emulator.session_for(user.id)
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    response = await call(
        realm.request(
            "GET",
            "auth/sessions",
            params={"limit": 5},
            headers={"Authorization": "Bearer forged", "X-Trace": "t-1"},
            on_behalf_of_ip="203.0.113.9",
            user_bearer=session["access_token"],
        )
    )
    assert response.status_code == 200
    assert [s["id"] for s in response.json()["items"]]
    wire = sent.sent[-1]
    assert wire.path == "/auth/sessions"
    assert wire.headers["authorization"] == f"Bearer {session['access_token']}"
    assert wire.headers["x-trace"] == "t-1"
    assert wire.headers["x-on-behalf-of-ip"] == "203.0.113.9"
    assert sent.count("POST", "/auth/login") == 1  # the platform token was still minted
    bff = await call(realm.request("GET", "/auth/sessions", on_behalf_of_user=user.id))
    assert bff.status_code == 200
    assert sent.sent[-1].headers["x-on-behalf-of-user"] == user.id
    assert sent.sent[-1].headers["authorization"] != f"Bearer {session['access_token']}"
    await close(realm)


async def test_passthrough_allows_urls_inside_the_query(face: str, emulator: RealmEmulator) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    response = await call(realm.request("GET", "tenants?limit=2&next=https://app.example/x"))
    assert response.status_code == 200
    assert sent.sent[-1].path == "/tenants"
    await close(realm)


async def test_passthrough_returns_errors_intact(face: str, emulator: RealmEmulator) -> None:
    realm, _ = make_realm(face, emulator)
    response = await call(realm.request("GET", "/tenants/ten_missing"))
    assert response.status_code == 404
    with pytest.raises(RealmError) as caught:
        raise_for_status(response)
    err = caught.value
    assert err.code is ErrorCode.NOT_FOUND
    assert err.request_id == response.headers["x-request-id"]
    assert err.request_id
    assert err.request_id in str(err)
    await close(realm)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"path": "https://evil.example/tenants"},
        {"path": "//evil.example/tenants"},
        {"path": "HTTPS://evil.example"},
        {"path": ""},
        {"path": "/tenants", "on_behalf_of_user": "u1\r\nX-Admin: 1"},
        {"path": "/tenants", "on_behalf_of_ip": ""},
        {"path": "/tenants", "user_bearer": "tok\nen"},
    ],
)
async def test_passthrough_refuses_bad_input_before_io(
    face: str, emulator: RealmEmulator, kwargs: dict[str, Any]
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    kwargs = dict(kwargs)  # the parameter dict is shared by both faces
    path = kwargs.pop("path")
    with pytest.raises(ValueError):
        await call(realm.request("GET", path, **kwargs))
    assert sent.sent == []
    await close(realm)


async def test_5xx_on_a_get_is_retried(face: str, emulator: RealmEmulator) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.info())
    emulator.faults.fail_next(2, status=503, path_prefix="/tenants")
    response = await call(realm.request("GET", "/tenants"))
    assert response.status_code == 200
    assert sent.count("GET", "/tenants") == 3
    await close(realm)


async def test_retries_are_bounded(face: str, emulator: RealmEmulator) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.info())
    emulator.faults.fail_next(10, status=502, path_prefix="/tenants")
    response = await call(realm.request("GET", "/tenants"))
    assert response.status_code == 502
    assert sent.count("GET", "/tenants") == 1 + FAST_RETRY.max_retries
    await close(realm)


async def test_a_post_without_idempotency_key_is_not_retried(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.info())
    emulator.faults.fail_next(1, status=503, path_prefix="/tenants")
    response = await call(realm.request("POST", "/tenants", json={"display_name": "Once"}))
    assert response.status_code == 503
    assert sent.count("POST", "/tenants") == 1
    await close(realm)


async def test_a_post_with_idempotency_key_is_retried_with_the_same_key(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.info())
    key = str(uuid.uuid4())
    emulator.faults.fail_next(1, status=503, path_prefix="/tenants")
    created = await call(
        realm.request(
            "POST", "/tenants", json={"display_name": "Keyed"}, headers={"Idempotency-Key": key}
        )
    )
    assert created.status_code == 201
    posts = [s for s in sent.sent if s.method == "POST" and s.path == "/tenants"]
    assert [p.headers["idempotency-key"] for p in posts] == [key, key]
    # A client that never saw the answer repeats the call: the first result comes back.
    again = await call(
        realm.request(
            "POST", "/tenants", json={"display_name": "Keyed"}, headers={"Idempotency-Key": key}
        )
    )
    assert again.json() == created.json()
    listed = (await call(realm.request("GET", "/tenants"))).json()["items"]
    assert [t["display_name"] for t in listed] == ["Keyed"]
    await close(realm)


async def test_a_dropped_connection_is_retried_then_surfaces_as_network(
    face: str, emulator: RealmEmulator
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    await call(realm.info())
    emulator.faults.drop_next(1, path_prefix="/tenants")
    assert (await call(realm.request("GET", "/tenants"))).status_code == 200
    emulator.faults.drop_next(5, path_prefix="/tenants")
    with pytest.raises(RealmError) as caught:
        await call(realm.request("GET", "/tenants"))
    assert caught.value.code is ErrorCode.NETWORK
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    await close(realm)


async def test_timeouts_surface_as_network(face: str, emulator: RealmEmulator) -> None:
    realm, _ = make_realm(
        face, emulator, timeout=0.2, retry=RetryPolicy(max_retries=1, backoff_factor=0.01)
    )
    await call(realm.info())
    emulator.faults.latency = 0.5
    with pytest.raises(RealmError) as caught:
        await call(realm.request("GET", "/tenants"))
    assert caught.value.code is ErrorCode.NETWORK
    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    await close(realm)


async def test_refused_connection_is_network(face: str) -> None:
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    realm = cls(
        realm_id="r1",
        api_key="rk_test_x",
        base_url="http://127.0.0.1:9",
        retry=RetryPolicy(max_retries=0),
    )
    with pytest.raises(RealmError) as caught:
        await call(realm.info())
    assert caught.value.code is ErrorCode.NETWORK
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    await close(realm)


async def test_429_honours_retry_after_then_succeeds(face: str, emulator: RealmEmulator) -> None:
    policy = RetryPolicy(max_retries=2, backoff_factor=0.01, max_backoff=2)
    realm, sent = make_realm(face, emulator, record=True, retry=policy)
    assert sent is not None
    await call(realm.tenants.list().page())  # mints the platform token first
    emulator.set_rate_limit(1, burst=1)
    await call(realm.request("GET", "/tenants"))  # spends the burst; the next one is limited
    response = await call(realm.request("GET", "/tenants"))
    assert response.status_code == 200
    assert sent.count("GET", "/tenants") == 4
    await close(realm)


async def test_429_without_retries_carries_retry_after(face: str, emulator: RealmEmulator) -> None:
    realm, _ = make_realm(face, emulator, retry=RetryPolicy(max_retries=0))
    await call(realm.tenants.list().page())  # mints the platform token first
    emulator.set_rate_limit(1, burst=1)
    await call(realm.request("GET", "/tenants"))
    with pytest.raises(RealmError) as caught:
        raise_for_status(await call(realm.request("GET", "/tenants")))
    assert caught.value.code is ErrorCode.RATE_LIMITED
    assert caught.value.details["retry_after"] >= 1
    await close(realm)


async def test_pagination_walks_every_page_lazily(face: str, emulator: RealmEmulator) -> None:
    for n in range(23):
        emulator.create_tenant(f"T{n:02}")
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    op = list_tenants.asyncio_detailed if face == "async" else list_tenants.sync_detailed
    paginated = realm._paginate(op, TenantPage, limit=5)
    assert sent.sent == []  # nothing is fetched until iteration starts
    names = [t.display_name for t in await collect(paginated)]
    assert names == [f"T{n:02}" for n in range(23)]
    assert sent.count("GET", "/tenants") == 5
    first = await call(paginated.page(limit=10))
    second = await call(paginated.page(cursor=first.next_cursor, limit=10))
    third = await call(paginated.page(cursor=second.next_cursor, limit=10))
    assert (len(first.items), len(second.items), len(third.items)) == (10, 10, 3)
    assert third.next_cursor is None
    assert first.total == 23
    with pytest.raises(ValueError):
        await call(paginated.page(limit=0))
    await close(realm)


async def test_pagination_memory_stays_flat_over_ten_thousand_items(
    face: str, emulator: RealmEmulator
) -> None:
    for n in range(10_000):
        emulator.create_tenant(f"tenant-{n}")
    realm, _ = make_realm(face, emulator)
    op = list_tenants.asyncio_detailed if face == "async" else list_tenants.sync_detailed
    paginated = realm._paginate(op, TenantPage, limit=500)
    await call(paginated.page())  # warm up: token, connection, lazy imports
    tracemalloc.start()
    count = 0
    peak_after_first_page = 0
    if face == "async":
        async for _ in paginated:
            count += 1
            if count == 500:
                peak_after_first_page = tracemalloc.get_traced_memory()[1]
    else:
        for _ in paginated:
            count += 1
            if count == 500:
                peak_after_first_page = tracemalloc.get_traced_memory()[1]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 10_000
    # Twenty pages went by; the peak is bounded by about two pages in flight, not twenty.
    assert peak < 3 * peak_after_first_page
    await close(realm)


async def test_one_debug_line_per_request_and_no_secret_in_any_log(
    face: str, emulator: RealmEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    user = emulator.seed_user("logs@example.test", {emulator.create_tenant("L"): "member"})
    session = emulator.session_for(user.id)
    realm, sent = make_realm(face, emulator, record=True)
    assert sent is not None
    with caplog.at_level(logging.DEBUG, logger="realmid"):
        await call(realm.info())
        await call(realm.request("GET", "/auth/sessions", user_bearer=session["access_token"]))
        emulator.faults.fail_next(1, status=503, path_prefix="/tenants")
        await call(realm.request("GET", "/tenants"))
    lines = [r.getMessage() for r in caplog.records if r.name == "realmid"]
    request_lines = [line for line in lines if " -> " in line]
    assert len(request_lines) == len(sent.sent) - 1  # the retried GET logs once, retries=1
    assert any("GET /tenants -> 200" in line and "retries=1" in line for line in request_lines)
    assert any("POST /auth/login -> 200" in line for line in request_lines)
    secrets = [emulator.api_key, session["access_token"], session["refresh_token"]]
    secrets += [realm._auth._tokens.access_token, realm._auth._tokens.refresh_token]
    text = caplog.text + repr(realm) + repr(realm._auth) + repr(realm._config)
    for secret in secrets:
        assert secret
        assert secret not in text
    await close(realm)
