"""Run the Django example: ``python -m examples.django_app [--host H] [--port P]``.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, it guards the project with that realm. Without them it starts a local RealmEmulator
with a demo tenant and user; ``GET /dev/provider-token`` hands out the demo user's
provider token to log in with.

``--token-delivery body`` returns the refresh token in the JSON answers (handy with curl);
the default ``cookie`` keeps it in an HttpOnly ``Secure`` cookie, which browsers accept
over plain http on localhost only (``REALMID_COOKIE_SECURE=0`` for a throwaway test host).
"""

from __future__ import annotations

import argparse
import contextlib
import os

from examples.settings import realm_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token-delivery", choices=("cookie", "body"), default="cookie")
    args = parser.parse_args()
    with realm_settings() as realm:
        # settings.py reads these when Django loads it, below.
        os.environ["REALMID_REALM_ID"] = realm.realm_id
        os.environ["REALMID_API_KEY"] = realm.api_key
        os.environ["REALMID_BASE_URL"] = realm.base_url
        os.environ["REALMID_TOKEN_DELIVERY"] = args.token_delivery
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_app.settings")

        import django  # type: ignore[import-untyped]
        from django.core.servers.basehttp import run  # type: ignore[import-untyped]
        from django.core.wsgi import get_wsgi_application  # type: ignore[import-untyped]

        from examples.django_app import views

        django.setup()
        views.demo_provider_token = realm.demo_provider_token
        url = f"http://{args.host}:{args.port}"
        if realm.demo_provider_token is not None:
            print(f"demo login: GET {url}/dev/provider-token, then POST {url}/login")
            print('           with {"provider_token": "<it>"}; then GET /api/me with the bearer')
        print(f"serving on {url}", flush=True)
        # Django's own development server (what runserver uses, without the reloader):
        # fine for a demo, not for production (gunicorn, or uvicorn on Django's ASGI app).
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: a clean stop
            run(args.host, args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
