"""Answers shaped by other plausible issuers: extra members, absent ``omitempty`` fields.

The emulator's reference profile answers exactly as the Go types encode (tested over
loopback with every facade test); these play the other answers the reference allows and
the emulator never gives: members this SDK does not know, a tenant choice that leaves the
tokens out instead of sending ``""``, a session without ``user``. An ``httpx.MockTransport``
stands in for such an issuer.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import realmid

Answer = Callable[[httpx.Request], httpx.Response]


def jwt_with(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def realm_answering(path: str, body: Any) -> realmid.Realm:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == path:
            return httpx.Response(200, json=body)
        return httpx.Response(404, text="404 page not found\n")

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return realmid.Realm(
        realm_id="r1",
        api_key="rk_test_k",
        base_url="https://issuer.example",
        origin="https://app.example",
        http_client=client,
    )


@pytest.mark.parametrize(
    ("body", "user"),
    [
        # The Go Session of a user who must choose: empty tokens, a zero user.
        (
            {
                "access_token": "",
                "refresh_token": "",
                "expires_in": 0,
                "user": {"id": ""},
                "tenants": [{"tenant_id": "t1", "role": "owner"}, {"tenant_id": "t2", "role": ""}],
            },
            {"id": ""},
        ),
        # An issuer that leaves the empty members out.
        ({"tenants": [{"tenant_id": "t1", "role": "owner"}, {"id": "t2"}]}, None),
    ],
)
def test_a_tenant_choice_is_told_by_its_missing_tokens(
    body: dict[str, Any], user: dict[str, Any] | None
) -> None:
    session = realm_answering("/auth/login", body).auth.login("provider-token")
    assert session.needs_tenant_choice
    assert session.tenants is not None
    assert [t.tenant_id for t in session.tenants] == ["t1", "t2"]  # `id`: older issuers
    assert session.tenants[0].role == "owner"
    assert (session.user and session.user.to_dict()) == user


def test_unknown_members_are_kept_and_not_printed() -> None:
    access = jwt_with({"sub": "usr_1", "email": "ada@example.test"})
    body = {
        "access_token": access,
        "refresh_token": "rrt_1",
        "expires_in": 900,
        "session_handle": "sh_secret",
        "tenants": [{"tenant_id": "t1", "role": "owner", "joined_at": 1700000000}],
    }
    session = realm_answering("/auth/login", body).auth.login("provider-token")
    assert not session.needs_tenant_choice
    assert session.additional_properties == {"session_handle": "sh_secret"}
    assert session.tenants is not None
    assert session.tenants[0].additional_properties == {"joined_at": 1700000000}
    assert "sh_secret" not in repr(session)
    # Written back as it came (plus the user the facade read from the token).
    assert {k: v for k, v in session.to_dict().items() if k != "user"} == body
    # No `user` member: the reference reads it from the access token's claims.
    assert session.user is not None
    assert (session.user.id, session.user.email) == ("usr_1", "ada@example.test")


def test_a_minimal_session_parses_with_absent_as_none() -> None:
    session = realm_answering("/auth/otp/login", {"access_token": jwt_with({"sub": "u"})})
    result = session.auth.otp_login("ada@example.test", "123456")
    assert (result.refresh_token, result.expires_in, result.expires_at) == (None, None, None)
    assert (result.tenant_id, result.role, result.tenants) == (None, None, None)


def test_a_mint_result_without_refresh_token_or_lifetime_parses() -> None:
    realm = realm_answering("/auth/token", {"access_token": "at_2", "tenant_id": "t1"})
    minted = realm.auth.token("rrt_1")
    assert (minted.access_token, minted.refresh_token, minted.expires_in) == ("at_2", None, None)
    assert minted.tenant_id == "t1"
