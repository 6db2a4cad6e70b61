"""Arguments the SDK refuses before sending anything: always a BadRequestError.

A BadRequestError is a RealmError with code ``bad_request`` *and* a ValueError, so either
``except`` catches it. Every check here must raise before any I/O: the recording
transport must stay empty (not even the API-key login may go out), on both faces.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

import realmid
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.jwks import AsyncJwksCache, JwksCache
from realmid.middleware import MFARule, MiddlewareOptions
from realmid.middleware.core import MiddlewareCore
from realmid.origin_names import normalize_origin
from realmid.revocation import MemRevocationCache
from realmid.testing import RealmEmulator
from realmid.verify import AsyncVerifier, Verifier

from .support import call, close, collect
from .surface_support import Handle, open_realm

pytestmark = pytest.mark.anyio

NAIVE = datetime(2024, 1, 1)

# (label, the call, a phrase its message must hold). Ids are made up: nothing may be sent.
CALLS: list[tuple[str, Callable[[Handle], Any], str]] = [
    (
        "update_user_role owner",
        lambda r: r.tenants.update_user_role("ten_1", "usr_1", "owner"),
        "transfer_owner",
    ),
    ("tenants.update nothing", lambda r: r.tenants.update("ten_1"), "nothing to update"),
    ("tenants.get empty id", lambda r: r.tenants.get(""), "tenant_id"),
    (
        "users.update_status unknown",
        lambda r: r.tenants.users.update_status("ten_1", "usr_1", "frozen"),
        "status must be one of",
    ),
    ("tenants.list limit 0", lambda r: collect(r.tenants.list(limit=0)), "limit"),
    ("page limit -1", lambda r: r.tenants.list().page(limit=-1), "limit"),
    ("users.list limit True", lambda r: collect(r.tenants.users.list("t", limit=True)), "limit"),
    (
        "invitations.list limit str",
        lambda r: collect(r.tenants.invitations.list("ten_1", limit="10")),
        "limit",
    ),
    ("api_keys.list limit 0", lambda r: collect(r.api_keys.list(limit=0)), "limit"),
    ("origins.list limit 0", lambda r: collect(r.origins.list(limit=0)), "limit"),
    ("roles.list limit 0", lambda r: r.roles.list(limit=0), "limit"),
    ("roles.update nothing", lambda r: r.roles.update("dispatch"), "nothing to update"),
    ("roles.create empty", lambda r: r.roles.create(""), "name"),
    ("config.update empty", lambda r: r.config.update(), "empty"),
    ("config.update not a mapping", lambda r: r.config.update(["x"]), "mapping"),
    ("list_events naive since", lambda r: r.admin.list_events(since=NAIVE), "timezone"),
    ("list_events negative until", lambda r: r.admin.list_events(until=-5), "1970"),
    ("list_events str since", lambda r: r.admin.list_events(since="yesterday"), "unix seconds"),
    ("list_events limit 0", lambda r: r.admin.list_events(limit=0), "limit"),
    ("list_events kind ints", lambda r: r.admin.list_events(kind=[1, 2]), "kind"),
    (
        "list_platforms naive created_after",
        lambda r: r.admin.list_platforms(created_after=NAIVE),
        "timezone",
    ),
    (
        "list_platforms has_custom_domain str",
        lambda r: r.admin.list_platforms(has_custom_domain="yes"),
        "has_custom_domain",
    ),
    ("search empty q", lambda r: r.admin.search(""), "q must"),
    ("search limit str", lambda r: r.admin.search("acme", limit="5"), "limit"),
    ("origins.claim no host", lambda r: r.origins.claim("https://"), "hostname"),
    ("origins.bind empty", lambda r: r.origins.bind(""), "hostname"),
    (
        "origins.validate bad realm",
        lambda r: r.origins.validate("a.example", realm_id=".."),
        "realm_id",
    ),
    ("domains.claim no host", lambda r: r.domains.claim("file:///x"), "hostname"),
    ("domains.verify empty", lambda r: r.domains.verify(""), "claim_token"),
    (
        "otp.issue two identities",
        lambda r: r.otp.issue("order-1", "delivery", user_id="usr_1", user_bearer="tok"),
        "exactly one",
    ),
    ("logout empty refresh token", lambda r: r.auth.logout(""), "refresh_token"),
    (
        "request header value with CRLF",
        lambda r: r.request("GET", "/tenants", headers={"X-Trace": "a\r\nX-Evil: 1"}),
        "without CR, LF or NUL",
    ),
    (
        "request header value with LF",
        lambda r: r.request("GET", "/tenants", headers={"X-Trace": "a\nb"}),
        "without CR, LF or NUL",
    ),
    (
        "request header name with space",
        lambda r: r.request("GET", "/tenants", headers={"X Trace": "a"}),
        "valid HTTP token",
    ),
    *[
        (
            f"request header {name}",
            lambda r, name=name: r.request("GET", "/tenants", headers={name: "evil.example"}),
            "not the caller's",
        )
        for name in ("Host", "host", "Connection", "Transfer-Encoding", "Content-Length", "TE")
    ],
    (
        "request absolute URL",
        lambda r: r.request("GET", "https://elsewhere.example/tenants"),
        "path on the issuer",
    ),
]

# Input errors the taxonomy names more precisely than bad_request: still BadRequestErrors.
PRECISE: list[tuple[str, Callable[[Handle], Any], ErrorCode]] = [
    (
        "otp.issue bad purpose",
        lambda r: r.otp.issue("order-1", "Delivery!", user_id="usr_1"),
        ErrorCode.INVALID_PURPOSE,
    ),
    (
        "otp.verify empty subject_ref",
        lambda r: r.otp.verify("", "delivery", "123456", user_id="usr_1"),
        ErrorCode.INVALID_SUBJECT_REF,
    ),
    (
        "otp.issue control character",
        lambda r: r.otp.issue("order\x07", "delivery", user_id="usr_1"),
        ErrorCode.INVALID_SUBJECT_REF,
    ),
]


def assert_bad_request(err: BaseException, phrase: str) -> None:
    """The one shape of an input error, whichever ``except`` the caller writes."""
    assert isinstance(err, BadRequestError), repr(err)
    assert isinstance(err, RealmError)
    assert isinstance(err, ValueError)
    assert err.code is ErrorCode.BAD_REQUEST
    assert err.http_status == 0  # ours, not the issuer's
    assert phrase in err.message, err.message


async def refused(make_call: Callable[[], Any]) -> BadRequestError:
    """The BadRequestError of a call (sync face: at the call; async face: when awaited)."""
    with pytest.raises(BadRequestError) as caught:
        await call(make_call())
    return caught.value


@pytest.mark.parametrize(("label", "make", "phrase"), CALLS, ids=[c[0] for c in CALLS])
async def test_an_input_error_is_a_bad_request_and_sends_nothing(
    face: str, emulator: RealmEmulator, label: str, make: Callable[[Handle], Any], phrase: str
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        err = await refused(lambda: make(realm))
        assert_bad_request(err, phrase)
        assert sent.sent == [], label


@pytest.mark.parametrize(("label", "make", "code"), PRECISE, ids=[c[0] for c in PRECISE])
async def test_a_precise_input_error_is_still_a_bad_request_error(
    face: str, emulator: RealmEmulator, label: str, make: Callable[[Handle], Any], code: ErrorCode
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        err = await refused(lambda: make(realm))
        assert isinstance(err, ValueError)
        assert (err.code, err.http_status) == (code, 0)
        assert sent.sent == [], label


async def test_one_except_clause_of_either_kind_catches_it(
    face: str, emulator: RealmEmulator
) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        with pytest.raises(ValueError, match="transfer_owner"):
            await call(realm.tenants.update_user_role("ten_1", "usr_1", "owner"))
        with pytest.raises(RealmError) as caught:
            await call(realm.tenants.update_user_role("ten_1", "usr_1", "owner"))
        assert realmid.is_code(caught.value, "bad_request")
        assert sent.sent == []


async def test_zero_and_false_filters_are_not_input_errors(
    face: str, emulator: RealmEmulator
) -> None:
    # The reference's zero values mean "omit", not "refuse": these all reach the issuer.
    async with open_realm(face, emulator) as (realm, sent):
        await call(realm.admin.list_events(since=0, until=0, platform_id=emulator.realm_id))
        await call(realm.admin.search("acme", limit=0))
        await call(realm.admin.list_platforms(has_custom_domain=False, created_after=0))
        assert [s.path for s in sent.sent if s.path.startswith("/admin/")] == [
            "/admin/events",
            "/admin/search",
            "/admin/platforms",
        ]


class NoEvict:
    """A revocation cache that cannot forget entries (the protocol's two methods only)."""

    def revoke(self, jti: str, expires_at: float) -> None: ...

    def is_revoked(self, jti: str) -> bool:
        return False


async def test_evict_on_a_cache_without_evict(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator, revocation=NoEvict()) as (realm, sent):
        err = await refused(lambda: realm.tokens.evict("jti-1"))
        assert_bad_request(err, "evict")
        assert sent.sent == []


async def test_origin_cache_durations(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        for name, value in (("ttl", -1), ("ttl", "soon"), ("miss_refresh_interval", float("nan"))):
            with pytest.raises(BadRequestError) as caught:
                setattr(realm.origins, name, value)
            assert_bad_request(caught.value, name)
        assert realm.origins.ttl == 60.0  # a refused value changes nothing
        assert sent.sent == []


# ---------------------------------------------------------------------- no-I/O constructors


def _verifier(face: str) -> type[Verifier] | type[AsyncVerifier]:
    return AsyncVerifier if face == "async" else Verifier


def _client(face: str, *, other: bool = False) -> httpx.Client | httpx.AsyncClient:
    wants_async = (face == "async") != other
    return httpx.AsyncClient() if wants_async else httpx.Client()


def _cache(face: str) -> type[JwksCache] | type[AsyncJwksCache]:
    return AsyncJwksCache if face == "async" else JwksCache


async def test_verifier_arguments(face: str, emulator: RealmEmulator) -> None:
    cls = _verifier(face)
    jwks = emulator.jwks()
    issuer, audience = emulator.base_url, emulator.audience
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: cls(issuer, audience), "exactly one of jwks="),
        (lambda: cls("", audience, jwks=jwks), "issuer"),
        (lambda: cls(issuer, audience, jwks={"keys": "none"}), "jwks refused"),
        (lambda: cls(issuer, audience, jwks="not json"), "jwks refused"),
        (lambda: cls(issuer, audience, jwks=jwks, leeway=-1), "leeway"),
        (lambda: cls(issuer, audience, jwks=jwks, leeway="30"), "leeway"),  # type: ignore[arg-type]
        (lambda: cls(issuer, audience, jwks=jwks, max_token_bytes=10), "max_token_bytes"),
        (lambda: cls(issuer, audience, jwks=jwks, revocation=object()), "revocation"),  # type: ignore[arg-type]
        (lambda: cls(issuer, audience, jwks=jwks, clock=5), "clock"),  # type: ignore[arg-type]
    ]
    for make, phrase in cases:
        with pytest.raises(BadRequestError) as caught:
            make()
        assert_bad_request(caught.value, phrase)

    verifier = cls(issuer, audience, jwks=jwks)
    err = await refused(lambda: verifier.verify("a.b.c", ""))
    assert_bad_request(err, "audience")


async def test_jwks_cache_arguments(face: str) -> None:
    cls: Any = _cache(face)
    client, wrong = _client(face), _client(face, other=True)
    try:
        secret_url = "https://user:s3cret@keys.example/jwks?sig=t0ken"
        cases: list[tuple[Callable[[], Any], str]] = [
            (lambda: cls("https://keys.example/jwks", wrong), "needs an httpx"),
            (lambda: cls("ftp://keys.example/jwks", client), "absolute http"),
            (lambda: cls("keys.example/jwks", client), "absolute http"),
            (lambda: cls(secret_url.replace("https", "gopher"), client), "absolute http"),
            (lambda: cls("https://k.example/j", client, min_ttl=10, max_ttl=5), "min_ttl"),
            (lambda: cls("https://k.example/j", client, max_stale=-1), "max_stale"),
            (lambda: cls("https://k.example/j", client, timeout="5"), "timeout"),
            (lambda: cls("https://k.example/j", client, max_bytes=1.5), "max_bytes"),
        ]
        for make, phrase in cases:
            with pytest.raises(BadRequestError) as caught:
                make()
            assert_bad_request(caught.value, phrase)
            assert "s3cret" not in str(caught.value)
            assert "t0ken" not in str(caught.value)
        # The wrong-kind-of-client case refuses the sync/async mismatch; the right kind works.
        assert cls("https://keys.example/jwks", client).url == "https://keys.example/jwks"
    finally:
        for c in (client, wrong):
            if isinstance(c, httpx.AsyncClient):
                await c.aclose()
            else:
                c.close()


def test_revocation_cache_arguments() -> None:
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: MemRevocationCache(max_entries=0), "max_entries"),
        (lambda: MemRevocationCache(clock=3), "clock"),  # type: ignore[arg-type]
        (lambda: MemRevocationCache().revoke("", 1e12), "jti"),
        (lambda: MemRevocationCache().revoke("j", float("inf")), "finite"),
        (lambda: MemRevocationCache().revoke("j", "tomorrow"), "expires_at"),  # type: ignore[arg-type]
        (lambda: MemRevocationCache().revoke("j", NAIVE + timedelta(days=1)), "timezone"),
    ]
    for make, phrase in cases:
        with pytest.raises(BadRequestError) as caught:
            make()
        assert_bad_request(caught.value, phrase)


def test_middleware_options_and_rules() -> None:
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: MiddlewareOptions(exempt_paths="/health"), "exempt_paths"),
        (lambda: MiddlewareOptions(mfa_protected_paths=[42]), "mfa_protected_paths"),
        (lambda: MiddlewareOptions(mfa_default_max_age="15m"), "mfa_default_max_age"),
        (lambda: MiddlewareOptions(cookie_secure="yes"), "cookie_secure"),
        (lambda: MiddlewareOptions(cookie_samesite="sometimes"), "cookie_samesite"),
        (lambda: MiddlewareOptions(on_auth_failure="nope"), "on_auth_failure"),
        (lambda: MiddlewareOptions(login_path="/same", logout_path="/same"), "must differ"),
        (lambda: MFARule("/x", require_fresh=1), "require_fresh"),  # type: ignore[arg-type]
        (lambda: MFARule("no-slash"), "must start with '/'"),
        (lambda: MiddlewareCore({"login_path": "/x"}), "MiddlewareOptions"),  # type: ignore[arg-type]
        (lambda: MiddlewareCore().requirement_for("/pay"), "mfa must be"),  # type: ignore[arg-type]
    ]
    for make, phrase in cases:
        with pytest.raises(BadRequestError) as caught:
            make()
        assert_bad_request(caught.value, phrase)


async def test_middleware_options_given_to_a_realm(face: str, emulator: RealmEmulator) -> None:
    async with open_realm(face, emulator) as (realm, sent):
        with pytest.raises(BadRequestError) as caught:
            realm.asgi_middleware(lambda *a: None, {"login_path": "/x"})  # type: ignore[arg-type]
        assert_bad_request(caught.value, "MiddlewareOptions")
        assert sent.sent == []


def test_normalize_origin_never_echoes_user_info() -> None:
    for raw in ("https://user:s3cret@/", "https://user:s3cret@:443/x", 42):
        with pytest.raises(BadRequestError) as caught:
            normalize_origin(raw)  # type: ignore[arg-type]
        assert_bad_request(caught.value, "origin")
        assert "s3cret" not in str(caught.value)


async def test_a_refused_call_leaves_the_handle_usable(face: str, emulator: RealmEmulator) -> None:
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    realm = cls(realm_id=emulator.realm_id, api_key=emulator.api_key, base_url=emulator.base_url)
    try:
        await refused(lambda: realm.roles.list(limit=0))
        page = await call(realm.roles.list(limit=1))
        assert len(page.items) == 1
    finally:
        await close(realm)


async def test_a_refused_header_value_is_not_echoed(face: str, emulator: RealmEmulator) -> None:
    # A forwarded header is often a credential (a cookie, an upstream token).
    async with open_realm(face, emulator) as (realm, sent):
        err = await refused(
            lambda: realm.request("GET", "/tenants", headers={"X-Upstream": "tok_s3cret\r\n"})
        )
        assert "tok_s3cret" not in str(err)
        assert "tok_s3cret" not in repr(err)
        assert sent.sent == []
