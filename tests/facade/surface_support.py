"""Helpers for the resource-surface tests (realm.auth, realm.tenants, ... realm.otp)."""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

import realmid
from realmid._http import RealmTransport
from realmid.errors import RealmError
from realmid.testing import RealmEmulator, SeededUser

from .support import FAST_RETRY, Recorder, call, close


class QueryRecorder(Recorder):
    """A Recorder that also keeps each request's query string (``Sent`` has the path only)."""

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self.queries: list[str] = []

    def _keep(self, request: httpx.Request) -> None:
        super()._keep(request)
        self.queries.append(request.url.query.decode())


Handle = realmid.Realm | realmid.AsyncRealm

_n = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test of the session uses (the emulator is shared)."""
    return f"{prefix}-{next(_n)}"


@contextlib.asynccontextmanager
async def open_realm(
    face: str, emu: RealmEmulator, **kwargs: Any
) -> AsyncIterator[tuple[Handle, QueryRecorder]]:
    """A recording handle on the emulator's realm, closed however the test ends."""
    inner: Any = httpx.AsyncHTTPTransport() if face == "async" else httpx.HTTPTransport()
    recorder = QueryRecorder(inner)
    transport = RealmTransport(recorder, FAST_RETRY, logging.getLogger("realmid"))
    client: Any = (
        httpx.AsyncClient(transport=transport)
        if face == "async"
        else httpx.Client(transport=transport)
    )
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    settings: dict[str, Any] = {
        "realm_id": emu.realm_id,
        "api_key": emu.api_key,
        "base_url": emu.base_url,
        "retry": FAST_RETRY,
        **kwargs,
    }
    realm = cls(http_client=client, **settings)
    try:
        yield realm, recorder
    finally:
        await close(realm)


async def error_of(make_call: Callable[[], Any]) -> RealmError:
    """The RealmError a call raises (sync face: at the call; async face: when awaited)."""
    with pytest.raises(RealmError) as caught:
        await call(make_call())
    return caught.value


def member(emu: RealmEmulator, role: str = "owner", **kwargs: Any) -> SeededUser:
    """A user who belongs to one fresh tenant with ``role``."""
    tenant = emu.create_tenant(unique("Tenant"))
    return emu.seed_user(f"{unique('user')}@example.test", {tenant: role}, **kwargs)


async def login(realm: Handle, emu: RealmEmulator, user: SeededUser, **kwargs: Any) -> Any:
    """``realm.auth.login`` with a fresh provider token for ``user``."""
    return await call(realm.auth.login(emu.mint_provider_token(user.email), **kwargs))


def wrong_code(right: str) -> str:
    """A six-digit code that is not ``right``."""
    return "000000" if right != "000000" else "111111"
