"""The models fit the web stacks: FastAPI's response_model, Flask's JSON, pydantic.

Real apps over loopback (uvicorn for FastAPI, werkzeug for Flask) returning what a realm
handle returns, from a realm on the emulator.
"""

from __future__ import annotations

import json
from datetime import datetime

import flask
import httpx
import pydantic
import pytest
from fastapi import FastAPI

from examples.serving import serve_asgi, serve_wsgi
from realmid import Realm
from realmid.models import Session, Tenant
from realmid.testing import RealmEmulator


@pytest.fixture
def tenant(realm: Realm) -> Tenant:
    return realm.tenants.create("Acme", signup_mode="closed")


def test_fastapi_takes_a_model_as_response_model(realm: Realm, tenant: Tenant) -> None:
    app = FastAPI()

    @app.get("/tenants/{tenant_id}", response_model=Tenant)
    def get_tenant(tenant_id: str) -> Tenant:
        return realm.tenants.get(tenant_id)

    @app.get("/tenants-loose/{tenant_id}")
    def get_tenant_dict(tenant_id: str) -> dict[str, object]:
        return realm.tenants.get(tenant_id).to_dict()

    with serve_asgi(app) as url:
        typed = httpx.get(f"{url}/tenants/{tenant.id}")
        loose = httpx.get(f"{url}/tenants-loose/{tenant.id}")
        docs = httpx.get(f"{url}/openapi.json")
    assert typed.status_code == 200, typed.text
    assert typed.json() == loose.json() == tenant.to_dict()
    assert typed.json()["id"] == tenant.id
    # Datetimes go out as the RFC 3339 string the issuer sent.
    assert tenant.created_at is not None
    assert datetime.fromisoformat(typed.json()["created_at"]) == tenant.created_at
    assert docs.status_code == 200  # the schema of the route renders
    assert "Tenant" in json.dumps(docs.json()["paths"])


def test_flask_returns_to_dict_as_json(realm: Realm, tenant: Tenant) -> None:
    app = flask.Flask(__name__)

    @app.get("/tenants/<tenant_id>")
    def get_tenant(tenant_id: str) -> dict[str, object]:
        return realm.tenants.get(tenant_id).to_dict()

    with serve_wsgi(app) as url:
        answer = httpx.get(f"{url}/tenants/{tenant.id}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json() == tenant.to_dict()


def test_pydantic_validates_and_serializes_a_model(emulator: RealmEmulator) -> None:
    adapter = pydantic.TypeAdapter(Session)
    wire = {
        "access_token": "at",
        "refresh_token": "rt",
        "expires_at": "2026-11-26T22:00:00Z",
        "tenants": [{"tenant_id": "t1", "role": "owner"}],
        "future_member": True,
    }
    session = adapter.validate_python(wire)
    assert isinstance(session, Session)
    assert session.expires_at == datetime.fromisoformat("2026-11-26T22:00:00+00:00")
    assert json.loads(adapter.dump_json(session)) == wire
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(Tenant).validate_python({"display_name": "no id"})
