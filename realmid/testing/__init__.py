"""The local Realm ID emulator: an in-memory issuer served over real HTTP on loopback.

``RealmEmulator`` implements every operation of ``openapi/realmid.yaml`` with the
reference semantics (dual-token flow, login with tenant choice and MFA, OTPs, sessions,
management and admin views), plus test controls: its own clock, key rotation, DNS/file
publishing for domain validation, rate limits, fault injection, and two answer profiles
(``default``, with harmless extras; ``reference``, exactly the reference's Go types).

The pytest fixtures live in :mod:`realmid.testing.pytest_plugin`.
"""

from realmid.testing.contract import load_contract
from realmid.testing.faults import Faults
from realmid.testing.realms import RealmHandle
from realmid.testing.seeding import SeededUser
from realmid.testing.server import RealmEmulator

__all__ = ["Faults", "RealmEmulator", "RealmHandle", "SeededUser", "load_contract"]
