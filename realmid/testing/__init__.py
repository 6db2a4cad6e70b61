"""The local Realm ID emulator: an in-memory issuer served over real HTTP on loopback.

``RealmEmulator`` implements every operation of ``openapi/realmid.yaml`` with the
reference semantics (dual-token flow, login with tenant choice and MFA, OTPs, sessions,
management and admin views), plus test controls: its own clock, key rotation, DNS/file
publishing for domain validation, rate limits, fault injection, and two answer profiles
(``default``, with harmless extras; ``reference``, exactly the reference's Go types).

The pytest fixtures live in :mod:`realmid.testing.pytest_plugin`.

Names load on first use: pytest imports this package for the plugin's entry point in every
project that installed realmid, and the emulator's dependencies come only with
``realmid[testing]``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from realmid._extras import missing_extra

if TYPE_CHECKING:
    from realmid.testing.contract import load_contract
    from realmid.testing.faults import Faults
    from realmid.testing.realms import RealmHandle
    from realmid.testing.seeding import SeededUser
    from realmid.testing.server import RealmEmulator

__all__ = ["Faults", "RealmEmulator", "RealmHandle", "SeededUser", "load_contract"]

_HOMES = {
    "Faults": "realmid.testing.faults",
    "RealmEmulator": "realmid.testing.server",
    "RealmHandle": "realmid.testing.realms",
    "SeededUser": "realmid.testing.seeding",
    "load_contract": "realmid.testing.contract",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'realmid.testing' has no attribute {name!r}")
    try:
        module = importlib.import_module(home)
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] == "realmid":
            raise  # a module of ours is missing: not an extra's doing
        raise missing_extra(exc, "testing", "realmid.testing") from exc
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
