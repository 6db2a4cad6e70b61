"""An operation of the contract without a handler answers 501 ``not_implemented``.

The emulator here serves a copy of the shipped contract with two operations no handler
serves: a new path (``GET /tenants/{tenant_id}/webhooks``) and a new method on a path the
handlers do serve (``PUT /tenants/{tenant_id}``). It must start, answer both with the 501
envelope over real HTTP, keep serving everything else, and record no contract violation.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from emu_support import Api, assert_error, assert_reference_error

from realmid.testing import RealmEmulator, load_contract

NEW_PATH = "list_tenant_webhooks"
NEW_METHOD = "replace_tenant"
UNHANDLED = (NEW_PATH, NEW_METHOD)


def contract_with_unhandled_operations() -> dict[str, Any]:
    """The shipped contract plus two operations shaped like ``get_tenant``, without handlers."""
    document = copy.deepcopy(load_contract())
    tenant_item = document["paths"]["/tenants/{tenant_id}"]
    assert "put" not in tenant_item, "pick another method: PUT /tenants/{tenant_id} exists now"
    get_tenant = tenant_item["get"]
    tenant_item["put"] = {**copy.deepcopy(get_tenant), "operationId": NEW_METHOD}
    document["paths"]["/tenants/{tenant_id}/webhooks"] = {
        "get": {**copy.deepcopy(get_tenant), "operationId": NEW_PATH}
    }
    return document


@pytest.fixture(scope="module")
def partial() -> Iterator[RealmEmulator]:
    with RealmEmulator(contract=contract_with_unhandled_operations()) as emu:
        yield emu


@pytest.fixture
def api(partial: RealmEmulator) -> Iterator[Api]:
    before = len(partial.contract_violations)
    client = Api(partial)
    yield client
    client.close()
    partial.profile = "default"
    assert partial.contract_violations[before:] == []


def webhooks_path(emu: RealmEmulator) -> str:
    return f"/tenants/{emu.create_tenant('Acme')}/webhooks"


def test_it_starts_and_lists_the_operations_without_a_handler(partial: RealmEmulator) -> None:
    # That the shipped contract has none is test_emu_contract.py's, one test per operation.
    assert partial.unhandled_operations == UNHANDLED  # sorted
    assert partial.using_realm(partial.add_realm("Other")).unhandled_operations == UNHANDLED
    info = httpx.get(f"{partial.base_url}/_emulator/info").json()
    assert info["unhandled_operations"] == list(UNHANDLED)


def test_a_new_path_answers_501_not_implemented(api: Api, partial: RealmEmulator) -> None:
    response = api.get(webhooks_path(partial))
    body = assert_error(response, 501, "not_implemented")
    assert body == {
        "code": "not_implemented",
        "message": f"the emulator has no handler for {NEW_PATH}",
        "request_id": response.headers["x-request-id"],
    }
    assert partial.contract_violations == []


def test_the_501_comes_before_validation_and_authentication(
    api: Api, partial: RealmEmulator
) -> None:
    # No handler, so nothing to judge the request for: no 401 without a bearer, and no
    # 400 for a tenant id outside the id schema.
    assert_error(api.http.get(webhooks_path(partial)), 501, "not_implemented")
    assert_error(api.get("/tenants/" + "t" * 200 + "/webhooks"), 501, "not_implemented")


def test_a_new_method_answers_501_and_the_path_keeps_its_other_methods(
    api: Api, partial: RealmEmulator
) -> None:
    tenant_id = partial.create_tenant("Acme")
    replaced = api.http.put(
        f"/tenants/{tenant_id}", json={"display_name": "Acme 2"}, headers=api.headers()
    )
    body = assert_error(replaced, 501, "not_implemented")
    assert body["message"] == f"the emulator has no handler for {NEW_METHOD}"
    got = api.get(f"/tenants/{tenant_id}")
    assert got.status_code == 200, got.text
    assert got.json()["display_name"] == "Acme"  # the PUT did nothing
    refused = api.post(f"/tenants/{tenant_id}")
    assert_error(refused, 405, "method_not_allowed")
    assert "PUT" in refused.headers["allow"].split(", ")


def test_every_other_operation_is_still_served(api: Api, partial: RealmEmulator) -> None:
    created = api.post("/tenants", {"display_name": "Served"})
    assert created.status_code == 201, created.text
    listed = api.get("/tenants")
    assert created.json()["id"] in [tenant["id"] for tenant in listed.json()["items"]]
    assert api.http.get("/.well-known/jwks.json").json()["keys"]
    assert_error(api.get("/tenants/nope"), 404, "not_found")


def test_the_reference_profile_shapes_the_501_as_it_shapes_every_error(
    api: Api, partial: RealmEmulator
) -> None:
    partial.profile = "reference"
    body = assert_reference_error(api.get(webhooks_path(partial)), 501, "not_implemented")
    assert body == {
        "code": "not_implemented",
        "message": f"the emulator has no handler for {NEW_PATH}",
    }


def test_each_operation_without_a_handler_is_logged_once_at_startup(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="realmid.testing"):
        emu = RealmEmulator(contract=contract_with_unhandled_operations())
        built = [r.getMessage() for r in caplog.records if r.name == "realmid.testing"]
        assert built == [
            f"the emulator has no handler for {NEW_PATH} (GET /tenants/{{tenant_id}}/webhooks):"
            " it answers 501 not_implemented",
            f"the emulator has no handler for {NEW_METHOD} (PUT /tenants/{{tenant_id}}):"
            " it answers 501 not_implemented",
        ]
        with emu, closing(Api(emu)) as api:
            for _ in range(3):
                assert api.get(webhooks_path(emu)).status_code == 501
        served = [r.getMessage() for r in caplog.records if r.name == "realmid.testing"]
    assert served == built  # nothing more per request, and no contract violation


def test_the_self_check_still_runs_on_a_contract_of_ones_own() -> None:
    # The 501 is skipped by the self-check because it is deliberate, not because an
    # emulator built from another contract checks nothing: a stricter realm-info answer
    # than the handler gives is still recorded.
    document = contract_with_unhandled_operations()
    info = document["paths"]["/platforms/{platform_id}/info"]["get"]
    info["responses"]["200"] = {
        "description": "Stricter than the handler.",
        "content": {
            "application/json": {"schema": {"type": "object", "required": ["webhooks_url"]}}
        },
    }
    with RealmEmulator(contract=document) as emu:
        assert httpx.get(f"{emu.base_url}/platforms/{emu.realm_id}/info").status_code == 200
        tenant_path = f"/tenants/{emu.create_tenant('Acme')}/webhooks"
        with closing(Api(emu)) as api:
            assert api.get(tenant_path).status_code == 501
        assert len(emu.contract_violations) == 1
        assert "get_realm_info 200" in emu.contract_violations[0]
        assert "webhooks_url" in emu.contract_violations[0]
