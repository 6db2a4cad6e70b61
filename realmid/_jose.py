"""JOSE decoding, strict: one definition of "base64url", "a JSON object" and "a compact
JWS" for the verifier, the JWKS parser and every place that reads a token unverified.

No I/O and no verification here: :mod:`realmid.verify` checks signatures and claims,
:mod:`realmid.jwks` fetches and parses key sets; both decode through these functions.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable
from typing import Any

__all__ = [
    "DEFAULT_MAX_TOKEN_BYTES",
    "MAX_KID_CHARS",
    "b64url_decode",
    "b64url_strict",
    "split_compact",
    "strict_json_object",
    "unverified_claims",
]

# The largest token anything decodes (the verifier's default ``max_token_bytes``).
DEFAULT_MAX_TOKEN_BYTES = 8192
# The longest key id a token header or a key set may carry.
MAX_KID_CHARS = 256

# base64url -> standard alphabet, and '+', '/', '=' -> '!' so that the strict C decoder,
# which accepts only the standard alphabet, refuses them: the alphabet check happens inside
# the decode, with no per-byte Python or regex pass (PyJWT spends a third of its time there).
_URLSAFE_STRICT = bytes.maketrans(b"-_+/=", b"+/!!!")
_PAD = (b"", b"", b"==", b"=")
# With 2 or 3 characters in the last quantum, the last character carries 4 or 2 bits that
# are not part of any byte. Canonical encoders leave them zero; anything else is a second
# spelling of the same bytes, which a strict decoder refuses.
_CANONICAL_LAST: tuple[frozenset[int], ...] = (
    frozenset(),
    frozenset(),
    frozenset(b"AQgw"),
    frozenset(b"AEIMQUYcgkosw048"),
)


def b64url_decode(segment: bytes) -> bytes | None:
    """Strict base64url: its alphabet only, no padding, no whitespace, canonical trailing
    bits. None when ``segment`` is anything else.

    >>> b64url_decode(b"aGk"), b64url_decode(b"aGl"), b64url_decode(b"aGk=")
    (b'hi', None, None)
    """
    rest = len(segment) & 3
    if rest and (rest == 1 or segment[-1] not in _CANONICAL_LAST[rest]):
        return None
    try:
        return binascii.a2b_base64(
            segment.translate(_URLSAFE_STRICT) + _PAD[rest], strict_mode=True
        )
    except binascii.Error:
        return None


def b64url_strict(text: object) -> bytes | None:
    """:func:`b64url_decode` for a str; None for anything that is not strict base64url."""
    if not isinstance(text, str):
        return None
    try:
        return b64url_decode(text.encode("ascii"))
    except UnicodeEncodeError:
        return None


class _Duplicate(ValueError):
    pass


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 7515 §5.2 / RFC 8259: with duplicate names, parsers disagree on which one wins;
    # a token or key set whose meaning depends on the parser is refused.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Duplicate("duplicate member name")
    return obj


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json accepts NaN/Infinity; JSON does not


# One decoder, built once: json.loads(..., object_pairs_hook=...) would build one per call.
_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_no_constants)
_SCAN: Callable[[str, int], tuple[Any, int]] = _STRICT_JSON.scan_once  # type: ignore[attr-defined]
_WS = " \t\n\r"  # JSON's whitespace, and only it


def strict_json_object(data: bytes) -> dict[str, Any] | None:
    """UTF-8 JSON whose top level is an object, no duplicate names, no NaN/Infinity,
    no lone surrogates; None when it is anything else."""
    try:
        text = data.decode("utf-8")
        try:
            # The C scanner straight away: decode() would add two whitespace regex passes.
            value, end = _SCAN(text, 0)
        except StopIteration:
            value, end = _STRICT_JSON.raw_decode(text, len(text) - len(text.lstrip(_WS)))
        if end != len(text) and text[end:].strip(_WS):
            return None  # trailing data after the value
        if "\\u" in text:
            # An escaped lone surrogate decodes to a str that cannot be encoded again and
            # breaks whatever touches it later (logs, Redis keys). Rare: real tokens and key
            # sets carry no escapes, so the hot path never pays for this.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, StopIteration, RecursionError, UnicodeError, MemoryError):
        return None
    return value if type(value) is dict else None


def split_compact(token: object, max_bytes: int) -> tuple[bytes, list[bytes]]:
    """The token's bytes and its three raw segments (size and compact form checked).

    ValueError, naming what is wrong (never quoting the token), for anything else.
    """
    if type(token) is not str and type(token) is not bytes:
        # Subclasses are copied to the exact type first, so none of their methods run.
        if isinstance(token, str):
            token = str.__str__(token)
        elif isinstance(token, bytes | bytearray):
            token = bytes(token)
    if type(token) is str:
        if len(token) > max_bytes:  # before anything else touches it
            raise ValueError(f"token larger than {max_bytes} bytes")
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("token is not base64url (non-ASCII characters)") from None
    elif type(token) is bytes:
        if len(token) > max_bytes:
            raise ValueError(f"token larger than {max_bytes} bytes")
        raw = token
    else:
        raise ValueError(f"token must be a string, not {type(token).__name__}")
    segments = raw.split(b".")
    if len(segments) != 3:
        raise ValueError(f"not a compact JWS: {len(segments)} segments, expected 3")
    return raw, segments


def unverified_claims(
    token: object, max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES
) -> dict[str, Any] | None:
    """The payload of a well-formed compact JWS, **not verified**; None for anything else.

    For bookkeeping on tokens you already trust (``realm.tokens.mark_revoked`` reads ``jti``
    and ``exp`` this way). Never raises.

    >>> unverified_claims("not.a.token") is None
    True
    """
    try:
        payload = b64url_decode(split_compact(token, max_token_bytes)[1][1])
        return None if payload is None else strict_json_object(payload)
    except Exception:
        return None
