"""Which requests ride the platform token: each operation's ``security``, read from the contract.

The contract the client was generated from ships inside ``realmid_api`` (``openapi.json``).
Each operation gets one of three policies:

- ``REQUIRED``: it lists ``platformBearer`` and not ``{}`` (the management surface). The
  platform token rides, and a refusal of it is answered by one re-mint.
- ``OPTIONAL``: it lists both (the user-credential operations: login, MFA verify, OTP
  login, user refresh, logout). The credential is in the body; the platform token rides
  only to vouch for a forwarded ``X-On-Behalf-Of-IP``, and a 401 is never about it.
- ``NONE``: anything else (realm info and the JWKS, user-bearer-only operations): no
  platform token, so verifying tokens never depends on the API key.

A path the contract does not name (``request()`` to a newer route) is ``REQUIRED``, as the
reference's ``Do``. The table is built on the first request, not at import.
"""

from __future__ import annotations

import enum
import functools
import json
import re


class Policy(enum.Enum):
    """How an operation takes the platform bearer (see the module docstring)."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


_METHODS = frozenset({"get", "put", "post", "patch", "delete", "head", "options"})
_TEMPLATE_PARAM = re.compile(r"\\\{[^/]+?\\\}")


def _policy(alternatives: list[dict[str, list[str]]]) -> Policy:
    if not any("platformBearer" in alt for alt in alternatives):
        return Policy.NONE
    return Policy.OPTIONAL if {} in alternatives else Policy.REQUIRED


@functools.cache
def _table() -> tuple[tuple[str, re.Pattern[str], Policy], ...]:
    from importlib import resources  # here, not at the top: only the first request needs it

    raw = resources.files("realmid_api").joinpath("openapi.json").read_bytes()
    document = json.loads(raw)
    default = document.get("security", [])
    rows = []
    for template, item in document.get("paths", {}).items():
        # A path parameter matches one raw (still percent-encoded) segment.
        pattern = re.compile("^" + _TEMPLATE_PARAM.sub("[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if method in _METHODS:
                rows.append((method.upper(), pattern, _policy(operation.get("security", default))))
    return tuple(rows)


@functools.lru_cache(maxsize=1024)
def bearer_policy(method: str, path: str) -> Policy:
    """How ``method path`` (relative to the base URL, raw) takes the platform bearer."""
    for row_method, pattern, policy in _table():
        if row_method == method and pattern.match(path):
            return policy
    return Policy.REQUIRED
