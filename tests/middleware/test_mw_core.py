"""The sans-IO core on its own: options validation, globs, the routing decision, the MFA
freshness matrix, the answers (envelope, cookies) — no server needed for any of it."""

from __future__ import annotations

import json
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import pytest

from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError
from realmid.middleware import MFAGateReason, MFARule, MiddlewareOptions, claims_from
from realmid.middleware.core import (
    EXEMPT,
    Guard,
    Handle,
    MFARequirement,
    MiddlewareCore,
    RequestView,
    Route,
    envelope,
    mfa_reason,
    parse_cookie,
    status_for,
)
from realmid.middleware.paths import compile_globs, is_canonical, normalize
from realmid.models import MFAChallenge, MintResult, Session, TenantRef, UserSummary
from realmid.verify import Claims

NOW = 1_700_000_000.0


def claims(**overrides: Any) -> Claims:
    base: dict[str, Any] = {
        "iss": "https://issuer",
        "sub": "u1",
        "aud": ("https://app",),
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 600,
        "jti": "j1",
    }
    base.update(overrides)
    return Claims(**base)


# ---------------------------------------------------------------------- options


def test_defaults_are_the_reference_ones() -> None:
    opts = MiddlewareOptions()
    assert opts.exempt_paths == ("/health", "/public/*")
    assert opts.mfa_default_max_age == timedelta(minutes=15)
    assert opts.routes() == {
        "login": "/login",
        "logout": "/logout",
        "refresh": "/token",
        "mfa_verify": "/mfa/verify",
    }
    assert opts.token_delivery == "cookie"
    assert (opts.cookie_name, opts.cookie_domain, opts.cookie_secure, opts.cookie_samesite) == (
        "realmid_refresh",
        None,
        True,
        "lax",
    )
    assert opts.max_body_bytes == 16 * 1024
    with pytest.raises(AttributeError):
        opts.login_path = "/x"  # type: ignore[misc]  # frozen


def test_rules_accept_bare_paths_and_rules() -> None:
    opts = MiddlewareOptions(
        mfa_protected_paths=["/a", MFARule("/b/*", max_age=60, require_fresh=True)]
    )
    assert opts.mfa_protected_paths == (
        MFARule("/a"),
        MFARule("/b/*", max_age=timedelta(seconds=60), require_fresh=True),
    )
    # The reference: zero means the default window, negative is treated as zero.
    assert MFARule("/x", max_age=0).max_age is None
    assert MFARule("/x", max_age=-5).max_age is None
    assert MFARule("/x", max_age=timedelta(minutes=2)).max_age == timedelta(minutes=2)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"exempt_paths": "/health"}, BadRequestError),
        ({"exempt_paths": ["health"]}, ValueError),
        ({"exempt_paths": ["/a b"]}, ValueError),
        ({"exempt_paths": ["/a;b"]}, ValueError),
        ({"mfa_protected_paths": [42]}, BadRequestError),
        ({"mfa_protected_paths": ["pay"]}, ValueError),
        ({"mfa_protected_paths": ["/health"]}, ValueError),  # exempt: would never apply
        ({"mfa_default_max_age": 0}, ValueError),
        ({"mfa_default_max_age": float("nan")}, ValueError),
        ({"mfa_default_max_age": "15m"}, BadRequestError),
        ({"login_path": "login"}, ValueError),
        ({"login_path": "/log*"}, ValueError),
        ({"login_path": "/same", "logout_path": "/same"}, ValueError),
        ({"token_delivery": "header"}, ValueError),
        ({"cookie_name": "bad name"}, ValueError),
        ({"cookie_name": "__Host-refresh"}, ValueError),
        ({"cookie_name": "__Secure-r", "cookie_secure": False}, ValueError),
        ({"cookie_domain": "evil.test; Path=/"}, ValueError),
        ({"cookie_secure": "yes"}, BadRequestError),
        ({"cookie_samesite": "sometimes"}, ValueError),
        ({"cookie_samesite": "none", "cookie_secure": False}, ValueError),
        ({"cookie_max_age": 0}, ValueError),
        ({"max_body_bytes": 0}, ValueError),
        ({"max_body_bytes": True}, ValueError),
        ({"on_auth_failure": "not callable"}, BadRequestError),
        ({"refresh_path": None, "logout_path": None}, ValueError),  # the cookie had no reader
    ],
)
def test_bad_options_fail_at_construction(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        MiddlewareOptions(**kwargs)


def test_rule_validation() -> None:
    with pytest.raises(ValueError):
        MFARule("no-slash")
    with pytest.raises(BadRequestError):
        MFARule("/x", require_fresh="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MFARule("/x", max_age=float("inf"))
    # Body delivery needs no cookie reader; every route may be off.
    MiddlewareOptions(
        token_delivery="body",
        refresh_path=None,
        logout_path=None,
        login_path="",
        mfa_verify_path=None,
    )
    assert MiddlewareOptions(cookie_samesite="Strict").cookie_samesite == "strict"


# ---------------------------------------------------------------------- globs and paths


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("/health", "/health", True),
        ("/health", "/health/", False),
        ("/health", "/healthz", False),
        ("/public/*", "/public/a.png", True),
        ("/public/*", "/public/", True),
        ("/public/*", "/public/a/b", False),
        ("/public/**", "/public/a/b", True),
        ("/v?/x", "/v1/x", True),
        ("/v?/x", "/v/x", False),
        ("/v?/x", "/v//x", False),
        ("/a.b", "/aXb", False),  # regex metacharacters are literal
        ("/a+(b)", "/a+(b)", True),
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert compile_globs([glob])(path) is matches


@pytest.mark.parametrize(
    ("path", "canonical", "normalized"),
    [
        ("/", True, "/"),
        ("/a/b", True, "/a/b"),
        ("/a/b/", True, "/a/b"),
        ("//a", False, "/a"),
        ("/a/./b", False, "/a/b"),
        ("/a/../b", False, "/b"),
        ("/public/..", False, "/"),
        ("/a\\b", False, "/a/b"),
        ("/a\x00", False, "/a\x00"),
        ("/a..b/c", True, "/a..b/c"),
    ],
)
def test_canonical_paths(path: str, canonical: bool, normalized: str) -> None:
    assert is_canonical(path) is canonical
    assert normalize(path) == normalized


def test_the_decision() -> None:
    core = MiddlewareCore(
        MiddlewareOptions(
            exempt_paths=["/health", "/public/**"],
            mfa_protected_paths=[
                "/pay",
                MFARule("/admin/*", max_age=60),
                MFARule("/admin/delete", require_fresh=True),
            ],
        )
    )
    assert core.decide("POST", "/login") == Handle(Route.LOGIN)
    assert core.decide("POST", "/logout") == Handle(Route.LOGOUT)
    assert core.decide("POST", "/token") == Handle(Route.REFRESH)
    assert core.decide("POST", "/mfa/verify") == Handle(Route.MFA_VERIFY)
    assert core.decide("GET", "/login") == Guard()  # only POST is handled
    assert core.decide("GET", "/health") is EXEMPT
    assert core.decide("GET", "/public/css/a.css") is EXEMPT
    # Not canonical: never exempt, never handled.
    assert core.decide("GET", "/public/../admin/x") == Guard(MFARequirement(60, False))
    assert core.decide("POST", "//login") == Guard()
    assert core.decide("GET", "/me") == Guard()
    assert core.decide("GET", "/pay") == Guard(MFARequirement(900, False))
    # The MFA rules see the normalized path.
    assert core.decide("GET", "/pay/") == Guard(MFARequirement(900, False))
    assert core.decide("GET", "//pay") == Guard(MFARequirement(900, False))
    assert core.decide("GET", "/x/../pay") == Guard(MFARequirement(900, False))
    # Several rules: the strictest of each.
    assert core.decide("GET", "/admin/delete") == Guard(MFARequirement(60, True))
    assert core.decide("GET", "/admin/list") == Guard(MFARequirement(60, False))


def test_decisions_are_remembered_within_a_bound() -> None:
    core = MiddlewareCore(MiddlewareOptions(mfa_protected_paths=[MFARule("/admin/*")]))
    first = core.decide("GET", "/admin/x")
    assert core.decide("GET", "/admin/x") is first  # worked out once
    assert core.decide("POST", "/admin/x") == first  # the method is part of the key
    for n in range(3000):  # a client probing endless distinct paths
        assert core.decide("GET", f"/probe/{n}") == Guard()
    assert len(core.decisions) <= 1024
    assert core.decide("GET", "/" + "a" * 300) == Guard()
    assert ("GET", "/" + "a" * 300) not in core.decisions  # long paths are not kept
    assert core.decide("GET", "/admin/x") == Guard(MFARequirement(900, False))


def test_requirement_for_the_dependency() -> None:
    core = MiddlewareCore(MiddlewareOptions(mfa_default_max_age=timedelta(minutes=5)))
    assert core.requirement_for(None) is None
    assert core.requirement_for(False) is None
    assert core.requirement_for(True) == MFARequirement(300, False)
    assert core.requirement_for(MFARule("/x", require_fresh=True)) == MFARequirement(300, True)
    assert core.requirement_for(MFARule("/x", max_age=10)) == MFARequirement(10, False)


# ---------------------------------------------------------------------- the bearer


@pytest.mark.parametrize(
    ("header", "result"),
    [
        (None, ErrorCode.UNAUTHORIZED),
        ("", ErrorCode.UNAUTHORIZED),
        ("   ", ErrorCode.UNAUTHORIZED),
        ("Bearer", ErrorCode.MALFORMED),
        ("Bearer ", ErrorCode.MALFORMED),
        ("Basic abc", ErrorCode.MALFORMED),
        ("Bearer a b", ErrorCode.MALFORMED),
        ("Bearer a\tb", ErrorCode.MALFORMED),
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER   abc  ", "abc"),
    ],
)
def test_bearer_parsing(header: str | None, result: str) -> None:
    if isinstance(result, ErrorCode):
        with pytest.raises(RealmError) as caught:
            MiddlewareCore.bearer(header)
        assert caught.value.code is result
    else:
        assert MiddlewareCore.bearer(header) == result


# ---------------------------------------------------------------------- MFA freshness

DEFAULT = MFARequirement(900, False)
FRESH = MFARequirement(900, True)


@pytest.mark.parametrize(
    ("token", "requirement", "reason"),
    [
        ({}, DEFAULT, MFAGateReason.NO_MFA),
        ({}, FRESH, MFAGateReason.NO_MFA),
        ({"amr": ("fed", "otp")}, DEFAULT, MFAGateReason.NO_MFA),
        ({"acr": "aal1"}, DEFAULT, MFAGateReason.NO_MFA),
        ({"mfa_at": int(NOW) - 100}, DEFAULT, None),
        ({"mfa_at": int(NOW) - 900}, DEFAULT, None),
        ({"mfa_at": int(NOW) - 901}, DEFAULT, MFAGateReason.STALE_MFA),
        ({"mfa_at": int(NOW) - 30}, FRESH, None),
        ({"mfa_at": int(NOW) - 31}, FRESH, MFAGateReason.FRESH_REQUIRED),
        ({"mfa_at": int(NOW) - 5000}, FRESH, MFAGateReason.FRESH_REQUIRED),
        ({"mfa_at": int(NOW) + 5}, FRESH, None),  # a little clock skew
        # Legacy tokens: a second factor without a time.
        ({"amr": ("fed", "mfa")}, DEFAULT, None),
        ({"acr": "aal2"}, DEFAULT, None),
        ({"acr": "AAL3"}, DEFAULT, None),
        ({"amr": ("fed", "mfa"), "acr": "aal2"}, FRESH, MFAGateReason.FRESH_REQUIRED),
    ],
)
def test_mfa_reason(
    token: dict[str, Any], requirement: MFARequirement, reason: MFAGateReason | None
) -> None:
    assert mfa_reason(claims(**token), requirement, NOW) is reason


def test_mfa_error_shapes() -> None:
    core = MiddlewareCore()
    with_challenge = core.mfa_error(
        MFAGateReason.STALE_MFA,
        DEFAULT,
        MFAChallenge(mfa_challenge_token="chal-secret", methods=["totp"]),
    )
    assert (with_challenge.code, with_challenge.http_status) == (ErrorCode.MFA_REQUIRED, 412)
    reply = core.error_reply(with_challenge)
    assert reply.status == 412
    assert reply.json() == {
        "code": "mfa_required",
        "message": "the last multi-factor authentication is older than 900 seconds",
        "reason": "stale_mfa",
        "mfa_challenge_token": "chal-secret",
        "methods": ["totp"],
    }
    assert "chal-secret" not in repr(with_challenge)
    bare = core.error_reply(core.mfa_error(MFAGateReason.NO_MFA, DEFAULT, MFAChallenge()))
    assert bare.json() == {
        "code": "mfa_required",
        "message": "this route requires multi-factor authentication",
        "reason": "no_mfa",
    }


# ---------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RealmError(ErrorCode.EXPIRED), 401),
        (RealmError(ErrorCode.UNKNOWN_KID), 401),
        (TokenRevokedError(), 401),
        (RealmError(ErrorCode.MFA_REQUIRED, http_status=412), 412),
        (RealmError(ErrorCode.PROVIDER_TOKEN_INVALID, http_status=401), 401),
        (RealmError(ErrorCode.TENANT_INVALID, http_status=403), 403),
        (RealmError(ErrorCode.RATE_LIMITED, http_status=429), 429),
        (RealmError(ErrorCode.SERVER_ERROR, http_status=500), 502),
        (RealmError(ErrorCode.NETWORK), 503),
        (RealmError(ErrorCode.JWKS_FETCH_FAILED), 503),
        (RealmError(ErrorCode.SERVER_ERROR, details={"revocation_unavailable": True}), 503),
        (RealmError(ErrorCode.BAD_REQUEST), 400),
        (RealmError("brand_new_code"), 500),
    ],
)
def test_status_for(error: RealmError, status: int) -> None:
    assert status_for(error) == status


def test_the_envelope_never_echoes_credentials() -> None:
    error = RealmError(
        ErrorCode.MFA_REQUIRED,
        "step up",
        412,
        {
            "mfa_challenge_token": "upstream-challenge",
            "methods": ["totp"],
            "access_token": "a",
            "refresh_token": "r",
            "retry_after": 3,
        },
    )
    assert envelope(error) == {
        "code": "mfa_required",
        "message": "step up",
        "methods": ["totp"],
        "retry_after": 3,
    }
    limited = RealmError(ErrorCode.RATE_LIMITED, "slow", 429, {"retry_after": 7})
    reply = MiddlewareCore().error_reply(limited)
    assert ("retry-after", "7") in reply.headers
    assert reply.status_line == "429 Too Many Requests"


def test_login_replies_and_cookies() -> None:
    core = MiddlewareCore()
    view = RequestView("POST", "/login", mount="/app")
    session = Session(
        access_token="acc",
        refresh_token="ref_abc-123",
        expires_in=900,
        expires_at_raw="2030-01-01T00:00:00Z",
        tenant_id="t1",
        role="owner",
        user=UserSummary(id="u1", email="u@example.test"),
    )
    reply = core.session_reply(session, view)
    assert reply.status == 200
    assert reply.json() == {
        "access_token": "acc",
        "token_type": "Bearer",
        "expires_in": 900,
        "expires_at": "2030-01-01T00:00:00Z",
        "tenant_id": "t1",
        "role": "owner",
        "user": {"id": "u1", "email": "u@example.test", "display_name": ""},
    }
    cookies = [v for k, v in reply.headers if k == "set-cookie"]
    assert cookies == [
        f"realmid_refresh=ref_abc-123; Path=/app/{p}; Max-Age=2592000; Secure; HttpOnly; "
        "SameSite=Lax"
        for p in ("token", "logout")
    ]
    assert "ref_abc" not in repr(reply)
    assert "acc" not in repr(reply).replace("cache-control", "")
    cleared = [v for k, v in core.logout_reply(view).headers if k == "set-cookie"]
    assert all("Max-Age=0" in c and c.startswith("realmid_refresh=;") for c in cleared)
    # Body delivery: the refresh token in the JSON, no cookie at all.
    body_core = MiddlewareCore(MiddlewareOptions(token_delivery="body"))
    minted = MintResult(access_token="a2", refresh_token="r2", expires_in=60, tenant_id="t")
    body_reply = body_core.mint_reply(minted, view)
    assert body_reply.json()["refresh_token"] == "r2"
    assert not [k for k, _ in body_reply.headers if k == "set-cookie"]
    assert not body_core.logout_reply(view).headers[1:]
    # A refresh token that cannot be a cookie value is an error, never a broken header.
    with pytest.raises(RealmError):
        core.set_cookie_headers("a;b", view)


def test_tenant_choice_reply() -> None:
    choice = Session(
        access_token="",
        refresh_token="",
        expires_in=0,
        user=UserSummary(id="u1"),
        tenants=(TenantRef("t1", "owner", "One"), TenantRef("t2", "member")),
    )
    reply = MiddlewareCore().session_reply(choice, RequestView("POST", "/login"))
    assert reply.json()["needs_tenant_choice"] is True
    assert [t["tenant_id"] for t in reply.json()["tenants"]] == ["t1", "t2"]
    assert not [k for k, _ in reply.headers if k == "set-cookie"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (None, None),
        ("", None),
        ("realmid_refresh=abc", "abc"),
        ("a=1; realmid_refresh=abc; b=2", "abc"),
        ('realmid_refresh="abc"', "abc"),
        ("realmid_refresh=", None),
        ("xrealmid_refresh=abc", None),
        ("realmid_refresh=first; realmid_refresh=second", "first"),
    ],
)
def test_parse_cookie(header: str | None, value: str | None) -> None:
    assert parse_cookie(header, "realmid_refresh") == value


def test_body_parsing_limits() -> None:
    core = MiddlewareCore(MiddlewareOptions(max_body_bytes=64))
    view = RequestView("POST", "/login", content_type="application/json; charset=utf-8")
    assert core.parse_body(Route.LOGIN, view, b'{"provider_token": "p", "extra": 1}') == {
        "provider_token": "p"
    }
    vendor = RequestView("POST", "/login", content_type="application/vnd.api+json")
    assert core.parse_body(Route.LOGIN, vendor, b'{"provider_token": "p"}')
    with pytest.raises(RealmError) as caught:
        core.parse_body(Route.LOGIN, view, json.dumps({"provider_token": "p" * 64}).encode())
    assert caught.value.message == "request body larger than 64 bytes"
    assert core.body_too_large(65)
    assert not core.body_too_large(64)
    assert not core.body_too_large(None)
    assert core.parse_body(Route.LOGOUT, RequestView("POST", "/logout"), b"") == {}


def test_reprs_hold_no_credentials() -> None:
    view = RequestView("GET", "/", authorization="Bearer sekrit", cookie="realmid_refresh=sekrit2")
    assert "sekrit" not in repr(view)


def test_claims_from_sources() -> None:
    c = claims()
    assert claims_from({"state": {"realmid_claims": c}}) is c
    assert claims_from({"realmid.claims": c}) is c
    assert claims_from({"state": {}}) is None
    assert claims_from({}) is None
    assert claims_from(None) is None
    assert claims_from({"realmid.claims": "not claims"}) is None

    class Req:
        def __init__(self) -> None:
            self.scope = {"state": {"realmid_claims": c}}

    class FlaskReq:
        def __init__(self) -> None:
            self.environ = {"realmid.claims": c}

    assert claims_from(Req()) is c
    assert claims_from(FlaskReq()) is c
    assert claims_from(MappingProxyType({"realmid.claims": c})) is c  # any Mapping
    import realmid

    assert realmid.claims_from is claims_from
    assert "claims_from" in realmid.__all__


def test_core_refuses_foreign_options() -> None:
    with pytest.raises(BadRequestError):
        MiddlewareCore({"login_path": "/x"})  # type: ignore[arg-type]


def test_the_hook_gets_a_copy_with_the_reply_status_and_the_error_is_left_alone() -> None:
    core = MiddlewareCore(MiddlewareOptions())
    cause = ValueError("root")
    err = TokenRevokedError()
    err.__cause__ = cause
    reply = core.error_reply(err)
    seen = core.hook_error(err, reply)
    assert (seen.http_status, err.http_status) == (401, 0)
    assert seen is not err
    assert type(seen) is TokenRevokedError
    assert (seen.code, seen.details, seen.__cause__) == (err.code, {"revoked": True}, cause)
