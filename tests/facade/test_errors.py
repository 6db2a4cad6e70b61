"""The error taxonomy: mapping answers to RealmError, and what a RealmError shows."""

from __future__ import annotations

import json
import pickle

import httpx
import pytest

import realmid
from realmid.errors import (
    ErrorCode,
    RealmError,
    RoleInUseError,
    TokenRevokedError,
    error_from_exception,
    error_from_parts,
    error_from_response,
    is_code,
    raise_for_status,
)

REFERENCE_CODES = [
    "malformed",
    "wrong_algorithm",
    "bad_signature",
    "wrong_issuer",
    "wrong_audience",
    "expired",
    "not_yet_valid",
    "unknown_kid",
    "jwks_fetch_failed",
    "provider_token_invalid",
    "mfa_required",
    "session_limit_reached",
    "tenant_required",
    "tenant_invalid",
    "account_suspended",
    "account_deactivated",
    "realm_origin_mismatch",
    "missing_origin",
    "invalid_otp",
    "otp_expired",
    "otp_locked",
    "otp_not_found",
    "invalid_purpose",
    "invalid_subject_ref",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "bad_request",
    "network",
    "server_error",
    "unauthorized",
]


def envelope(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


def test_every_reference_code_is_an_error_code() -> None:
    assert {c.value for c in ErrorCode} >= set(REFERENCE_CODES)


def test_envelope_code_message_siblings_and_request_id() -> None:
    err = error_from_response(
        envelope(
            412,
            {
                "code": "mfa_required",
                "message": "second factor required",
                "mfa_challenge_token": "mct_secret_value",
                "methods": ["totp"],
            },
            **{"X-Request-Id": "req_123"},
        )
    )
    assert err.code is ErrorCode.MFA_REQUIRED
    assert err.http_status == 412
    assert err.details == {"mfa_challenge_token": "mct_secret_value", "methods": ["totp"]}
    assert err.request_id == "req_123"
    assert (
        str(err) == "realmid: mfa_required (HTTP 412): second factor required [request_id=req_123]"
    )


def test_secrets_in_details_are_not_printed() -> None:
    err = error_from_parts(
        412, b'{"code":"mfa_required","message":"m","mfa_challenge_token":"mct_0123456789"}', {}
    )
    assert "mct_0123456789" not in str(err)
    assert "mct_0123456789" not in repr(err)
    assert err.details["mfa_challenge_token"] == "mct_0123456789"


def test_unknown_codes_are_kept_as_strings() -> None:
    err = error_from_parts(409, b'{"code":"brand_new_code","message":"m"}', {})
    assert err.code == "brand_new_code"
    assert not isinstance(err.code, ErrorCode)
    assert is_code(err, "brand_new_code")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "bad_request"),
        (401, "unauthorized"),
        (403, "forbidden"),
        (404, "not_found"),
        (409, "conflict"),
        (429, "rate_limited"),
        (500, "server_error"),
        (502, "server_error"),
        (503, "server_error"),
        (418, "bad_request"),
    ],
)
def test_non_json_bodies_map_by_status(status: int, code: str) -> None:
    err = error_from_parts(status, b"<html>upstream broke</html>", {})
    assert err.code == code
    assert err.http_status == status


def test_retry_after_lands_in_details() -> None:
    err = error_from_parts(429, b"", {"Retry-After": "7"})
    assert err.code is ErrorCode.RATE_LIMITED
    assert err.details["retry_after"] == 7


def test_envelope_retry_after_wins_over_header() -> None:
    err = error_from_parts(
        429, b'{"code":"rate_limited","message":"slow","retry_after":3}', {"Retry-After": "9"}
    )
    assert err.details["retry_after"] == 3


def test_role_codes_become_their_subclasses() -> None:
    err = error_from_parts(409, b'{"code":"role_in_use","message":"held"}', {})
    assert isinstance(err, RoleInUseError)
    assert isinstance(err, RealmError)
    assert is_code(err, ErrorCode.ROLE_IN_USE)


def test_token_revoked_error_matches_the_reference() -> None:
    err = TokenRevokedError()
    assert err.code is ErrorCode.UNAUTHORIZED
    assert err.details == {"revoked": True}
    assert isinstance(err, realmid.RealmError)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (httpx.ConnectTimeout("t"), "network"),
        (httpx.ReadTimeout("t"), "network"),
        (httpx.ConnectError("refused"), "network"),
        (httpx.RemoteProtocolError("reset"), "network"),
        (json.JSONDecodeError("bad", "doc", 0), "server_error"),
        (KeyError("access_token"), "server_error"),
    ],
)
def test_transport_and_decoding_failures_chain_their_cause(exc: Exception, code: str) -> None:
    err = error_from_exception(exc)
    assert err.code == code
    assert err.__cause__ is exc
    assert err.cause is exc


def test_is_code_follows_the_cause_chain_and_rejects_others() -> None:
    inner = RealmError(ErrorCode.NOT_FOUND, "x")
    outer = RuntimeError("wrapped")
    outer.__cause__ = inner
    assert is_code(outer, "not_found")
    assert not is_code(outer, "conflict")
    assert not is_code(None, "not_found")
    assert not is_code(ValueError("not_found"), "not_found")


def test_raise_for_status_passes_2xx_and_raises_the_rest() -> None:
    ok = httpx.Response(204)
    assert raise_for_status(ok) is ok
    with pytest.raises(RealmError) as caught:
        raise_for_status(envelope(404, {"code": "not_found", "message": "no tenant"}))
    assert caught.value.code is ErrorCode.NOT_FOUND


def test_errors_pickle_across_processes() -> None:
    err = error_from_parts(
        409, b'{"code":"role_in_use","message":"held","n":1}', {"X-Request-Id": "r"}
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is RoleInUseError
    assert (back.code, back.message, back.http_status, back.details, back.request_id) == (
        err.code,
        err.message,
        err.http_status,
        err.details,
        err.request_id,
    )
