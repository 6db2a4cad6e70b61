"""Run the Flask example: ``python -m examples.flask_app [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it guards the app with that realm. Without them it starts a local RealmEmulator with
a demo tenant and user; ``GET /dev/provider-token`` hands out the demo user's provider
token to log in with.

``--token-delivery body`` returns the refresh token in the JSON answers (handy with curl);
the default ``cookie`` keeps it in an HttpOnly ``Secure`` cookie, which browsers accept
over plain http on localhost only (``REALMID_COOKIE_SECURE=0`` for a throwaway test host).
"""

from __future__ import annotations

import argparse
import os

import realmid
from examples.flask_app import create_app, default_options
from examples.settings import realm_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--token-delivery", choices=("cookie", "body"), default="cookie")
    args = parser.parse_args()
    secure = os.environ.get("REALMID_COOKIE_SECURE", "1") != "0"
    options = default_options(token_delivery=args.token_delivery, cookie_secure=secure)
    with realm_settings() as settings:
        realm = realmid.Realm(
            realm_id=settings.realm_id, api_key=settings.api_key, base_url=settings.base_url
        )
        with realm:
            app = create_app(
                realm, options=options, demo_provider_token=settings.demo_provider_token
            )
            url = f"http://{args.host}:{args.port}"
            if settings.demo_provider_token is not None:
                print(f"demo login: GET {url}/dev/provider-token, then POST {url}/login")
                print(
                    '           with {"provider_token": "<it>"}; then GET /api/me with the bearer'
                )
            # werkzeug's development server: fine for a demo, not for production.
            app.run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
