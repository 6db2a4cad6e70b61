"""Cross-site request forgery on the cookie routes (issue 13.4), and a forward-dated
``mfa_at`` at the MFA gate (issue 13.8).

The refresh cookie is attached by the browser itself, so a page on another site could
otherwise post to ``/token`` (a new access token, a rotated cookie) or ``/logout``. Real
servers (ASGI and WSGI, both faces) against the emulator; the requests are shaped as a
browser would send them from another site: an ``Origin`` (or only ``Sec-Fetch-Site``), a
"simple" body (``text/plain``, empty) that needs no CORS preflight.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from mw_support import (
    base_claims,
    bearer,
    guarded_server,
    refresh_cookie,
    set_cookies,
    sign,
)

from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.middleware import MFAGateReason, MiddlewareOptions
from realmid.middleware.core import (
    CrossSiteReason,
    MFARequirement,
    MiddlewareCore,
    RequestView,
    Route,
    mfa_reason,
)
from realmid.middleware.options import normalize_origin
from realmid.testing import RealmEmulator, SeededUser
from realmid.verify import Claims

SERVERS = [
    ("starlette", "async"),
    ("starlette", "sync"),
    ("flask", "sync"),
    ("flask", "async"),
]
EVIL = "https://evil.example"
PARTNER = "https://partner.example"
# The "simple" request a cross-site form or no-cors fetch can send: no preflight.
SIMPLE = {"Content-Type": "text/plain"}


@pytest.fixture
def user(emulator: RealmEmulator) -> SeededUser:
    tenant = emulator.create_tenant("CSRF Inc")
    return emulator.seed_user("csrf@example.test", {tenant: "owner"})


class Site:
    """A served app, its origin, and a logged-in session's refresh cookie."""

    def __init__(self, url: str, client: httpx.Client, realm: Any) -> None:
        self.url = url
        self.origin = url.rstrip("/")
        self.client = client
        self.realm = realm

    def login(self, emu: RealmEmulator, user: SeededUser) -> str:
        answer = self.client.post(
            "/login", json={"provider_token": emu.mint_provider_token(user.email)}
        )
        assert answer.status_code == 200, answer.text
        cookie = refresh_cookie(answer)
        assert cookie
        return cookie

    def post(
        self,
        path: str,
        cookie: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        content: bytes = b"",
        json: Any = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if cookie is not None:
            sent["Cookie"] = f"realmid_refresh={cookie}"
        if json is not None:
            return self.client.post(path, json=json, headers=sent)
        return self.client.post(path, content=content, headers=sent)


@contextmanager
def site(kind: str, face: str, emu: RealmEmulator, **overrides: Any) -> Iterator[Site]:
    with (
        guarded_server(kind, face, emu, **overrides) as (url, realm),
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield Site(url, client, realm)


@pytest.fixture(params=SERVERS, ids=["-".join(s) for s in SERVERS])
def server(request: pytest.FixtureRequest, emulator: RealmEmulator) -> Iterator[Site]:
    kind, face = request.param
    with site(kind, face, emulator) as served:
        yield served


def forbidden(response: httpx.Response, reason: CrossSiteReason) -> dict[str, Any]:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/json"
    assert not response.headers.get_list("set-cookie")  # the cookie is left alone
    body: dict[str, Any] = response.json()
    assert body["code"] == "forbidden"
    assert body["reason"] == str(reason)
    assert "rrt_" not in response.text
    assert "eyJ" not in response.text
    return body


def still_alive(served: Site, cookie: str) -> None:
    """The session the forged request targeted still refreshes (same-origin, JSON)."""
    ok = served.post("/token", cookie, headers={"Origin": served.origin}, json={})
    assert ok.status_code == 200, ok.text
    assert refresh_cookie(ok) not in (None, cookie)


# ---------------------------------------------------------------------- refused


def test_a_cross_site_refresh_is_refused(
    server: Site, emulator: RealmEmulator, user: SeededUser
) -> None:
    cookie = server.login(emulator, user)
    forged = server.post("/token", cookie, headers={"Origin": EVIL, **SIMPLE})
    body = forbidden(forged, CrossSiteReason.CROSS_SITE_ORIGIN)
    assert body["message"] == (
        "cross-site request refused: its Origin is neither this app's nor a trusted origin"
    )
    assert "access_token" not in body
    # JSON, the CSRF header, a trailing slash or a look-alike port change nothing.
    for headers in (
        {"Origin": EVIL, "Content-Type": "application/json", "X-Requested-With": "x"},
        {"Origin": server.origin + "/"},
        {"Origin": server.origin + "0"},
        {"Origin": server.origin.replace("http://", "https://")},
        {"Origin": "null"},
        {"Origin": f"{server.origin}, {EVIL}"},
    ):
        forbidden(
            server.post("/token", cookie, headers=headers, json={}),
            CrossSiteReason.CROSS_SITE_ORIGIN,
        )
    still_alive(server, cookie)


def test_a_cross_site_logout_is_refused(
    server: Site, emulator: RealmEmulator, user: SeededUser
) -> None:
    cookie = server.login(emulator, user)
    forged = server.post("/logout", cookie, headers={"Origin": EVIL, **SIMPLE})
    forbidden(forged, CrossSiteReason.CROSS_SITE_ORIGIN)
    still_alive(server, cookie)  # the session was not ended


def test_without_origin_sec_fetch_site_decides(
    server: Site, emulator: RealmEmulator, user: SeededUser
) -> None:
    cookie = server.login(emulator, user)
    for value in ("cross-site", "same-site", "none", "bogus"):
        forged = server.post("/token", cookie, headers={"Sec-Fetch-Site": value}, json={})
        body = forbidden(forged, CrossSiteReason.CROSS_SITE_FETCH)
        assert body["message"] == "cross-site request refused: Sec-Fetch-Site is not same-origin"
    forbidden(
        server.post("/logout", cookie, headers={"Sec-Fetch-Site": "cross-site"}, json={}),
        CrossSiteReason.CROSS_SITE_FETCH,
    )
    same = server.post("/token", cookie, headers={"Sec-Fetch-Site": "same-origin"}, json={})
    assert same.status_code == 200, same.text


def test_a_same_origin_simple_request_needs_json_or_the_header(
    server: Site, emulator: RealmEmulator, user: SeededUser
) -> None:
    cookie = server.login(emulator, user)
    for headers in (
        {"Origin": server.origin, **SIMPLE},
        {"Origin": server.origin},  # no Content-Type at all
        SIMPLE,  # not a browser: no Origin, no Sec-Fetch-Site
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
    ):
        body = forbidden(
            server.post("/token", cookie, headers=headers), CrossSiteReason.CSRF_HEADER_MISSING
        )
        assert body["message"] == (
            "this route needs Content-Type: application/json or the X-Requested-With header"
            " (CSRF protection)"
        )
    forbidden(server.post("/logout", cookie), CrossSiteReason.CSRF_HEADER_MISSING)
    marked = server.post(
        "/token", cookie, headers={"Origin": server.origin, "X-Requested-With": "fetch", **SIMPLE}
    )
    assert marked.status_code == 200, marked.text
    cookie = refresh_cookie(marked) or ""
    as_json = server.post("/token", cookie, headers={"Origin": server.origin}, json={})
    assert as_json.status_code == 200, as_json.text
    cookie = refresh_cookie(as_json) or ""
    # Not a browser (no Origin, no Sec-Fetch-Site) but JSON: a server-side client.
    plain = server.post("/logout", cookie, json={})
    assert plain.status_code == 204, plain.text


def test_login_and_mfa_verify_set_the_cookie_so_they_are_checked(
    server: Site, emulator: RealmEmulator, user: SeededUser
) -> None:
    token = emulator.mint_provider_token(user.email)
    forged = server.post("/login", headers={"Origin": EVIL}, json={"provider_token": token})
    forbidden(forged, CrossSiteReason.CROSS_SITE_ORIGIN)
    verify = server.post(
        "/mfa/verify", headers={"Origin": EVIL}, json={"mfa_challenge_token": "c", "code": "1"}
    )
    forbidden(verify, CrossSiteReason.CROSS_SITE_ORIGIN)
    own = server.post("/login", headers={"Origin": server.origin}, json={"provider_token": token})
    assert own.status_code == 200, own.text
    assert refresh_cookie(own)


# ---------------------------------------------------------------------- configured


@pytest.mark.parametrize(("kind", "face"), [("starlette", "async"), ("flask", "sync")])
def test_trusted_origins_and_samesite_none(
    kind: str, face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    with site(
        kind,
        face,
        emulator,
        cookie_samesite="none",
        trusted_origins=["HTTPS://Partner.Example:443"],
    ) as served:
        cookie = served.login(emulator, user)
        assert {
            c["realmid_refresh"]["samesite"]
            for c in set_cookies(
                served.post("/token", cookie, headers={"Origin": served.origin}, json={})
            )
        } == {"None"}
        cookie = served.login(emulator, user)
        partner = served.post("/token", cookie, headers={"Origin": PARTNER}, json={})
        assert partner.status_code == 200, partner.text
        # Trusted, but a simple request all the same: still refused.
        simple = served.post(
            "/token", refresh_cookie(partner), headers={"Origin": PARTNER, **SIMPLE}
        )
        forbidden(simple, CrossSiteReason.CSRF_HEADER_MISSING)
        forbidden(
            served.post("/logout", cookie, headers={"Origin": EVIL}, json={}),
            CrossSiteReason.CROSS_SITE_ORIGIN,
        )


@pytest.mark.parametrize(("kind", "face"), [("starlette", "sync"), ("flask", "async")])
def test_a_custom_csrf_header_and_json_only(
    kind: str, face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    with site(kind, face, emulator, csrf_header="X-Realm-CSRF") as served:
        cookie = served.login(emulator, user)
        forbidden(
            served.post("/token", cookie, headers={"X-Requested-With": "x", **SIMPLE}),
            CrossSiteReason.CSRF_HEADER_MISSING,
        )
        ok = served.post("/token", cookie, headers={"X-Realm-CSRF": "1", **SIMPLE})
        assert ok.status_code == 200, ok.text
    with site(kind, face, emulator, csrf_header=None) as served:
        cookie = served.login(emulator, user)
        body = forbidden(
            served.post("/token", cookie, headers={"X-Requested-With": "x", **SIMPLE}),
            CrossSiteReason.CSRF_HEADER_MISSING,
        )
        assert body["message"] == (
            "this route needs Content-Type: application/json (CSRF protection)"
        )


@pytest.mark.parametrize(("kind", "face"), [("starlette", "async"), ("flask", "sync")])
def test_body_delivery_checks_only_requests_that_carry_the_cookie(
    kind: str, face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    with site(kind, face, emulator, token_delivery="body") as served:
        token = emulator.mint_provider_token(user.email)
        # No cookie anywhere: a request from any origin holds only what its sender holds.
        login = served.post("/login", headers={"Origin": EVIL}, json={"provider_token": token})
        assert login.status_code == 200, login.text
        refresh = login.json()["refresh_token"]
        renewed = served.post("/token", headers={"Origin": EVIL}, json={"refresh_token": refresh})
        assert renewed.status_code == 200, renewed.text
        refresh = renewed.json()["refresh_token"]
        # A (leftover) cookie makes the request one the browser may have sent by itself.
        forbidden(
            served.post("/token", refresh, headers={"Origin": EVIL}, json={}),
            CrossSiteReason.CROSS_SITE_ORIGIN,
        )
        out = served.post("/logout", headers={"Origin": EVIL}, json={"refresh_token": refresh})
        assert out.status_code == 204, out.text


@pytest.mark.parametrize(("kind", "face"), [("starlette", "async"), ("flask", "sync")])
def test_csrf_protection_can_be_turned_off_with_lax_cookies(
    kind: str, face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    with site(kind, face, emulator, csrf_protection=False) as served:
        cookie = served.login(emulator, user)
        answer = served.post("/token", cookie, headers={"Origin": EVIL, **SIMPLE})
        assert answer.status_code == 200, answer.text


# ---------------------------------------------------------------------- options


def test_the_csrf_defaults() -> None:
    opts = MiddlewareOptions()
    assert opts.csrf_protection is True
    assert opts.trusted_origins == ()
    assert opts.csrf_header == "x-requested-with"


def test_samesite_none_needs_the_checks() -> None:
    with pytest.raises(BadRequestError, match="csrf_protection=True"):
        MiddlewareOptions(cookie_samesite="none", csrf_protection=False)
    assert MiddlewareOptions(cookie_samesite="None").csrf_protection is True
    assert MiddlewareOptions(cookie_samesite="lax", csrf_protection=False)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"csrf_protection": "yes"},
        {"csrf_protection": 1},
        {"trusted_origins": "https://a.example"},
        {"trusted_origins": 42},
        {"trusted_origins": ["*"]},
        {"trusted_origins": ["https://*.a.example"]},
        {"trusted_origins": ["a.example"]},
        {"trusted_origins": ["https://a.example/"]},
        {"trusted_origins": ["https://a.example/app"]},
        {"trusted_origins": ["https://user@a.example"]},
        {"trusted_origins": ["https://a.example:0"]},
        {"trusted_origins": ["https://a.example:99999"]},
        {"trusted_origins": ["ftp://a.example"]},
        {"trusted_origins": ["null"]},
        {"trusted_origins": [None]},
        {"csrf_header": "Content-Type"},
        {"csrf_header": "origin"},
        {"csrf_header": "Cookie"},
        {"csrf_header": "Sec-Fetch-Site"},
        {"csrf_header": "Accept"},
        {"csrf_header": "X Bad"},
        {"csrf_header": 7},
    ],
)
def test_bad_csrf_options_fail_at_construction(kwargs: dict[str, Any]) -> None:
    with pytest.raises(BadRequestError):
        MiddlewareOptions(**kwargs)


def test_trusted_origins_are_normalized() -> None:
    opts = MiddlewareOptions(
        trusted_origins=["HTTPS://App.Example:443", "https://app.example", "http://[::1]:8080"]
    )
    assert opts.trusted_origins == ("https://app.example", "http://[::1]:8080")
    assert MiddlewareOptions(csrf_header="").csrf_header is None


@pytest.mark.parametrize(
    ("value", "origin"),
    [
        ("https://a.example", "https://a.example"),
        ("HTTP://A.EXAMPLE:80", "http://a.example"),
        ("http://a.example:443", "http://a.example:443"),
        ("https://a.example:0443", "https://a.example"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("null", None),
        ("https://a.example/", None),
        ("https://a.example?x", None),
        ("https://", None),
        ("https://a.example:", None),
        ("https://a.example:x", None),
        ("https://a..example", None),
        ("https://a.example, https://b.example", None),
        ("wss://a.example", None),
    ],
)
def test_normalize_origin(value: str, origin: str | None) -> None:
    assert normalize_origin(value) == origin


# ---------------------------------------------------------------------- the core alone


def view(**fields: Any) -> RequestView:
    base: dict[str, Any] = {
        "method": "POST",
        "path": "/token",
        "cookie": "realmid_refresh=rrt_x",
        "content_type": "application/json",
        "scheme": "https",
        "host": "app.example",
    }
    base.update(fields)
    return RequestView(**base)


def refusal(core: MiddlewareCore, route: Route, request: RequestView) -> str | None:
    """The refusal's ``reason``, None when the request passes."""
    refused: RealmError | None = None
    try:
        core.check_cross_site(route, request)
    except RealmError as err:
        refused = err
    if refused is None:
        return None
    assert (refused.code, refused.http_status) == (ErrorCode.FORBIDDEN, 403)
    assert "rrt_x" not in refused.message
    return str(refused.details["reason"])


def test_the_core_check() -> None:
    core = MiddlewareCore()
    ok = None
    origin, fetch, header = (str(r) for r in CrossSiteReason)
    assert refusal(core, Route.REFRESH, view(origin="https://app.example")) is ok
    assert refusal(core, Route.REFRESH, view(origin="https://APP.example:443")) is ok
    assert (
        refusal(core, Route.REFRESH, view(host="app.example:443", origin="https://app.example"))
        is ok
    )
    # Behind a TLS proxy the server sees http: the public origin must then be trusted.
    assert refusal(core, Route.REFRESH, view(scheme="http", origin="https://app.example")) == origin
    trusting = MiddlewareCore(MiddlewareOptions(trusted_origins=["https://app.example"]))
    assert refusal(trusting, Route.REFRESH, view(scheme="http", origin="https://app.example")) is ok
    assert refusal(core, Route.REFRESH, view(host=None, origin="https://app.example")) == origin
    assert (
        refusal(
            core,
            Route.REFRESH,
            view(host="app.example, evil.example", origin="https://app.example"),
        )
        == origin
    )
    assert refusal(core, Route.LOGOUT, view(origin=EVIL)) == origin
    assert refusal(core, Route.LOGIN, view(cookie=None, origin=EVIL)) == origin
    assert refusal(core, Route.MFA_VERIFY, view(cookie=None, origin=EVIL)) == origin
    assert refusal(core, Route.REFRESH, view(sec_fetch_site="Same-Origin")) is ok
    assert refusal(core, Route.REFRESH, view(sec_fetch_site="same-site")) == fetch
    assert refusal(core, Route.REFRESH, view(content_type="application/vnd.api+json")) is ok
    assert refusal(core, Route.REFRESH, view(content_type="text/plain")) == header
    assert refusal(core, Route.REFRESH, view(content_type=None, csrf_header="")) is ok
    body = MiddlewareCore(MiddlewareOptions(token_delivery="body"))
    assert refusal(body, Route.REFRESH, view(cookie=None, origin=EVIL, content_type=None)) is ok
    assert refusal(body, Route.LOGIN, view(origin=EVIL)) is ok  # login reads no cookie
    assert refusal(body, Route.LOGOUT, view(origin=EVIL)) == origin
    assert refusal(body, Route.LOGOUT, view(cookie="other=1", origin=EVIL)) is ok
    off = MiddlewareCore(MiddlewareOptions(csrf_protection=False))
    assert refusal(off, Route.REFRESH, view(origin=EVIL, content_type="text/plain")) is ok


# ---------------------------------------------------------------------- 13.8: mfa_at ahead

NOW = 1_700_000_000.0
PLAIN = MFARequirement(900, False)
FRESH = MFARequirement(900, True)


def claims(**overrides: Any) -> Claims:
    base: dict[str, Any] = {
        "iss": "https://issuer",
        "sub": "u1",
        "aud": ("https://app",),
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 600,
        "jti": "j1",
    }
    return Claims(**{**base, **overrides})


@pytest.mark.parametrize(
    ("token", "requirement", "leeway", "reason"),
    [
        ({"mfa_at": int(NOW) + 30}, PLAIN, 30, None),  # within the skew allowance
        ({"mfa_at": int(NOW) + 30}, FRESH, 30, None),
        ({"mfa_at": int(NOW) + 31}, PLAIN, 30, MFAGateReason.NO_MFA),
        ({"mfa_at": int(NOW) + 31}, FRESH, 30, MFAGateReason.NO_MFA),
        ({"mfa_at": int(NOW) + 86_400}, PLAIN, 30, MFAGateReason.NO_MFA),
        ({"mfa_at": int(NOW) + 5}, PLAIN, 0, MFAGateReason.NO_MFA),
        # amr/acr cannot vouch for a forward-dated mfa_at either.
        (
            {"mfa_at": int(NOW) + 3600, "amr": ("mfa",), "acr": "aal2"},
            PLAIN,
            30,
            MFAGateReason.NO_MFA,
        ),
    ],
)
def test_a_future_mfa_at_is_no_proof(
    token: dict[str, Any], requirement: MFARequirement, leeway: float, reason: MFAGateReason | None
) -> None:
    assert mfa_reason(claims(**token), requirement, NOW, leeway) is reason


def test_the_core_gate_uses_its_leeway() -> None:
    ahead = claims(mfa_at=int(NOW) + 60)
    assert MiddlewareCore(clock=lambda: NOW, leeway=90).mfa_reason(ahead, PLAIN) is None
    assert MiddlewareCore(clock=lambda: NOW, leeway=30).mfa_reason(ahead, PLAIN) is (
        MFAGateReason.NO_MFA
    )


@pytest.mark.parametrize(("kind", "face"), SERVERS, ids=["-".join(s) for s in SERVERS])
def test_a_forward_dated_mfa_at_is_refused_at_the_gate(
    kind: str, face: str, emulator: RealmEmulator, user: SeededUser
) -> None:
    with site(kind, face, emulator) as served:
        tenant = str(user.tenant_id)
        ahead = int(emulator.now()) + 3600
        token = sign(
            emulator,
            base_claims(emulator, user.id, tenant, mfa_at=ahead, amr=["fed", "otp", "mfa"]),
        )
        for path in ("/api/mfa", "/api/fresh", "/api/short"):
            answer = served.client.get(path, headers=bearer(token))
            assert answer.status_code == 412, answer.text
            assert answer.json()["code"] == "mfa_required"
            assert answer.json()["reason"] == "no_mfa"
        assert served.client.get("/api/me", headers=bearer(token)).status_code == 200
        # A little skew (inside the realm's 30 s leeway) still counts as just done.
        skewed = sign(
            emulator,
            base_claims(emulator, user.id, tenant, mfa_at=int(emulator.now()) + 10, amr=["mfa"]),
        )
        assert served.client.get("/api/fresh", headers=bearer(skewed)).status_code == 200
