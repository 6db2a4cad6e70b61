"""One AsyncRealm serves any event loop (issue 16, item 4).

Each test drives the handle through several ``asyncio.run`` calls, as a script, a CLI or
a test client that starts a loop per request does. Before, the second loop failed with
``RuntimeError: Event loop is closed`` (the first loop's pooled connection), or "bound to
a different event loop" (the first loop's locks), outside ``except RealmError``.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

import realmid
from realmid.errors import ErrorCode, RealmError
from realmid.testing import RealmEmulator

from .support import FAST_RETRY


def handle(emulator: RealmEmulator, **kwargs: Any) -> realmid.AsyncRealm:
    return realmid.AsyncRealm(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=emulator.base_url,
        retry=FAST_RETRY,
        **kwargs,
    )


def user_token(emulator: RealmEmulator, email: str) -> str:
    tenant = emulator.create_tenant(f"Tenant of {email}")
    user = emulator.seed_user(email, {tenant: "owner"})
    return str(emulator.session_for(user.id, tenant)["access_token"])


def test_successive_loops_share_one_mint_and_one_key_fetch(emulator: RealmEmulator) -> None:
    realm = handle(emulator)
    token = user_token(emulator, "loops@example.test")

    async def work() -> str:
        tenants = [t async for t in realm.tenants.list()]
        claims = await realm.verify(token)
        return f"{len(tenants)}:{claims.sub}"

    first = asyncio.run(work())
    second = asyncio.run(work())
    third = asyncio.run(work())
    assert first == second == third
    # The platform token and the keys outlive the loop that fetched them.
    assert realm._auth.stats.logins == 1
    assert realm._jwks.stats.fetches == 1
    asyncio.run(realm.aclose())


def test_the_first_key_fetch_and_mint_may_happen_on_a_later_loop(
    emulator: RealmEmulator,
) -> None:
    realm = handle(emulator)
    token = user_token(emulator, "later@example.test")

    async def mint_only() -> None:
        await realm.info()

    async def burst() -> list[str]:
        # Concurrent first verifies on a new loop: one key fetch between them (the fetch
        # lock of this loop), and concurrent calls share the one platform token.
        claims = await asyncio.gather(*(realm.verify(token) for _ in range(20)))
        pages = await asyncio.gather(*(realm.tenants.list(limit=1).page() for _ in range(20)))
        assert len(pages) == 20
        return [c.sub for c in claims]

    asyncio.run(mint_only())
    subs = asyncio.run(burst())
    assert len(set(subs)) == 1
    assert realm._jwks.stats.fetches == 1
    assert realm._auth.stats.logins == 1
    asyncio.run(realm.aclose())


def test_two_live_loops_in_two_threads_at_once(emulator: RealmEmulator) -> None:
    realm = handle(emulator)
    token = user_token(emulator, "threads@example.test")
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        async def work() -> None:
            barrier.wait()
            for _ in range(10):
                await realm.verify(token)
                await realm.tenants.list(limit=1).page()

        try:
            asyncio.run(work())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    asyncio.run(realm.aclose())


def test_aclose_on_another_loop_then_a_call_is_a_realm_error(emulator: RealmEmulator) -> None:
    realm = handle(emulator)

    async def call() -> None:
        await realm.info()

    asyncio.run(call())
    asyncio.run(realm.aclose())  # a loop that never used the handle: no error either
    with pytest.raises(RealmError) as caught:
        asyncio.run(realm.tenants.list(limit=1).page())
    assert caught.value.code is ErrorCode.BAD_REQUEST
    assert "closed" in caught.value.message


def test_a_starlette_test_client_without_with(emulator: RealmEmulator) -> None:
    # TestClient without `with` runs every request on a loop of its own.
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    realm = handle(emulator)
    token = user_token(emulator, "testclient@example.test")

    async def me(request: Request) -> JSONResponse:
        claims = await realm.verify(request.headers["authorization"].removeprefix("Bearer "))
        page = await realm.tenants.list(limit=1).page()
        return JSONResponse({"sub": claims.sub, "tenants": len(page.items or [])})

    client = TestClient(Starlette(routes=[Route("/me", me)]))
    answers = [client.get("/me", headers={"Authorization": f"Bearer {token}"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.json()["sub"] for a in answers}) == 1
    assert realm._auth.stats.logins == 1
    asyncio.run(realm.aclose())


def test_locks_contended_on_one_loop_still_serve_the_next(emulator: RealmEmulator) -> None:
    # An asyncio.Lock binds to the loop it is first contended on: the platform-token mint
    # is contended on the first loop (and the key fetch with it), then again on the second.
    realm = handle(emulator)
    token = user_token(emulator, "contended@example.test")

    async def burst() -> set[str]:
        claims = await asyncio.gather(*(realm.verify(token) for _ in range(10)))
        await asyncio.gather(*(realm.tenants.list(limit=1).page() for _ in range(10)))
        return {c.sub for c in claims}

    assert len(asyncio.run(burst())) == 1
    realm._auth.invalidate()  # the next calls mint again, all at once
    assert len(asyncio.run(burst())) == 1
    assert realm._auth.stats.logins == 2
    assert realm._jwks.stats.fetches == 1
    asyncio.run(realm.aclose())
