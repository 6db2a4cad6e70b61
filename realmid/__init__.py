"""realmid: the Python SDK for Realm ID, a multi-tenant auth issuer.

The wire layer is the generated package ``realmid_api`` (from ``openapi/realmid.yaml``);
this package is the hand-written facade over it.
"""

from realmid._version import SERVER_VERSION, __version__

DEFAULT_BASE_URL = "https://auth.realmid.dev"

__all__ = ["DEFAULT_BASE_URL", "SERVER_VERSION", "__version__"]
