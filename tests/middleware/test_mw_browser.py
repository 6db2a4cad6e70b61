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
from examples.fastapi_app import create_app
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
