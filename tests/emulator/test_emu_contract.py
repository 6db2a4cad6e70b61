"""Every operation of the contract is served, and bad input never turns into a 5xx."""

from __future__ import annotations

import re

import pytest
from emu_support import Api, assert_error

from realmid.testing.contract import Operation, get_contract

OPERATIONS = get_contract().operations
JUNK_BODIES: list[tuple[str, bytes]] = [
    ("not-json", b"{nope"),
    ("array", b"[]"),
    ("string", b'"hello"'),
    ("unknown-member", b'{"unexpected": true}'),
    ("nan", b'{"display_name": NaN}'),
    ("huge", b'{"display_name": "' + b"x" * (70 * 1024) + b'"}'),
]


def test_the_contract_has_51_operations() -> None:
    assert len(OPERATIONS) == 51


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_is_routed_and_survives_junk(api: Api, op: Operation) -> None:
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
