"""JOSE decoding, strict: one definition of "base64url", "a JSON object" and "a compact
JWS" for the verifier, the JWKS parser and every place that reads a token unverified.

No I/O and no verification here: :mod:`realmid.verify` checks signatures and claims,
:mod:`realmid.jwks` fetches and parses key sets; both decode through these functions.
"""

from __future__ import annotations

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


def b64url_decode(segment: bytes) -> bytes | None:
    """Strict base64url: its alphabet only, no padding, no whitespace, canonical trailing
    bits. None when ``segment`` is anything else.

    >>> b64url_decode(b"aGk"), b64url_decode(b"aGl"), b64url_decode(b"aGk=")
    (b'hi', None, None)
    """
    try:
        return _b64decode(segment)
    except ValueError:  # binascii.Error
        return None


def _strict_b64decode(segment: bytes) -> bytes:
    # pybase64 (SIMD) checks it all in one C call, at half the cost of translate +
    # binascii's strict mode: ignorechars=b"" makes "+" and "/" errors (not the lenient
    # alternative alphabet, no deprecation warning), padded=False refuses "=", canonical
    # refuses nonzero trailing bits. Imported on the first decode: the import of
    # realmid stays free of it.
    global _b64decode
    from pybase64 import b64decode

    def decode(segment: bytes) -> bytes:
        return b64decode(segment, b"-_", True, padded=False, ignorechars=b"", canonical=True)

    _b64decode = decode
    return decode(segment)


_b64decode: Callable[[bytes], bytes] = _strict_b64decode


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
        value = _compact_json_object(data)
    except Exception:  # the strict parser below decides, with its own errors
        value = None
    return value if value is not None else _strict_json_object(data)


def _strict_json_object(data: bytes) -> dict[str, Any] | None:
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
            # breaks whatever touches it later (logs, Redis keys).
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, StopIteration, RecursionError, UnicodeError, MemoryError):
        return None
    return value if type(value) is dict else None


def _load_msgspec(data: bytes) -> dict[str, Any] | None:
    # msgspec (and typing_extensions with it) is imported on the first decode, not with
    # realmid: an application that never reads a token does not pay for it.
    global _compact_json_object
    import msgspec.json

    decode, encode = msgspec.json.Decoder().decode, msgspec.json.Encoder().encode

    def compact_json_object(data: bytes) -> dict[str, Any] | None:
        # The fast path, for what issuers send: compact JSON that msgspec re-encodes to the
        # very same bytes. That equality proves there are no duplicate names at any depth
        # (the decoded dicts would re-encode shorter); msgspec itself refuses NaN, lone
        # surrogates, bad UTF-8 and trailing data. Anything else (whitespace, escapes,
        # floats in another spelling) is None here, and the strict parser decides.
        value = decode(data)
        return value if type(value) is dict and encode(value) == data else None

    _compact_json_object = compact_json_object
    return compact_json_object(data)


_compact_json_object: Callable[[bytes], dict[str, Any] | None] = _load_msgspec


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
