"""Which requests ride the platform token: each operation's ``security``, read from the contract.

The contract the client was generated from ships inside ``realmid_api`` (``openapi.json``).
An operation that lists ``platformBearer`` among its alternatives gets the platform token;
one whose only alternative is anonymous (``{}``: login, MFA verify, OTP login, user refresh,
logout, realm info, JWKS) goes out with no bearer at all, so logging users in and verifying
their tokens never depends on the API key. A path the contract does not name (``request()``
to a newer route) rides the platform token, as the reference's ``Do`` does.

The table is built on the first request, not at import.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources

_METHODS = frozenset({"get", "put", "post", "patch", "delete", "head", "options"})
_TEMPLATE_PARAM = re.compile(r"\\\{[^/]+?\\\}")


@functools.cache
def _table() -> tuple[tuple[str, re.Pattern[str], bool], ...]:
    raw = resources.files("realmid_api").joinpath("openapi.json").read_bytes()
    document = json.loads(raw)
    default = document.get("security", [])
    rows = []
    for template, item in document.get("paths", {}).items():
        # A path parameter matches one raw (still percent-encoded) segment.
        pattern = re.compile("^" + _TEMPLATE_PARAM.sub("[^/]+", re.escape(template)) + "$")
        for method, operation in item.items():
            if method in _METHODS:
                alternatives = operation.get("security", default)
                platform = any("platformBearer" in alt for alt in alternatives)
                rows.append((method.upper(), pattern, platform))
    return tuple(rows)


@functools.lru_cache(maxsize=1024)
def rides_platform_token(method: str, path: str) -> bool:
    """Whether ``method path`` (relative to the base URL, raw) takes the platform bearer."""
    for row_method, pattern, platform in _table():
        if row_method == method and pattern.match(path):
            return platform
    return True
