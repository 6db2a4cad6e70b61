"""One pod of the multi-pod demo: ``python -m examples.multi_pod.pod`` (the demo starts it).

It reads its realm from ``REALMID_REALM_ID`` / ``REALMID_API_KEY`` / ``REALMID_BASE_URL``
and its revocation cache from ``REALMID_REDIS_URL`` (a ``RedisRevocationCache`` there; when
unset, a ``MemRevocationCache`` of its own), serves the Flask example on a free loopback
port, prints ``ready <url>`` and serves until its stdin closes.
"""

from __future__ import annotations

import logging
import os
import sys

import redis

import realmid
from examples.flask_app import create_app, default_options
from examples.serving import serve_wsgi


def revocation_cache() -> realmid.RevocationCache:
    """The shared Redis cache when ``REALMID_REDIS_URL`` is set, else a private one."""
    url = os.environ.get("REALMID_REDIS_URL")
    if not url:
        return realmid.MemRevocationCache()
    # Short timeouts: a stuck Redis fails a request (closed) instead of stalling it.
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return realmid.RedisRevocationCache(client)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no per-request lines
    realm = realmid.Realm(
        realm_id=os.environ["REALMID_REALM_ID"],
        api_key=os.environ["REALMID_API_KEY"],
        base_url=os.environ.get("REALMID_BASE_URL", realmid.DEFAULT_BASE_URL),
        revocation=revocation_cache(),
    )
    with realm:
        # Body delivery: the demo's client is a script, not a browser with a cookie jar.
        options = default_options(token_delivery="body")  # noqa: S106 (a mode, not a secret)
        app = create_app(realm, options=options)
        with serve_wsgi(app) as url:
            print(f"ready {url}", flush=True)
            # Until the demo closes our stdin, or exits: a pod never outlives its demo.
            sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
