"""Every operation of the contract is served, and bad input never turns into a 5xx.

An operation of the shipped contract without a handler fails one test named after it
(``test_every_operation_has_a_handler[<operationId>]``); the emulator itself answers it
with a 501 (see ``test_emu_unhandled.py``) and the other tests here skip it.
"""

from __future__ import annotations

import re

import pytest
from emu_support import Api, assert_error

from realmid.testing import RealmEmulator, load_contract
from realmid.testing.contract import Operation, get_contract
from realmid.testing.handlers.table import ROUTES

OPERATIONS = get_contract().operations
# Every method OpenAPI allows, not the compiler's own list: an operation it skipped is lost.
OPENAPI_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
JUNK_BODIES: list[tuple[str, bytes]] = [
    ("not-json", b"{nope"),
    ("array", b"[]"),
    ("string", b'"hello"'),
    ("unknown-member", b'{"unexpected": true}'),
    ("nan", b'{"display_name": NaN}'),
    ("huge", b'{"display_name": "' + b"x" * (70 * 1024) + b'"}'),
]


def test_the_compiled_contract_holds_every_operation_of_the_shipped_document() -> None:
    document = load_contract()
    listed = sorted(
        spec["operationId"]
        for item in document["paths"].values()
        for method, spec in item.items()
        if method in OPENAPI_METHODS
    )
    assert listed, "the shipped contract lists no operation"
    assert sorted(op.operation_id for op in OPERATIONS) == listed


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_has_a_handler(realm_emulator: RealmEmulator, op: Operation) -> None:
    assert op.operation_id in ROUTES, (
        f"{op.method.upper()} {op.path}: add a handler with "
        f"@operation({op.operation_id!r}) in realmid/testing/handlers/"
    )
    assert op.operation_id not in realm_emulator.unhandled_operations


def test_every_handler_serves_an_operation_of_the_contract() -> None:
    # A handler left behind when an operation is renamed or dropped from the spec.
    assert set(ROUTES) - {op.operation_id for op in OPERATIONS} == set()


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_is_routed_and_survives_junk(api: Api, op: Operation) -> None:
    if op.operation_id not in ROUTES:
        # Its 501 is test_every_operation_has_a_handler's failure, not a second one here.
        pytest.skip(f"no handler for {op.operation_id}")
    path = re.sub(r"\{platform_id\}", api.emu.realm_id, op.path)
    path = re.sub(r"\{\w+\}", "some-id", path)
    bodies = JUNK_BODIES if op.body_validator is not None else [("none", b"")]
    for name, raw in bodies:
        response = api.http.request(
            op.method.upper(),
            path,
            content=raw,
            headers={**api.headers(), "Content-Type": "application/json"},
        )
        assert response.status_code < 500, (name, response.status_code, response.text)
        assert response.status_code != 405, name
        assert response.headers["x-request-id"]
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body["code"], str), body
            assert isinstance(body["message"], str), body
            assert not body["message"].startswith("no route"), body
        malformed = name != "unknown-member"  # free-form bodies may accept unknown members
        if op.body_validator is not None and malformed:
            assert response.status_code in (400, 401), (name, response.status_code, response.text)


def test_oversized_and_malformed_bodies_are_400(api: Api) -> None:
    big = api.http.post(
        "/tenants",
        content=b'{"display_name": "' + b"x" * (65 * 1024) + b'"}',
        headers={**api.headers(), "Content-Type": "application/json"},
    )
    assert_error(big, 400, "bad_request")
    missing = api.http.post("/tenants", headers=api.headers())
    assert_error(missing, 400, "bad_request")
    wrong_type = api.post("/tenants", {"display_name": 42})
    body = assert_error(wrong_type, 400, "bad_request")
    assert "display_name" in body["message"]


def test_validation_messages_never_echo_secrets(api: Api) -> None:
    secret = "rk_test_" + "s" * 600
    response = api.http.post(
        "/auth/login",
        json={"grant_type": "platform_api_key", "realm_id": api.emu.realm_id, "api_key": secret},
    )
    body = assert_error(response, 400, "bad_request")
    assert secret not in response.text
    assert "api_key" in body["message"]


def test_parameters_are_validated(api: Api) -> None:
    assert_error(api.get("/admin/events", params={"since": "yesterday"}), 400, "bad_request")
    assert_error(
        api.get("/admin/platforms", params={"has_custom_domain": "maybe"}), 400, "bad_request"
    )
    long_header = api.headers(X_On_Behalf_Of_User="u" * 200)
    assert_error(api.get("/auth/sessions", headers=long_header), 400, "bad_request")
    long_origin = {"Origin": "https://" + "a" * 3000 + ".test"}
    assert_error(api.http.post("/auth/logout", json={}, headers=long_origin), 400, "bad_request")
    assert_error(api.get("/tenants/" + "t" * 200), 400, "bad_request")
    assert_error(api.get("/tenants/" + "t" * 200 + "/users"), 400, "bad_request")
