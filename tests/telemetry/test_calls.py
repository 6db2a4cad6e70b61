"""A span per facade call, the token flow's spans and counters, and traceparent on the wire,
over the emulator on both faces."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from facade.support import Recorder, call, close, collect, make_realm
from opentelemetry.trace import SpanKind, StatusCode

from realmid.testing import RealmEmulator

from .conftest import Telemetry

pytestmark = pytest.mark.anyio


def traceparent(sent: Any) -> tuple[str, str]:
    """(trace id, parent span id) of a recorded request's W3C traceparent."""
    version, trace_id, span_id, flags = sent.headers["traceparent"].split("-")
    assert version == "00"
    assert int(flags, 16) & 1
    return trace_id, span_id


def ids(span: Any) -> tuple[str, str]:
    return f"{span.context.trace_id:032x}", f"{span.context.span_id:016x}"


async def test_a_call_is_one_client_span_with_its_ids_and_status(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    realm, sent = make_realm(face, emulator, record=True)
    try:
        tenant = await call(realm.tenants.create("Telemetry Co"))
    finally:
        await close(realm)
    span = telemetry.span("realmid.tenants.create")
    assert span.kind is SpanKind.CLIENT
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "realmid"
    attrs = dict(span.attributes or {})
    assert attrs["realmid.realm_id"] == emulator.realm_id
    assert attrs["realmid.operation"] == "create_tenant"
    assert attrs["http.response.status_code"] == 201
    assert isinstance(attrs["realmid.request_id"], str)
    assert attrs["realmid.request_id"]
    assert span.status.status_code is StatusCode.UNSET
    assert tenant.id
    # The platform token was minted inside that call: a child span of it.
    mint = telemetry.span("realmid.token.mint")
    assert mint.parent is not None
    assert mint.parent.span_id == span.context.span_id
    assert dict(mint.attributes or {})["realmid.token.grant"] == "api_key"
    points = telemetry.points()
    durations = [p for p in points if p.name == "realmid.client.duration"]
    assert [(p.attributes, p.value) for p in durations] == [
        ({"realmid.operation": "create_tenant", "http.response.status_code": 201}, 1)
    ]
    mints = [p for p in points if p.name == "realmid.token.requests"]
    assert [(p.attributes, p.value) for p in mints] == [
        ({"realmid.token.grant": "api_key", "realmid.outcome": "ok"}, 1)
    ]
    # traceparent: the mint request belongs to the mint span, the call to the call span.
    assert sent is not None
    login, create = sent.sent
    assert traceparent(login) == ids(mint)
    assert traceparent(create) == ids(span)


async def test_a_failing_call_has_status_error_and_the_taxonomy_code(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    realm, _ = make_realm(face, emulator)
    try:
        with pytest.raises(Exception) as caught:
            await call(realm.tenants.get("01HZZZZZZZZZZZZZZZZZZZZZZZ"))
    finally:
        await close(realm)
    assert getattr(caught.value, "code", None) == "not_found"
    span = telemetry.span("realmid.tenants.get")
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "not_found"
    attrs = dict(span.attributes or {})
    assert attrs["realmid.error.code"] == "not_found"
    assert attrs["http.response.status_code"] == 404
    assert attrs["realmid.operation"] == "get_tenant"
    assert not span.events  # no exception (and no message) recorded
    assert type(attrs["http.response.status_code"]) is int  # never an HTTPStatus
    (point,) = telemetry.points("realmid.client.duration")
    assert point.attributes == {
        "realmid.operation": "get_tenant",
        "http.response.status_code": 404,
        "realmid.error.code": "not_found",
    }
    assert type(point.attributes["http.response.status_code"]) is int


async def test_nested_resources_pages_and_the_escape_hatch_are_named(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    tenant_id = emulator.create_tenant("Named Co")
    emulator.seed_user("named@example.test", {tenant_id: "owner"})
    realm, _ = make_realm(face, emulator)
    try:
        pages: Any = realm.tenants.users.list(tenant_id, limit=1)
        users = await collect(pages)
        await call(realm.request("GET", "/tenants"))
        await call(realm.info())
    finally:
        await close(realm)
    assert len(users) == 1
    names = [s.name for s in telemetry.spans() if s.name != "realmid.token.mint"]
    assert names[:1] == ["realmid.tenants.users.list"]
    assert "realmid.realm.request" in names
    assert "realmid.realm.info" in names
    hatch = telemetry.span("realmid.realm.request")
    assert dict(hatch.attributes or {})["http.response.status_code"] == 200


async def test_traceparent_rides_the_handles_own_client(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    realm, _ = make_realm(face, emulator)
    client: Any = realm._http
    recorder = Recorder(client._transport)  # the wire, under the handle's own transport
    client._transport = recorder
    try:
        await call(realm.roles.list())
        await call(realm.tenants.create("Wire Co"))
    finally:
        await close(realm)
    spans = {s.name: s for s in telemetry.spans()}
    login, roles, tenants = recorder.sent
    assert (login.path, tenants.path) == ("/auth/login", "/tenants")
    assert roles.path.endswith("/roles")
    assert traceparent(login) == ids(spans["realmid.token.mint"])
    assert traceparent(roles) == ids(spans["realmid.roles.list"])
    assert traceparent(tenants) == ids(spans["realmid.tenants.create"])
    # Two calls, two traces (no call is left current after it returns).
    assert traceparent(roles)[0] != traceparent(tenants)[0]


async def test_refresh_and_remint_on_a_refused_token(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    emulator.set_config(platform_token_ttl=60)
    realm, sent = make_realm(face, emulator, record=True)
    try:
        await call(realm.roles.list())
        emulator.advance(61)  # expired on the server, not yet here: a 401, then a re-mint
        await call(realm.roles.list())
        tokens = realm._auth._tokens
        assert tokens is not None
        realm._auth._tokens = type(tokens)(
            tokens.access_token, tokens.refresh_token, refresh_at=0.0, expires_at=1e12
        )
        await call(realm.roles.list())  # due for a refresh: POST /auth/token
    finally:
        emulator.set_config(platform_token_ttl=900)
        await close(realm)
    remint = telemetry.span("realmid.token.remint")
    mints = telemetry.spans("realmid.token.mint")
    assert len(mints) == 2
    second = next(m for m in mints if m.parent and m.parent.span_id == remint.context.span_id)
    assert dict(second.attributes or {})["realmid.token.remint"] is True
    calls = telemetry.spans("realmid.roles.list")
    assert remint.parent is not None
    assert remint.parent.span_id == calls[1].context.span_id
    refresh = telemetry.span("realmid.token.refresh")
    assert dict(refresh.attributes or {})["realmid.token.grant"] == "refresh"
    assert refresh.parent is not None
    assert refresh.parent.span_id == calls[2].context.span_id
    counted = sorted(
        (p.attributes["realmid.token.grant"], p.value)
        for p in telemetry.points("realmid.token.requests")
    )
    assert counted == [("api_key", 2), ("refresh", 1)]
    assert sent is not None
    refresh_request = next(s for s in sent.sent if s.path == "/auth/token")
    assert traceparent(refresh_request) == ids(refresh)


async def test_a_refused_mint_is_an_error_span_and_counted(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    cls: Any = type(make_realm(face, emulator)[0])
    realm = cls(
        realm_id=emulator.realm_id, api_key="rk_wrong_key_000000", base_url=emulator.base_url
    )
    try:
        with pytest.raises(Exception) as caught:
            await call(realm.roles.list())
    finally:
        await close(realm)
    code = str(getattr(caught.value, "code", ""))
    mint = telemetry.span("realmid.token.mint")
    assert mint.status.status_code is StatusCode.ERROR
    assert dict(mint.attributes or {})["realmid.error.code"] == code
    call_span = telemetry.span("realmid.roles.list")
    assert dict(call_span.attributes or {})["realmid.error.code"] == code
    (point,) = telemetry.points("realmid.token.requests")
    assert point.attributes == {"realmid.token.grant": "api_key", "realmid.outcome": code}


async def test_a_caller_supplied_client_carries_traceparent(
    face: str, emulator: RealmEmulator, telemetry: Telemetry
) -> None:
    inner: Any = httpx.AsyncHTTPTransport() if face == "async" else httpx.HTTPTransport()
    recorder = Recorder(inner)
    client: Any = (
        httpx.AsyncClient(transport=recorder)
        if face == "async"
        else httpx.Client(transport=recorder)
    )
    realm, _ = make_realm(face, emulator, http_client=client)
    try:
        await call(realm.tenants.create("Client Co"))
    finally:
        await close(realm)
    span = telemetry.span("realmid.tenants.create")
    login, listing = recorder.sent
    assert traceparent(listing) == ids(span)
    assert traceparent(login) == ids(telemetry.span("realmid.token.mint"))
