"""Answer profiles: how the emulator shapes what it sends (``emu.profile``).

- ``default``: the handlers' answers as they are, with harmless extras a real issuer may
  add (``token_type`` on platform tokens, ``request_id`` in error bodies, a tenant's
  signup settings, ...). They prove a client tolerates fields it does not know.
- ``reference``: every answer exactly as the reference's Go types encode it (see
  :mod:`realmid.testing.reference_shapes`): their fields and nothing else, ``omitempty``
  fields left out when empty, the others always present. It proves a client copes with
  the leanest answers the reference allows.
"""

from __future__ import annotations

from typing import Any

from realmid.testing.reference_shapes import answer_type, encode

DEFAULT = "default"
REFERENCE = "reference"
PROFILES = (DEFAULT, REFERENCE)


def checked_profile(name: str) -> str:
    """``name`` if it is a profile, else ValueError."""
    if name not in PROFILES:
        raise ValueError(f"unknown profile {name!r}: expected one of {', '.join(PROFILES)}")
    return name


def shape_body(
    profile: str, operation_id: str | None, status: int, body: Any, shape: str | None = None
) -> Any:
    """``body`` as ``profile`` sends it for ``status`` of ``operation_id``."""
    if profile == DEFAULT or body is None:
        return body
    go_type = answer_type(operation_id, status, shape)
    if go_type is None:
        return body
    return encode(go_type, body)
