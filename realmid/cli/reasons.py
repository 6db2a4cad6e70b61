"""Why a token was refused, in words: the verifier's code plus what the token says.

The verifier's messages are terse on purpose (they end up in logs). An operator at a
terminal wants the numbers: how long ago it expired and with what leeway, which kid the
token names and which the JWKS holds, which audience it carries and which this realm has.
These read the token's header and payload **without verifying them** (the token was just
refused); nothing here prints the token itself, only its ``jti`` and ``sub``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from realmid._jose import DEFAULT_MAX_TOKEN_BYTES, b64url_decode, split_compact
from realmid._jose import strict_json_object as json_object
from realmid.cli.output import relative, span, utc
from realmid.errors import ErrorCode, RealmError


def unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The header and payload of a compact JWS, not verified; None when it is not one."""
    try:
        _, segments = split_compact(token, DEFAULT_MAX_TOKEN_BYTES)
    except ValueError:
        return None
    decoded = [b64url_decode(segment) for segment in segments[:2]]
    header, payload = (None if raw is None else json_object(raw) for raw in decoded)
    if header is None or payload is None:
        return None
    return header, payload


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(empty)"
    return "(none)" if value is None else str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def explain(
    err: RealmError,
    token: str,
    *,
    issuer: str,
    audience: str,
    kids: Collection[str],
    now: float,
    leeway: float,
    audience_given: bool = False,
) -> str:
    """One sentence saying why ``err`` refused ``token``."""
    parts = unverified_parts(token)
    header, payload = parts if parts is not None else ({}, {})
    code = err.code
    if err.details.get("revoked"):
        return (
            f"token {_show(payload.get('jti'))} was revoked (a logout, or "
            "realm.tokens.mark_revoked) and is refused until it expires"
        )
    if code == ErrorCode.EXPIRED:
        exp = _number(payload.get("exp"))
        if exp is not None:
            return f"expired {span(now - exp)} ago (exp {utc(exp)}) with leeway {span(leeway)}"
    if code == ErrorCode.NOT_YET_VALID:
        start = _number(payload.get("nbf")) or _number(payload.get("iat"))
        if start is not None:
            return (
                f"not valid until {utc(start)}, {relative(start, now)}, with leeway "
                f"{span(leeway)} (is this machine's clock right?)"
            )
    if code == ErrorCode.UNKNOWN_KID:
        held = ", ".join(sorted(kids)) or "no key"
        return f"kid {_show(header.get('kid'))} not in the JWKS, which holds {held}"
    if code == ErrorCode.WRONG_AUDIENCE:
        if "azp" in err.message:
            return (
                f"azp {_show(payload.get('azp'))} names another realm: the token was minted "
                "for a different realm"
            )
        expected = (
            f"the required {audience} (--audience)"
            if audience_given
            else (f"this realm's {audience}")
        )
        return f"audience {_show(payload.get('aud'))} is not {expected}"
    if code == ErrorCode.WRONG_ISSUER:
        return f"issuer {_show(payload.get('iss'))} is not this realm's issuer {issuer}"
    if code == ErrorCode.BAD_SIGNATURE:
        return (
            f"the signature does not verify under key {_show(header.get('kid'))} of the "
            "JWKS: the token was altered after signing, or signed by another key"
        )
    if code == ErrorCode.WRONG_ALGORITHM:
        return f"alg {_show(header.get('alg'))} is not RS256, the only algorithm accepted"
    if code == ErrorCode.JWKS_FETCH_FAILED:
        return f"the issuer's keys could not be fetched, so nothing can be verified: {err.message}"
    return err.message
