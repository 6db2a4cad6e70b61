"""The cookie flow in a real browser: Debian's chromium driven by Python playwright.

The example app (examples/fastapi_app) is served by uvicorn against the emulator; its
page logs in with a provider token the test minted (and answers the MFA step with a real
TOTP code), shows the guarded data, refreshes and logs out. The refresh token lives in an
HttpOnly cookie the page's script can never read.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mw_support import make_handle, serve_asgi
from playwright.sync_api import Browser, Page, sync_playwright

import realmid
from examples.fastapi_app import create_app, default_options
from realmid.testing import RealmEmulator, SeededUser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = CHROMIUM if shutil.which(CHROMIUM) else shutil.which("chromium")
    assert executable, "chromium is not installed (.ci/run installs it with apt-get)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def example_url(emulator: RealmEmulator) -> Iterator[str]:
    realm = make_handle("async", emulator)
    assert isinstance(realm, realmid.AsyncRealm)
    with serve_asgi(create_app(realm), on_close=realm.aclose) as url:
        yield url


def status(page: Page, text: str) -> None:
    page.wait_for_function(
        "text => document.getElementById('status').textContent === text", arg=text, timeout=15_000
    )


def act(page: Page, button: str, expected: str) -> None:
    """Click ``button`` and wait for the status it leads to (cleared first, so a status
    left by the previous action is never mistaken for this one's)."""
    page.evaluate("document.getElementById('status').textContent = ''")
    page.click(button)
    status(page, expected)


def refresh_cookies(page: Page) -> list[Any]:
    return [c for c in page.context.cookies() if c["name"] == "realmid_refresh"]


def test_the_cookie_flow_in_chromium(
    browser: Browser, example_url: str, emulator: RealmEmulator, mfa_user: SeededUser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(example_url + "/")
        assert page.title() == "realmid · FastAPI example"

        # Log in: the page posts the provider token, gets the 412, answers the TOTP step.
        page.fill("#provider-token", emulator.mint_provider_token(mfa_user.email))
        act(page, "#login", "second factor needed")
        page.fill("#mfa-code", mfa_user.totp_now())
        act(page, "#mfa-submit", f"logged in as {mfa_user.email}")

        # The refresh token is in the browser's jar: HttpOnly, Secure, Lax, path-scoped...
        cookies = refresh_cookies(page)
        assert sorted(c["path"] for c in cookies) == ["/logout", "/token"]
        assert all(c["httpOnly"] and c["secure"] and c["sameSite"] == "Lax" for c in cookies)
        first_value = cookies[0]["value"]
        # ... and out of the page's reach, even on a path the cookie is sent to.
        assert "realmid_refresh" not in page.evaluate("document.cookie")
        probe = context.new_page()
        probe.goto(example_url + "/token")  # GET: guarded (401), but a document at /token
        assert "realmid_refresh" not in probe.evaluate("document.cookie")
        probe.close()

        # The guarded data, and the MFA-protected data (the MFA is seconds old).
        act(page, "#load", "data loaded")
        shown = page.inner_text("#data")
        assert mfa_user.id in shown
        assert mfa_user.email in shown
        act(page, "#load-mfa", "data loaded")
        assert "only with a recent second factor" in page.inner_text("#data")

        # Refresh: the browser sends the cookie itself; the middleware rotates it.
        act(page, "#refresh", "refreshed")
        rotated = refresh_cookies(page)
        assert len(rotated) == 2
        assert {c["value"] for c in rotated} != {first_value}
        act(page, "#load", "data loaded")

        # Log out: the cookie is gone, and the last access token is refused as revoked.
        act(page, "#logout", "logged out")
        assert refresh_cookies(page) == []
        previous = page.evaluate("window.demo.previousToken")
        assert previous
        answer = page.evaluate(
            """async (token) => {
                const r = await fetch('/api/me', {headers: {Authorization: 'Bearer ' + token}});
                return {status: r.status, body: await r.json()};
            }""",
            previous,
        )
        assert answer == {
            "status": 401,
            "body": {"code": "unauthorized", "message": "access token revoked", "revoked": True},
        }
        act(page, "#load", "logged out")
    finally:
        context.close()


def test_the_example_page_is_served_unguarded(example_url: str) -> None:
    with httpx.Client(base_url=example_url) as client:
        assert client.get("/").headers["content-type"].startswith("text/html")
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/dev/provider-token").status_code == 404  # not an emulator run
        assert client.get("/api/me").status_code == 401


EVIL_PAGE = b"""<!doctype html><html><head><title>another site</title></head><body>
<form id="forge" method="POST" enctype="text/plain"></form>
<script>
// The classic forgery: a top-level form POST (an empty text/plain body), which carries a
// SameSite=None cookie.
window.forge = (url) => { const f = document.getElementById("forge"); f.action = url; f.submit(); };
</script></body></html>"""


async def evil_site(scope: Any, receive: Any, send: Any) -> None:
    """Another site's page (served from http://localhost, a different site than 127.0.0.1)."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/html"), (b"content-length", str(len(EVIL_PAGE)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": EVIL_PAGE})


def test_a_page_on_another_site_cannot_use_the_cookie(
    browser: Browser, emulator: RealmEmulator
) -> None:
    """A form on another site posting to /token and /logout: chromium sends the
    SameSite=None refresh cookie with it (a top-level navigation), and the cross-site
    check alone refuses it; the session survives. Before the check, /token answered
    200 with a fresh access token and a rotated cookie, and /logout 204."""
    tenant = emulator.create_tenant("Browser CSRF")
    user = emulator.seed_user("csrf-browser@example.test", {tenant: "owner"})
    realm = make_handle("async", emulator)
    assert isinstance(realm, realmid.AsyncRealm)
    app = create_app(realm, options=default_options(cookie_samesite="none"))
    with serve_asgi(app, on_close=realm.aclose) as url, serve_asgi(evil_site) as other:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url + "/")
            page.fill("#provider-token", emulator.mint_provider_token(user.email))
            act(page, "#login", f"logged in as {user.email}")
            (before,) = {c["value"] for c in refresh_cookies(page)}
            assert {c["sameSite"] for c in refresh_cookies(page)} == {"None"}

            attacker = context.new_page()
            for path in ("/token", "/logout"):
                attacker.goto(other.replace("127.0.0.1", "localhost") + "/")
                with attacker.expect_navigation() as navigation:
                    attacker.evaluate("url => window.forge(url)", url + path)
                response = navigation.value
                assert response is not None
                assert response.status == 403
                assert response.json()["reason"] == "cross_site_origin"
                sent = response.request.all_headers()
                assert "realmid_refresh=" in sent.get("cookie", "")  # the threat was real
                assert sent["origin"] == other.replace("127.0.0.1", "localhost")
            attacker.close()

            # Untouched: the same cookie, and the app's own page still refreshes with it.
            assert {c["value"] for c in refresh_cookies(page)} == {before}
            act(page, "#refresh", "refreshed")
            assert {c["value"] for c in refresh_cookies(page)} != {before}
        finally:
            context.close()
