"""Run the BFF example: ``python -m examples.bff_proxy [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it proxies to that realm. Without them it starts a local RealmEmulator with a demo
tenant and owner; ``GET /dev/provider-token`` hands out the demo user's provider token.

The refresh cookie is ``Secure``; browsers accept that over plain http on localhost only
(``REALMID_COOKIE_SECURE=0`` for a throwaway test host).
"""

from __future__ import annotations

import argparse
import os

import uvicorn

import realmid
from examples.bff_proxy import create_app, default_options
from examples.settings import realm_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    secure = os.environ.get("REALMID_COOKIE_SECURE", "1") != "0"
    with realm_settings() as settings:
        # Built outside uvicorn's loop: its HTTP client binds to the loop on first use.
        realm = realmid.AsyncRealm(
            realm_id=settings.realm_id, api_key=settings.api_key, base_url=settings.base_url
        )
        app = create_app(
            realm,
            options=default_options(cookie_secure=secure),
            demo_provider_token=settings.demo_provider_token,
        )
        url = f"http://{args.host}:{args.port}"
        if settings.demo_provider_token is not None:
            print(f"demo login: GET {url}/dev/provider-token, then POST {url}/login")
            print('           with {"provider_token": "<it>"}; then GET /bff/sessions')
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
