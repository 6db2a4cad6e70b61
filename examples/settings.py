"""Where a runnable example gets its realm: the environment, or a local emulator.

With ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (and optionally ``REALMID_BASE_URL``)
set, that realm is used. Without them a :class:`~realmid.testing.RealmEmulator` is started
and seeded with a demo tenant and user, whose provider tokens the example can hand out.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import realmid
from realmid.testing import RealmEmulator

__all__ = ["DEMO_EMAIL", "RealmSettings", "realm_settings", "redact"]

DEMO_EMAIL = "demo@example.test"


@dataclass(frozen=True)
class RealmSettings:
    """What a realm handle is built from, plus the demo user's token source (emulator only)."""

    realm_id: str
    api_key: str = field(repr=False)  # a secret: kept out of reprs and logs
    base_url: str
    demo_provider_token: Callable[[], str] | None = None


def redact(secret: str) -> str:
    """A secret as its last 6 characters and length: enough to tell two apart, not to use.

    The tail, not the head: every JWT starts with the same base64 of ``{"alg":"RS256"``.
    """
    return f"…{secret[-6:]} ({len(secret)} chars)" if len(secret) > 12 else "…"


@contextmanager
def realm_settings(demo_email: str = DEMO_EMAIL) -> Iterator[RealmSettings]:
    """The realm from the environment, else a running, seeded emulator (stopped on exit)."""
    realm_id = os.environ.get("REALMID_REALM_ID")
    api_key = os.environ.get("REALMID_API_KEY")
    if realm_id and api_key:
        base_url = os.environ.get("REALMID_BASE_URL", realmid.DEFAULT_BASE_URL)
        print(f"using realm {realm_id} at {base_url}")
        yield RealmSettings(realm_id, api_key, base_url)
        return
    with RealmEmulator() as emu:
        tenant = emu.create_tenant("Demo Tenant")
        user = emu.seed_user(demo_email, {tenant: "owner"})
        print(
            f"no REALMID_REALM_ID/REALMID_API_KEY: using an emulator at {emu.base_url}"
            f" (demo user {user.email}, owner of Demo Tenant)"
        )
        yield RealmSettings(
            emu.realm_id,
            emu.api_key,
            emu.base_url,
            functools.partial(emu.mint_provider_token, user.email),
        )
