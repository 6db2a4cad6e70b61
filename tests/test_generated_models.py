"""The generated wire models read and write JSON shaped like the Go reference's types.

Each body below is what the issuer sends (field names from the reference); parsing it
and writing it back must give the same JSON, unknown fields included, so a server that
adds a field never loses data on its way through the SDK.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from realmid_api import models
from realmid_api.api.auth import login, token
from realmid_api.types import UNSET

USER = {"id": "usr_1", "email": "ada@example.com", "display_name": "Ada"}

BODIES: dict[str, dict[str, Any]] = {
    "Session": {
        "access_token": "eyJ.a.b",
        "refresh_token": "rt_1",
        "expires_in": 900,
        "expires_at": "2026-11-26T22:00:00Z",
        "tenant_id": "ten_1",
        "role": "owner",
        "user": USER,
        "tenants": [
            {"tenant_id": "ten_1", "role": "owner", "display_name": "Acme"},
            {"id": "ten_legacy", "role": "member"},
        ],
        "server_added_field": {"nested": [1, 2]},
    },
    "PlatformTokenResponse": {
        "access_token": "pat",
        "refresh_token": "prt",
        "expires_in": 300,
        "token_type": "Bearer",
    },
    "MintResult": {
        "access_token": "at",
        "refresh_token": "rt",
        "expires_in": 900,
        "tenant_id": "ten_2",
        "role": "dispatch",
    },
    "Tenant": {
        "id": "ten_1",
        "display_name": "Acme",
        "owner_user_id": "usr_1",
        "config": {"theme": "dark", "limits": {"seats": 5}},
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z",
    },
    "RoleListPage": {
        "items": [
            {
                "id": "rol_1",
                "name": "owner",
                "permissions": ["*"],
                "is_system": True,
                "created_at": 1,
                "updated_at": 2,
            },
            {
                "id": "rol_2",
                "name": "salesman",
                "display_name": "Sales",
                "permissions": [],
                "is_system": False,
                "created_at": 3,
                "updated_at": 4,
            },
        ],
        "next_cursor": "c2",
        "total": 7,
    },
    "AdminPlatformsResponse": {
        "items": [
            {
                "id": "plt_1",
                "display_name": "Realm One",
                "slug": "realm-one",
                "status": "active",
                "signup_mode": "some_future_mode",
                "domains": ["one.example"],
                "owner": {"user_id": "usr_1", "name": "Ada", "email": "ada@example.com"},
                "tenants_count": 3,
                "users_count": 40,
                "last_activity_at": 1764190000,
                "created_at": 1700000000,
            }
        ],
        "total": 1,
    },
    "TokenRequest": {
        "grant_type": "refresh_token",
        "refresh_token": "rt",
        "tenant_id": "ten_2",
        "custom_claims": {"plan": "pro", "seats": 4, "flags": ["a", "b"]},
    },
    "AccessTokenClaims": {
        "iss": "https://auth.realmid.dev",
        "sub": "usr_1",
        "aud": ["app.example", "api.example"],
        "iat": 1764190000,
        "nbf": 1764190000,
        "exp": 1764190900,
        "jti": "jti_1",
        "azp": "app.example",
        "tenant_id": "ten_1",
        "role": "owner",
        "amr": ["pwd", "otp"],
        "acr": "aal2",
        "mfa_at": 1764190000,
        "plan": "pro",
    },
    "Error": {
        "code": "mfa_required",
        "message": "second factor required",
        "mfa_challenge_token": "mct",
        "methods": ["totp", "otp_internal"],
        "some_new_sibling": True,
    },
}


@pytest.mark.parametrize("name", sorted(BODIES))
def test_round_trip_keeps_every_field(name: str) -> None:
    body = BODIES[name]
    model = getattr(models, name).from_dict(json.loads(json.dumps(body)))
    assert model.to_dict() == body


def test_unknown_fields_are_reachable_not_just_preserved() -> None:
    session = models.Session.from_dict(BODIES["Session"])
    assert session["server_added_field"] == {"nested": [1, 2]}
    assert session.user.email == "ada@example.com"
    assert [t.tenant_id for t in session.tenants] == ["ten_1", UNSET]
    assert session.tenants[1].id == "ten_legacy"  # older issuers' fallback name


def test_claims_audience_is_a_string_or_a_list() -> None:
    as_list = models.AccessTokenClaims.from_dict(BODIES["AccessTokenClaims"])
    as_str = models.AccessTokenClaims.from_dict({**BODIES["AccessTokenClaims"], "aud": "one"})
    assert as_list.aud == ["app.example", "api.example"]
    assert as_str.aud == "one"


def test_server_extensible_values_stay_strings() -> None:
    """An enum the server extends must not make parsing raise (the generator's weak spot)."""
    user = models.User.from_dict({"id": "u", "status": "pending_review"})
    assert user.status == "pending_review"


# The Go Session of a user in several tenants who named none: tokens encoded as "" (no
# omitempty), a zero UserSummary, the tenants to choose from.
GO_TENANT_CHOICE: dict[str, Any] = {
    "access_token": "",
    "refresh_token": "",
    "expires_in": 0,
    "user": {"id": ""},
    "tenants": [{"tenant_id": "a", "role": "member"}, {"tenant_id": "b", "role": "owner"}],
}


@pytest.mark.parametrize(
    "body",
    [
        BODIES["Session"],
        GO_TENANT_CHOICE,
        {"tenants": GO_TENANT_CHOICE["tenants"]},  # the same, omitempty-style
        BODIES["PlatformTokenResponse"],  # the platform grant's answer, on the same route
    ],
)
def test_every_login_answer_parses_as_a_session(body: dict[str, Any]) -> None:
    # No invented tag tells the answers apart (the reference's Session has none); the
    # facade reads them by structure. Each must parse, and keep what it carried.
    import httpx
    from realmid_api import Client

    response = httpx.Response(200, json=body)
    parsed = login._parse_response(client=Client(base_url="http://x"), response=response)
    assert isinstance(parsed, models.Session)
    assert parsed.to_dict() == body


@pytest.mark.parametrize("body", [BODIES["MintResult"], BODIES["PlatformTokenResponse"]])
def test_every_token_answer_parses_as_a_mint_result(body: dict[str, Any]) -> None:
    import httpx
    from realmid_api import Client

    client = Client(base_url="http://x")
    parsed = token._parse_response(client=client, response=httpx.Response(200, json=body))
    assert isinstance(parsed, models.MintResult)
    assert parsed.to_dict() == body


def test_an_error_answer_is_left_unparsed_with_its_status() -> None:
    # The endpoint template override: an HTML 502 or Go's plain-text 404 must not raise a
    # JSON error out of the generated client; the facade maps status and body itself.
    import httpx
    from realmid_api import Client

    client = Client(base_url="http://x")
    for status, text in ((404, "404 page not found\n"), (401, "<html>nope</html>")):
        built = login._build_response(client=client, response=httpx.Response(status, text=text))
        assert (built.status_code, built.parsed, built.content) == (status, None, text.encode())


def test_absent_and_null_read_the_same_none() -> None:
    # One convention for an absent value (generator/templates/types.py.jinja): None.
    with_null = models.AdminEventsResponse.from_dict({"items": None, "next_cursor": None})
    without = models.AdminEventsResponse.from_dict({})
    assert (with_null.items, with_null.next_cursor) == (None, None)
    assert (without.items, without.next_cursor) == (None, None)
    assert models.User.from_dict({"id": "u"}).mfa_enabled is None


def test_date_time_members_are_datetimes_with_their_wire_string() -> None:
    from datetime import UTC, datetime

    body = {"id": "o", "value": "123456", "purpose": "p", "subject_ref": "s"}
    issued = models.IssueResponse.from_dict({**body, "expires_at": "2026-11-26T22:00:00Z"})
    assert issued.expires_at == datetime(2026, 11, 26, 22, 0, tzinfo=UTC)
    assert issued.expires_at_raw == "2026-11-26T22:00:00Z"
    assert issued.to_dict()["expires_at"] == "2026-11-26T22:00:00Z"  # as it came
    # A form the reader does not know leaves the datetime empty, never fails the answer.
    odd = models.IssueResponse.from_dict({**body, "expires_at": "next tuesday"})
    assert (odd.expires_at, odd.expires_at_raw) == (None, "next tuesday")
    # Changed after parsing: written from the datetime, not the stale wire string.
    issued.expires_at = datetime(2027, 1, 1, tzinfo=UTC)
    assert issued.to_dict()["expires_at"] == "2027-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    "raw",
    [
        "2026-11-26T22:00:00Z",
        "2026-11-26T22:00:00.123456+02:00",
        "2026-11-26T22:00:00",  # no offset: read as UTC
        "2026-11-26",
        "",
        "next tuesday",
        "2026-13-40T99:00:00Z",
        1764194400,
        None,
        ["2026-11-26T22:00:00Z"],
    ],
)
def test_from_dict_reads_timestamps_as_parse_datetime_does(raw: object) -> None:
    # The model template inlines types.parse_datetime for speed; the two must never disagree.
    from realmid_api.types import parse_datetime

    tenant = models.Tenant.from_dict({"id": "t", "created_at": raw})
    assert tenant.created_at == parse_datetime(raw)
    assert tenant.created_at is None or tenant.created_at.tzinfo is not None
    assert tenant.created_at_raw == (raw if isinstance(raw, str) else None)


@pytest.mark.parametrize(
    ("created", "updated"),
    [
        ("2026-11-26T22:00:00Z", "2026-11-26T22:00:00Z"),  # never updated: one parse, shared
        ("2026-11-26T22:00:00Z", "2026-11-27T08:30:00.5+01:00"),
        ("next tuesday", "next tuesday"),
        ("next tuesday", "2026-11-27T08:30:00Z"),
        (None, "2026-11-27T08:30:00Z"),
        ("2026-11-26T22:00:00", ""),
        (1764194400, 1764194400),
    ],
)
def test_second_timestamp_is_read_on_its_own_unless_its_text_is_the_same(
    created: object, updated: object
) -> None:
    # The template reuses created_at's parse when updated_at's text is identical; any other
    # text must still be parsed for itself.
    from realmid_api.types import parse_datetime

    tenant = models.Tenant.from_dict({"id": "t", "created_at": created, "updated_at": updated})
    assert tenant.created_at == parse_datetime(created)
    assert tenant.updated_at == parse_datetime(updated)
    assert tenant.updated_at_raw == (updated if isinstance(updated, str) else None)


@pytest.mark.parametrize(
    ("model", "body", "secret"),
    [
        ("Session", {"access_token": "at_s3cret", "refresh_token": "rt_s3cret"}, "s3cret"),
        ("MintResult", {"access_token": "at_s3cret", "refresh_token": "rt_s3cret"}, "s3cret"),
        ("APIKey", {"id": "k", "secret": "rk_s3cret"}, "s3cret"),
        ("MFAEnrollResult", {"secret": "JBS3CRET", "backup_codes": ["c0de"]}, "S3CRET"),
        ("MFAEnrollResult", {"otpauth_uri": "otpauth://totp/x?secret=ABC"}, "ABC"),
        ("MFAEnrollResult", {"backup_codes": ["c0de-s3cret"]}, "s3cret"),
        (
            "IssueResponse",
            {"id": "o", "value": "s3cret", "purpose": "p", "subject_ref": "s"},
            "s3cret",
        ),
        ("MFAChallenge", {"mfa_challenge_token": "mct_s3cret", "methods": ["totp"]}, "s3cret"),
        (
            "PlatformApiKeyGrant",
            {"grant_type": "platform_api_key", "realm_id": "r", "api_key": "rk_s3cret"},
            "s3cret",
        ),
        ("Tenant", {"id": "t", "unknown_member": "may-be-a-s3cret"}, "s3cret"),
    ],
)
def test_secrets_stay_out_of_repr(model: str, body: dict[str, Any], secret: str) -> None:
    parsed = getattr(models, model).from_dict(body)
    assert secret not in repr(parsed)
    assert secret in json.dumps(parsed.to_dict())  # kept, just not shown
