"""The middleware's decision on the request span (PII only when opted in) and its counter:
the ASGI and the WSGI middleware, each over both faces."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from facade.support import call, close, make_realm
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from realmid.middleware import MiddlewareOptions
from realmid.testing import RealmEmulator

from .conftest import Telemetry

pytestmark = pytest.mark.anyio


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b"ok"]


@pytest.fixture(params=["asgi", "wsgi"])
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def guarded_get(realm: Any, adapter: str, options: MiddlewareOptions, bearer: str) -> int:
    """GET /api through the middleware, inside a SERVER span as a web framework opens."""
    tracer = trace.get_tracer("test-server")
    headers = {"Authorization": f"Bearer {bearer}"}
    with tracer.start_as_current_span("GET /api", kind=SpanKind.SERVER):
        if adapter == "asgi":
            app = realm.asgi_middleware(asgi_app, options)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app), base_url="http://app.test"
            ) as client:
                return (await client.get("/api", headers=headers)).status_code
        guard = realm.wsgi_middleware(wsgi_app, options)
        try:
            with httpx.Client(
                transport=httpx.WSGITransport(guard), base_url="http://app.test"
            ) as client:
                return client.get("/api", headers=headers).status_code
        finally:
            guard.close()


@pytest.mark.parametrize("pii", [False, True])
async def test_the_decision_lands_on_the_request_span(
    face: str, adapter: str, pii: bool, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    tenant = emulator.create_tenant(f"MW Co {face} {adapter} {pii}")
    user = emulator.seed_user(f"mw-{face}-{adapter}-{pii}@example.test", {tenant: "member"})
    token = str(emulator.session_for(user.id, tenant)["access_token"])
    options = MiddlewareOptions(telemetry_user_attributes=pii)
    realm, _ = make_realm(face, emulator, clock=emulator.now)
    try:
        await call(realm.verify(token))  # keys in hand: the guard decides in memory
        telemetry.reset()
        assert await guarded_get(realm, adapter, options, token) == 200
        assert await guarded_get(realm, adapter, options, "not-a-token") == 401
    finally:
        await close(realm)
    ok_span, refused_span = telemetry.spans("GET /api")
    ok = dict(ok_span.attributes or {})
    assert ok["realmid.decision"] == "ok"
    if pii:
        assert ok["enduser.id"] == user.id
        assert ok["realmid.tenant_id"] == tenant
    else:
        assert "enduser.id" not in ok
        assert "realmid.tenant_id" not in ok
    refused = dict(refused_span.attributes or {})
    assert refused["realmid.decision"] == "malformed"
    assert "enduser.id" not in refused
    decisions = sorted(
        (p.attributes["realmid.outcome"], p.value)
        for p in telemetry.points("realmid.middleware.decisions")
    )
    assert decisions == [("malformed", 1), ("ok", 1)]


def test_user_attributes_are_off_by_default() -> None:
    assert MiddlewareOptions().telemetry_user_attributes is False
    with pytest.raises(ValueError):
        MiddlewareOptions(telemetry_user_attributes="yes")  # type: ignore[arg-type]
