"""The checks every argument passes before any I/O: one home for "what input is refused".

Each refusal is a :class:`~realmid.BadRequestError` (a ValueError) naming the parameter,
never echoing a value that may be a credential. Both faces (``realmid/_async`` and its
generated twin), the revocation caches, the verifier and the configuration use them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from realmid_api.types import UNSET, Unset

from realmid.errors import BadRequestError, ErrorCode
from realmid.origin_names import normalize_origin

# Header values the SDK forwards: printable ASCII, no leading/trailing space, so nobody can
# smuggle a second header (CR/LF) through a user id, an IP or a bearer (as realm.request).
_HEADER_VALUE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
# A header a caller forwards through realm.request: an RFC 9110 token as its name, and a
# value without CR, LF or NUL (which would end the header, or the whole head, early).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_BREAK = re.compile(r"[\r\n\x00]")
# Headers that are not the caller's to set: the connection's own (RFC 9110 §7.6.1 hop-by-hop,
# plus the framing and routing ones httpx derives), and the bearer, which the SDK owns.
# `Host: evil.example` rode the platform token to wherever a proxy routes by Host.
_RESERVED_HEADERS = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "expect",
    }
)
# The partner OTP purpose tag (contract: IssueRequest.purpose).
PURPOSE = re.compile(r"[a-z][a-z0-9_]{0,63}")
MAX_SUBJECT_REF = 256


def header_value(name: str, value: str) -> str:
    """``value`` when it is safe as an HTTP header value, else BadRequestError (before any I/O)."""
    if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
        raise BadRequestError(f"{name} must be a non-empty printable ASCII string")
    return value


def forwarded_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Caller-given headers for ``realm.request``, checked before any I/O (BadRequestError)."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise BadRequestError(f"header name {name!r} is not a valid HTTP token")
        if not isinstance(value, str) or _HEADER_BREAK.search(value):
            # The value is not echoed: it may be a credential.
            raise BadRequestError(f"header {name} must be a string without CR, LF or NUL")
        if name.lower() in _RESERVED_HEADERS:
            raise BadRequestError(f"header {name} is the connection's, not the caller's, to set")
        if name.lower() == "authorization":
            continue  # the SDK sets the bearer (documented: one in `headers` is dropped)
        checked[name] = value
    return checked


def optional_header(name: str, value: str | None) -> str | Unset:
    """A checked header value, or UNSET (header left out) for None."""
    return UNSET if value is None else header_value(name, value)


def path_id(name: str, value: str) -> str:
    """An id that goes into a URL path segment.

    The generated client percent-encodes it, but ``""``, ``"."`` and ``".."`` would still
    change which route is hit (``/tenants/`` is the list, ``..`` climbs a segment).
    """
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise BadRequestError(f"{name} must be a non-empty id, got {value!r}")
    return value


def non_empty(name: str, value: str) -> str:
    """A required string argument that must not be empty."""
    if not isinstance(value, str) or not value:
        raise BadRequestError(f"{name} must be a non-empty string")
    return value


def hostname(name: str, value: str) -> str:
    """A hostname argument, also accepted as an origin or URL (``normalize_origin``)."""
    return path_id(name, normalize_origin(value))


def acting_user(user_id: str | None, user_bearer: str | None) -> tuple[str | Unset, str | None]:
    """Check the two ways of naming the end user; ``(X-On-Behalf-Of-User, bearer)``.

    BFF shape: ``user_id`` → the platform token is the bearer and the user rides in
    ``X-On-Behalf-Of-User``. Public-client shape: ``user_bearer`` → the user's access token
    is the bearer. Exactly one is required; both or neither is a BadRequestError, raised before
    any I/O.
    """
    if (user_id is None) == (user_bearer is None):
        raise BadRequestError(
            "give exactly one of user_id= (BFF: platform token + X-On-Behalf-Of-User) "
            "or user_bearer= (the user's access token)"
        )
    if user_id is not None:
        return header_value("user_id", user_id), None
    return UNSET, header_value("user_bearer", user_bearer or "")


def check_purpose(purpose: str) -> str:
    """BadRequestError ``invalid_purpose`` unless ``purpose`` matches ``^[a-z][a-z0-9_]{0,63}$``."""
    if not isinstance(purpose, str) or PURPOSE.fullmatch(purpose) is None:
        raise BadRequestError(
            f"purpose must match ^[a-z][a-z0-9_]{{0,63}}$, got {purpose!r}",
            code=ErrorCode.INVALID_PURPOSE,
        )
    return purpose


def check_subject_ref(subject_ref: str) -> str:
    """BadRequestError ``invalid_subject_ref`` unless 1-256 characters, no control characters."""
    if not isinstance(subject_ref, str) or not 1 <= len(subject_ref) <= MAX_SUBJECT_REF:
        raise BadRequestError(
            f"subject_ref must be 1 to {MAX_SUBJECT_REF} characters",
            code=ErrorCode.INVALID_SUBJECT_REF,
        )
    if any(unicodedata.category(ch) == "Cc" for ch in subject_ref):
        raise BadRequestError(
            "subject_ref must not contain control characters", code=ErrorCode.INVALID_SUBJECT_REF
        )
    return subject_ref


def json_object(name: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping argument as a plain dict; anything else is a BadRequestError before any I/O."""
    if not isinstance(value, Mapping):
        raise BadRequestError(f"{name} must be a mapping")
    return dict(value)


def duration(
    value: object, name: str, *, allow_zero: bool = True, allow_negative: bool = False
) -> float:
    """A duration, given as a ``timedelta`` or a number of seconds, as finite float seconds.

    Refused: a bool, anything that is not a number or a timedelta, NaN and infinities, and
    (unless allowed) a negative or zero duration.

    >>> duration(timedelta(minutes=1), "ttl"), duration(0.5, "timeout", allow_zero=False)
    (60.0, 0.5)
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise BadRequestError(f"{name} must be a timedelta or a number of seconds")
    if not math.isfinite(seconds):
        raise BadRequestError(f"{name} must be a finite duration, got {value!r}")
    if seconds < 0 and not allow_negative:
        raise BadRequestError(f"{name} must be a non-negative duration, got {value!r}")
    if seconds == 0 and not allow_zero:
        raise BadRequestError(f"{name} must be a positive duration, got {value!r}")
    return seconds


# The longest jti anything accepts: the verifier refuses a longer one as ``malformed``
# (realmid.verify and realmid.revocation re-export this constant) and every cache refuses to
# store it, so a token that verifies can always be revoked.
MAX_JTI_CHARS = 1024


def jti(value: object) -> str:
    """A token id a revocation cache may store: a non-empty string of at most 1024 chars."""
    if not isinstance(value, str) or not value or len(value) > MAX_JTI_CHARS:
        raise BadRequestError(f"jti must be a non-empty string of at most {MAX_JTI_CHARS} chars")
    return value


def expiry(expires_at: object) -> float:
    """An expiry as unix seconds, from a number or a timezone-aware ``datetime``."""
    if isinstance(expires_at, datetime):
        if expires_at.tzinfo is None:
            # A naive datetime would be read in the host's zone: off by hours, silently.
            raise BadRequestError("expires_at must be a timezone-aware datetime (or unix seconds)")
        return expires_at.timestamp()
    if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
        raise BadRequestError("expires_at must be unix seconds (a number) or a datetime")
    value = float(expires_at)
    if not math.isfinite(value):
        raise BadRequestError("expires_at must be finite")
    return value
