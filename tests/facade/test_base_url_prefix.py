"""A base URL with a path (an API gateway mounting the issuer under a prefix) keeps that
path on every request: the platform grants, the typed calls and the JWKS fetch.

The emulator serves at its root, so a forwarding transport plays the gateway: it refuses
anything outside ``/gw`` (404, as a gateway would) and relays the rest, prefix stripped, to
the real emulator over loopback. Only the routing is simulated; every answer is the
emulator's.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import realmid
from realmid.errors import ErrorCode
from realmid.testing import RealmEmulator

from .support import call
from .surface_support import error_of

pytestmark = pytest.mark.anyio

PREFIX = "/gw"


class Gateway:
    def __init__(self, emu: RealmEmulator) -> None:
        self.upstream = httpx.Client(base_url=emu.base_url)
        self.seen: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.url.path)
        if not request.url.path.startswith(PREFIX + "/"):
            return httpx.Response(404, text="404 page not found\n")
        upstream = self.upstream.build_request(
            request.method,
            request.url.path[len(PREFIX) :],
            params=request.url.params,
            content=request.read(),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
        )
        answer = self.upstream.send(upstream, stream=True)
        raw = b"".join(answer.iter_raw())
        answer.close()
        # Relayed as the emulator sent it: the raw (still encoded) bytes, as a stream.
        return httpx.Response(
            answer.status_code,
            headers=answer.headers,
            stream=httpx.ByteStream(raw),
        )


class _AsyncGateway(httpx.AsyncBaseTransport):
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self.gateway.handle(request)


async def test_every_request_keeps_the_base_url_path(face: str, emulator: RealmEmulator) -> None:
    gateway = Gateway(emulator)
    client: Any = (
        httpx.AsyncClient(transport=_AsyncGateway(gateway))
        if face == "async"
        else httpx.Client(transport=httpx.MockTransport(gateway.handle))
    )
    cls: Any = realmid.AsyncRealm if face == "async" else realmid.Realm
    realm = cls(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url="https://gateway.example" + PREFIX,
        http_client=client,
    )
    tenant = emulator.create_tenant("Behind a gateway")
    owner = emulator.seed_user("gw@example.test", {tenant: "owner"})
    access = emulator.session_for(owner.id, tenant)["access_token"]
    try:
        assert (await call(realm.tenants.get(tenant))).id == tenant  # platform grant + call
        # The keys come through the gateway and the signature checks out; the emulator's
        # tokens then name its own address as iss, which is not this base URL.
        refused = await error_of(lambda: realm.verify(access))
        assert refused.code is ErrorCode.WRONG_ISSUER
    finally:
        await call(realm.aclose() if face == "async" else realm.close())
        gateway.upstream.close()
    assert gateway.seen, "nothing went through the gateway"
    assert all(path.startswith(PREFIX + "/") for path in gateway.seen), gateway.seen
    assert {PREFIX + "/auth/login", PREFIX + "/.well-known/jwks.json"} <= set(gateway.seen)
