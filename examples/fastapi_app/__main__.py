"""Run the FastAPI example: ``python -m examples.fastapi_app [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it guards the app with that realm. Without them it starts a local RealmEmulator,
seeds a demo tenant and user, and the page's "Use the demo user" button logs in as them.

The refresh cookie is ``Secure``; browsers accept that over plain http on localhost and
127.0.0.1 only, so serve anything else over TLS (or set ``REALMID_COOKIE_SECURE=0`` for a
throwaway test host).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
from collections.abc import Callable

import uvicorn

import realmid
from examples.fastapi_app import create_app, default_options
from realmid.testing import RealmEmulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    secure = os.environ.get("REALMID_COOKIE_SECURE", "1") != "0"
    with contextlib.ExitStack() as stack:
        realm_id = os.environ.get("REALMID_REALM_ID")
        api_key = os.environ.get("REALMID_API_KEY")
        demo: Callable[[], str] | None = None
        if realm_id and api_key:
            base_url = os.environ.get("REALMID_BASE_URL", realmid.DEFAULT_BASE_URL)
            realm = realmid.AsyncRealm(realm_id=realm_id, api_key=api_key, base_url=base_url)
            print(f"guarding with realm {realm_id} at {base_url}")
        else:
            emu = stack.enter_context(RealmEmulator())
            tenant = emu.create_tenant("Demo Tenant")
            user = emu.seed_user("demo@example.test", {tenant: "owner"})
            realm = realmid.AsyncRealm(
                realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url
            )

            demo = functools.partial(emu.mint_provider_token, user.email)
            print(f"no REALMID_REALM_ID/REALMID_API_KEY: using an emulator at {emu.base_url}")
        app = create_app(
            realm, options=default_options(cookie_secure=secure), demo_provider_token=demo
        )
        print(f"open http://{args.host}:{args.port}/")
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
