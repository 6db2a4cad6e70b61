# pyright: strict
"""Run the FastAPI example: ``python -m examples.fastapi_app [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it guards the app with that realm. Without them it starts a local RealmEmulator,
seeds a demo tenant and user, and the page's "Use the demo user" button logs in as them.
The app's ``lifespan`` builds the realm handle on uvicorn's event loop.

The refresh cookie is ``Secure``; browsers accept that over plain http on localhost and
127.0.0.1 only, so serve anything else over TLS (or set ``REALMID_COOKIE_SECURE=0`` for a
throwaway test host).
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from examples.fastapi_app import create_app, default_options
from examples.settings import realm_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    secure = os.environ.get("REALMID_COOKIE_SECURE", "1") != "0"
    with realm_settings() as settings:
        app = create_app(settings=settings, options=default_options(cookie_secure=secure))
        print(f"open http://{args.host}:{args.port}/  (API docs at /docs)")
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
