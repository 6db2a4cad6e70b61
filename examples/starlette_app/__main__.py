# pyright: strict
"""Run the Starlette example: ``python -m examples.starlette_app [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it uses that realm; without them, a local RealmEmulator with a demo tenant and user
(``GET /dev/provider-token`` hands out their provider token). Try::

    TOKEN=$(curl -s localhost:8000/dev/provider-token | jq -r .provider_token)
    ACCESS=$(curl -s -XPOST localhost:8000/login -H 'content-type: application/json' \\
             -d "{\\"provider_token\\": \\"$TOKEN\\"}" | jq -r .access_token)
    curl -s localhost:8000/api/me -H "Authorization: Bearer $ACCESS"
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from examples.settings import realm_settings
from examples.starlette_app import create_app, default_options


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    secure = os.environ.get("REALMID_COOKIE_SECURE", "1") != "0"
    with realm_settings() as settings:
        app = create_app(settings=settings, options=default_options(cookie_secure=secure))
        print(f"serving on http://{args.host}:{args.port}/  (try GET /api/me with a bearer)")
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
