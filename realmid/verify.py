"""Local verification of Realm ID access tokens (RS256 JWTs): :class:`Claims` and the verifier.

One sans-IO core (:meth:`Verifier.verify_cached`) does every check from the keys in hand and
answers either the verified :class:`Claims` or :class:`NeedKeys` ("fetch the JWKS, then
:meth:`~Verifier.resume`"). Two thin drivers run it: :class:`Verifier` (sync; a static key
set or a :class:`~realmid.jwks.JwksCache` on ``httpx.Client``) and :class:`AsyncVerifier`
(a :class:`~realmid.jwks.AsyncJwksCache` on ``httpx.AsyncClient``), which awaits only when
keys must be fetched or the revocation cache is an async one.

The checks, in order; each failure is a :class:`~realmid.errors.RealmError` with its code,
and no other exception escapes, whatever the input:

====================================================================  ==================
size cap (before any decoding)                                        ``malformed``
compact form: exactly three segments                                  ``malformed``
strict base64url: alphabet, no padding, canonical trailing bits       ``malformed``
header and payload: UTF-8 JSON objects, no duplicate member names     ``malformed``
``alg`` exactly ``RS256`` (there is no HMAC path at all)               ``wrong_algorithm``
``typ``, when present: ``JWT`` or ``at+jwt`` (any case)               ``malformed``
any ``crit`` header                                                   ``malformed``
``kid`` a string of 1..256 chars, used only as a dict key             ``malformed``
``kid`` unknown after the JWKS cache's refetch rules                  ``unknown_kid``
signature (before any claim: an expired forgery is a forgery)         ``bad_signature``
``iss`` equals the issuer exactly                                     ``wrong_issuer``
``aud`` (a string, or a list of strings) contains the audience        ``wrong_audience``
``azp``, when present and ``realm_id`` is known: that realm (or aud)  ``wrong_audience``
``exp`` (required), ``nbf``, ``iat`` (required): numbers in range     ``malformed``
``exp`` past, with leeway                                             ``expired``
``nbf`` or ``iat`` in the future, beyond leeway                       ``not_yet_valid``
``sub``, ``jti`` strings (``jti`` at most MAX_JTI_CHARS)            ``malformed``
``azp`` .. ``mfa_at`` of their types                                  ``malformed``
``jti`` in the revocation cache                                       ``TokenRevokedError``
revocation cache failing (fail closed)                                ``server_error``
====================================================================  ==================

``typ`` is compared case-insensitively (RFC 7515 §4.1.9 says media types are, and
RFC 8725 §3.11 names ``typ`` as the guard against cross-JWT confusion): ``JWT``,
``at+jwt`` (RFC 9068) and their ``application/`` forms pass; an ID token's or a logout
token's type, or a non-string, do not. Realm ID mints ``azp`` = the realm's id (the
authorized party); the audience is the partner's app. A verifier given ``realm_id=``
refuses a token whose ``azp`` names neither that realm nor the audience: a token minted
for another realm of the same issuer that happens to share the audience. Without
``realm_id`` (a bare verifier cannot know which realm is "this" one) or with
``check_azp=False`` (issuers that use ``azp`` otherwise), ``azp`` is only type-checked.

**The verified-token cache.** A token that passed every check above is remembered (a
bounded LRU, ``token_cache_size`` entries, default :data:`DEFAULT_TOKEN_CACHE_SIZE`; 0
turns it off), keyed by the whole token string, with the key object it verified under.
The next call with the same string skips decoding and RSA, but not the checks that can
change: the key source must still hand out that very key for the ``kid`` (a key rotated
out of the JWKS, or a refetched set, sends the token through the full path again),
``exp``/``nbf``/``iat`` are compared with the verifier's clock again (with the leeway),
and the call's audience must be among the token's ``aud``. The revocation cache is asked
on every call, hit or not. Refusals are never cached. Once the cache is full, a token is
admitted on its second sighting, so a flood of tokens each presented once neither flushes
the sessions' entries nor pays for evicting them. Tokens longer than
:data:`MAX_CACHED_TOKEN_CHARS` are verified but not remembered. Cached :class:`Claims` are
shared between calls, so they are deeply immutable: ``extra`` is a read-only mapping
whose nested JSON objects are read-only mappings and whose arrays are tuples.

``jku``, ``x5u``, ``x5c`` and ``jwk`` headers are never read: keys come from the configured
issuer's JWKS (or the static set) only. A revocation cache that cannot answer refuses the
request with ``server_error`` (``details["revocation_unavailable"]``) rather than
``unauthorized``: the token may be perfectly good, and a 5xx tells the client to retry
instead of throwing its session away.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import partial
from types import MappingProxyType
from typing import Any, TypeGuard

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256

from realmid import _telemetry
from realmid._inputs import MAX_JTI_CHARS, duration
from realmid._jose import (
    DEFAULT_MAX_TOKEN_BYTES,
    MAX_KID_CHARS,
    b64url_decode,
    split_compact,
    strict_json_object,
    unverified_claims,
)
from realmid.errors import BadRequestError, ErrorCode, RealmError, TokenRevokedError
from realmid.jwks import AsyncJwksCache, JwksCache, StaticJwks
from realmid.revocation import AsyncRevocationCache, RevocationCache

__all__ = [
    "DEFAULT_LEEWAY",
    "DEFAULT_MAX_TOKEN_BYTES",
    "DEFAULT_TOKEN_CACHE_SIZE",
    "MAX_CACHED_TOKEN_CHARS",
    "MAX_JTI_CHARS",
    "AsyncVerifier",
    "Claims",
    "NeedKeys",
    "Verifier",
    "unverified_claims",
]

DEFAULT_LEEWAY = 30.0
# Verified tokens remembered per verifier (see "The verified-token cache" above).
DEFAULT_TOKEN_CACHE_SIZE = 4096
# Longer tokens are verified but not remembered: the cache's memory stays bounded by
# size x (this + the claims it decodes to), whatever max_token_bytes allows.
MAX_CACHED_TOKEN_CHARS = 4096
_MAX_TOKEN_CACHE_SIZE = 1_000_000
# NumericDate bounds: 1970 .. 9999-12-31. Anything outside is a broken or hostile token, and
# the bound keeps arithmetic on attacker numbers (1e308, 10**4000) out of the picture.
MAX_NUMERIC_DATE = 253_402_300_799

_PKCS1 = padding.PKCS1v15()
_SHA256 = SHA256()
_HEADER_MEMO_MAX = 32
# Lowercased ``typ`` values an access token may carry (RFC 7519 §5.1, RFC 9068 §2.1).
_ACCESS_TOKEN_TYPES = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})
# RealmError codes that prove a token can never verify with the issuer's keys (is_genuine).
_FORGED = frozenset(
    {ErrorCode.MALFORMED, ErrorCode.WRONG_ALGORITHM, ErrorCode.BAD_SIGNATURE}
    | {ErrorCode.WRONG_ISSUER}
)

KeySource = StaticJwks | JwksCache | AsyncJwksCache


class ReadOnlyDict(dict[str, Any]):
    """A JSON object that refuses changes (``TypeError``): ``Claims.extra`` and the objects
    nested in it.

    A ``dict`` subclass, so ``json.dumps(claims.extra)``, ``isinstance(x, dict)`` and
    ``dict(claims.extra)`` work as with the decoded payload; only mutation is refused.
    """

    __slots__ = ()

    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise TypeError("Claims.extra is read-only; copy it (dict(claims.extra)) to change it")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __copy__(self) -> ReadOnlyDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> ReadOnlyDict:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyDict, (dict(self),))


def _frozen(value: Any) -> Any:
    """A JSON value made read-only: objects become :class:`ReadOnlyDict`, arrays tuples."""
    kind = type(value)
    if kind is dict or kind is MappingProxyType:
        return _frozen_mapping(value)
    if kind is ReadOnlyDict:
        return value
    if kind is list or kind is tuple:
        return tuple([_frozen(item) for item in value])
    return value


_CONTAINERS = (dict, list, tuple, ReadOnlyDict, MappingProxyType)


def _frozen_mapping(value: Mapping[str, Any]) -> ReadOnlyDict:
    if type(value) is ReadOnlyDict:
        return value  # read-only all the way down already
    # A private copy (the caller's dict can change without touching it), then only the
    # nested containers are replaced: claims are mostly strings and numbers, and this runs
    # once per verified token.
    frozen = ReadOnlyDict(value)
    for key, item in frozen.items():
        if type(item) in _CONTAINERS:
            dict.__setitem__(frozen, key, _frozen(item))
    return frozen


# Not slotted: the verifier builds each Claims by handing it its attribute dict whole
# (see _verified), a third of the cost of attrs' __init__ for a slotted class.
@attrs.frozen(kw_only=True, slots=False)
class Claims:
    """The verified payload of an access token (the reference's ``Claims``).

    Field names are the JSON claim names. ``aud`` is always a tuple: a token's ``aud`` may
    be a string or a list on the wire, and one shape is easier to use right (``"x" in aud``
    on a string is a substring test). Time claims are unix seconds; ``nbf`` and ``mfa_at``
    are 0 when absent. ``extra`` holds every claim the SDK does not model (``email``,
    ``sid``, a partner's custom claims), as decoded from the token but read-only: a
    :class:`ReadOnlyDict` (a ``dict``, so ``json.dumps`` takes it) over a private copy,
    nested objects read-only too and arrays tuples. The verifier shares one ``Claims``
    between the calls that present the same token, so nothing in it can be changed by one
    request under another's feet; take a copy (``dict(claims.extra)``) to build on it.

    >>> claims = Claims(iss="https://auth.realmid.dev", sub="u1", aud=("https://app",),
    ...                 iat=1, exp=2, jti="j1", extra={"groups": ["a"]})
    >>> claims.aud, claims.mfa_at, claims.extra["groups"]
    (('https://app',), 0, ('a',))
    >>> claims.extra["groups"] = []
    Traceback (most recent call last):
    ...
    TypeError: Claims.extra is read-only; copy it (dict(claims.extra)) to change it
    """

    iss: str
    sub: str
    aud: tuple[str, ...]
    iat: int
    nbf: int = 0
    exp: int
    jti: str
    azp: str = ""
    tenant_id: str = ""
    role: str = ""
    amr: tuple[str, ...] = ()
    acr: str = ""
    mfa_at: int = 0
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)


_new_object = object.__new__
_set_attribute = object.__setattr__


def _verified(fields: dict[str, Any]) -> Claims:
    """A :class:`Claims` from what ``_claims`` checked: every field, ``extra`` frozen.

    Skips ``__init__`` (a call per field through the frozen guard, and the converter).
    """
    claims = _new_object(Claims)
    _set_attribute(claims, "__dict__", fields)
    return claims


# One remembered verification: (claims, kid, the key object it verified under, exp +
# leeway, and the later of nbf and iat). A hit compares them with the clock exactly as the
# full path does (the same sums, with this verifier's fixed leeway).
_Entry = tuple[Claims, str, Any, float, float]


class _TokenCache:
    """A bounded LRU of verified tokens, safe under threads (one short lock per write).

    ``entries`` is read without the lock, on the hit path of :meth:`Verifier.verify_cached`:
    each OrderedDict operation is atomic under the GIL, and a concurrent put or drop can
    only make a reorder miss (an entry gone meanwhile).

    **Admission.** While there is room, every verified token is remembered. Once full,
    remembering one evicts another, so a token seen for the first time is not admitted:
    it leaves its hash, and is admitted when it comes back before ``size`` other tokens
    were refused (a session's next request). A flood of tokens each presented once (a
    scan, a burst of logins) then neither flushes the sessions' entries nor pays for an
    eviction per token. A refusal touches only the hash set: a token that is never
    admitted costs about what it costs with the cache off.
    """

    __slots__ = ("_lock", "_max", "_seen", "entries")

    def __init__(self, size: int) -> None:
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._max = size
        # Hashes of the tokens refused admission since the last reset (at most `size`). A
        # collision only admits a token early: every entry holds a fully verified token.
        self._seen: set[int] = set()

    def __repr__(self) -> str:  # never the tokens
        return f"_TokenCache(entries={len(self.entries)}, max={self._max})"

    def __len__(self) -> int:
        return len(self.entries)

    def admits(self, token: str) -> bool:
        """Whether to remember ``token`` now (see *Admission*). No lock: each set operation
        is atomic under the GIL, and a race can only admit or refuse one token early."""
        if len(self.entries) < self._max:
            return True
        key = hash(token)  # computed once per string: the lookup that missed did it
        seen = self._seen
        if key in seen:
            seen.discard(key)
            return True
        if len(seen) >= self._max:
            seen.clear()
        seen.add(key)
        return False

    def put(self, token: str, entry: _Entry) -> None:
        with self._lock:
            entries = self.entries
            entries[token] = entry  # another thread's verify of the same token: replaced
            if len(entries) > self._max:
                entries.popitem(last=False)

    def drop(self, token: str) -> None:
        with self._lock:
            self.entries.pop(token, None)


# A parsed, not yet verified token: (header segment, kid, payload, signing input, signature).
# A plain tuple: the hot path allocates nothing it does not need.
_Parsed = tuple[bytes, str, dict[str, Any], bytes, bytes]


@attrs.frozen
class NeedKeys:
    """What :meth:`Verifier.verify_cached` answers when the key for ``kid`` must be fetched.

    Drive it yourself with the cache the verifier was given::

        result = verifier.verify_cached(token)
        if isinstance(result, NeedKeys):
            await cache.refresh(result.generation)   # or cache.refresh(...) when sync
            result = verifier.resume(result)
    """

    kid: str
    generation: int  # the cache's generation when the miss was seen (single-flight key)
    # No repr, no eq: the parsed token holds the signature, which must not reach logs.
    _token: _Parsed = attrs.field(repr=False, eq=False, alias="token")
    _audience: str = attrs.field(repr=False, eq=False, alias="audience")
    # The token string, for the verified-token cache once resume() succeeds (or None).
    _raw: str | None = attrs.field(default=None, repr=False, eq=False, alias="raw")


# Stands for the is_revoked_locally of a revocation cache that has none (never called).
_NEEDS_IO: Any = object()


def _misanswered(answer: object) -> TypeError:
    """The error for an ``is_revoked_locally`` answer other than True, False or None."""
    if inspect.isawaitable(answer):
        close = getattr(answer, "close", None)
        if close is not None:
            close()  # not awaited: no "never awaited" warning either
        return TypeError("is_revoked_locally must not be async")
    return TypeError("is_revoked_locally must answer True, False or None")


def _malformed(message: str) -> RealmError:
    return RealmError(ErrorCode.MALFORMED, message)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_numeric_date(value: object) -> TypeGuard[int | float]:
    kind = type(value)  # not isinstance: bool is an int, and True is not a date
    return (kind is int or kind is float) and 0 <= value <= MAX_NUMERIC_DATE  # type: ignore[operator]


def _all_str(items: list[Any]) -> bool:
    # A loop, not all(<genexpr>): the lists here hold one or two items, and a generator
    # costs more than the loop.
    for item in items:  # noqa: SIM110
        if type(item) is not str:
            return False
    return True


def _non_empty(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise BadRequestError(f"{name} must be a non-empty string")
    return value


class _VerifierCore:
    """The sans-IO verifier: every check, from the keys in hand."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        source: KeySource,
        leeway: float | timedelta,
        clock: Callable[[], float] | None,
        revocation: Any,
        max_token_bytes: int,
        logger: logging.Logger | None,
        realm_id: str | None = None,
        check_azp: bool = True,
        token_cache_size: int = DEFAULT_TOKEN_CACHE_SIZE,
    ) -> None:
        self._issuer = _non_empty(issuer, "issuer")
        self._audience = _non_empty(audience, "audience")
        self._leeway = duration(leeway, "leeway")
        self._clock: Callable[[], float] = clock or time.time
        if isinstance(max_token_bytes, bool) or not isinstance(max_token_bytes, int):
            raise BadRequestError("max_token_bytes must be an integer")
        if max_token_bytes < 64:
            raise BadRequestError("max_token_bytes must be at least 64")
        if clock is not None and not callable(clock):
            raise BadRequestError("clock must be a function returning unix seconds (or None)")
        self._max_bytes = max_token_bytes
        if realm_id is not None:
            _non_empty(realm_id, "realm_id")
        if type(check_azp) is not bool:
            raise BadRequestError("check_azp must be a bool")
        # The azp a token must carry (when it carries one), or None: no azp check.
        self._realm_id = realm_id if check_azp else None
        self._source = source
        self._revocation = revocation
        # What verify_local asks: None (no revocation cache), the cache's
        # is_revoked_locally, or _NEEDS_IO for a cache that has no local answer at all.
        local = None if revocation is None else getattr(revocation, "is_revoked_locally", None)
        self._revoked_locally: Callable[[str], Any] | None = (
            local if revocation is None or callable(local) else _NEEDS_IO
        )
        _telemetry.load()  # now, so verify() tests metrics with no call (realmid._telemetry._mi)
        self._logger = logger or logging.getLogger("realmid")
        # Header segment -> kid, for headers that already passed every header check and
        # carried a good signature (so only issuer-made headers get in). The header of a
        # key's tokens is always the same bytes, so the hot path skips decoding it.
        self._header_memo: dict[bytes, str] = {}
        if (
            isinstance(token_cache_size, bool)
            or not isinstance(token_cache_size, int)
            or not 0 <= token_cache_size <= _MAX_TOKEN_CACHE_SIZE
        ):
            raise BadRequestError(
                f"token_cache_size must be an integer from 0 (off) to {_MAX_TOKEN_CACHE_SIZE}"
            )
        self._token_cache = _TokenCache(token_cache_size) if token_cache_size else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(issuer={self._issuer!r}, audience={self._audience!r})"

    @property
    def issuer(self) -> str:
        """The ``iss`` every token must carry."""
        return self._issuer

    @property
    def audience(self) -> str:
        """The default audience (a call's ``audience=`` overrides it)."""
        return self._audience

    @property
    def revocation(self) -> Any:
        """The revocation cache consulted after every other check, or None."""
        return self._revocation

    def verify_cached(self, token: str, audience: str | None = None) -> Claims | NeedKeys:
        """Every check but the revocation one, with no I/O: :class:`Claims`, or
        :class:`NeedKeys` when the key set must be fetched first.

        Raises :class:`~realmid.errors.RealmError` (only) when the token is refused.
        **Does not consult the revocation cache** (that may be I/O): :meth:`verify` does.
        """
        wanted = self._audience if audience is None else self._call_audience(audience)
        try:
            cache = self._token_cache
            if cache is not None and type(token) is str:
                entry = cache.entries.get(token)
                if entry is not None:
                    claims, kid, cached_key, expires, starts = entry
                    now = self._clock()
                    if now >= expires or now + self._leeway < starts:
                        cache.drop(token)  # the full path below says why
                    elif wanted in claims.aud:
                        # The key source's own rules decide (a key rotated out, a set past
                        # its expiry): only the very key the token verified under serves.
                        try:
                            current = self._source.lookup(kid)
                        except RealmError:
                            cache.drop(token)
                            raise
                        if current is cached_key:
                            try:  # noqa: SIM105 - contextlib.suppress costs a context manager per hit
                                cache.entries.move_to_end(token)
                            except KeyError:  # dropped meanwhile by another thread
                                pass
                            return claims
                        cache.drop(token)
            parsed = self._parse(token)
            source = self._source
            generation = source.generation  # read before the lookup: the single-flight key
            key = source.lookup(parsed[1])
            if key is None:
                raw = token if type(token) is str else None
                return NeedKeys(parsed[1], generation, token=parsed, audience=wanted, raw=raw)
            claims = self._finish(parsed, key, wanted)
            if cache is not None:
                self._remember(cache, token, claims, parsed, key)
            return claims
        except RealmError:
            raise
        except Exception as exc:
            # Safety net: a bug here must still be a refusal, never a crash or a pass.
            raise _malformed(f"token could not be processed ({type(exc).__name__})") from None

    def resume(self, need: NeedKeys) -> Claims:
        """Finish a verification after the fetch :class:`NeedKeys` asked for (or failed)."""
        try:
            key = self._source.lookup(need.kid, final=True)
            if key is None:  # a source that breaks the `final` promise: refuse, do not loop
                raise RealmError(ErrorCode.UNKNOWN_KID, f"no key with kid {_show(need.kid)}")
            claims = self._finish(need._token, key, need._audience)
            cache = self._token_cache
            if cache is not None and need._raw is not None:
                self._remember(cache, need._raw, claims, need._token, key)
            return claims
        except RealmError:
            raise
        except Exception as exc:
            raise _malformed(f"token could not be processed ({type(exc).__name__})") from None

    def verify_local(self, token: str, audience: str | None = None) -> Claims | None:
        """The whole verification, revocation included, when it can finish with no I/O:
        :class:`Claims`; None when it would need I/O; raises RealmError when refused.

        It finishes locally when the token is in the verified-token cache or its key is in
        hand, AND the revocation cache (if any) answers locally: it has
        ``is_revoked_locally(jti) -> bool | None`` and that returns a bool (None there
        means "cannot tell without I/O"). A cache without the method counts as needing
        I/O. :class:`~realmid.revocation.MemRevocationCache` always answers. None is the
        caller's cue to run the full ``verify`` (sync or awaited); nothing is fetched here.
        """
        local = self._revoked_locally
        if local is _NEEDS_IO:
            # Asked first: the caller's full verify would redo the checks (an RSA verify
            # when the token cache is off) for a cache that can never answer here.
            return None
        mi = _telemetry._mi  # metrics on? (no call, no clock unless they are)
        metered = mi is not None and mi._METER_PROVIDER is not None
        start = time.perf_counter() if metered else 0.0
        try:
            result = self.verify_cached(token, audience)
            if type(result) is not Claims:
                return None  # NeedKeys: the key set must be fetched first
            if local is not None:
                try:
                    revoked = local(result.jti)
                except Exception as exc:
                    raise self._revocation_failed(exc) from exc
                if revoked is not False:
                    if revoked is True:
                        raise TokenRevokedError()
                    if revoked is None:
                        return None  # the full verify that follows records it
                    raise self._revocation_failed(_misanswered(revoked))
        except RealmError as err:
            if metered:
                _telemetry.verify_done(start, str(err.code))
            raise
        if metered:
            _telemetry.verify_done(start, "ok")
        return result

    # -- the checks ------------------------------------------------------------------------

    def _remember(
        self,
        cache: _TokenCache,
        token: object,
        claims: Claims,
        parsed: _Parsed,
        key: rsa.RSAPublicKey,
    ) -> None:
        if type(token) is not str or len(token) > MAX_CACHED_TOKEN_CHARS:
            return
        if not cache.admits(token):
            return
        payload = parsed[2]
        # The same numbers _claims checked (validated NumericDates), not the int()ed ones.
        starts = max(payload.get("nbf", 0), payload["iat"])
        cache.put(token, (claims, parsed[1], key, payload["exp"] + self._leeway, starts))

    @staticmethod
    def _call_audience(audience: object) -> str:
        if not isinstance(audience, str) or not audience:
            raise BadRequestError("audience must be a non-empty string")
        return audience

    def _parse(self, token: object) -> _Parsed:
        try:
            raw, (header_segment, payload_segment, signature_segment) = split_compact(
                token, self._max_bytes
            )
        except ValueError as exc:
            raise _malformed(str(exc)) from None
        kid = self._header_memo.get(header_segment)
        header_bytes = b"" if kid is not None else b64url_decode(header_segment)
        payload_bytes = b64url_decode(payload_segment)
        signature = b64url_decode(signature_segment)
        if header_bytes is None or payload_bytes is None or signature is None:
            raise _malformed("not strict base64url (alphabet, padding, whitespace or bits)")
        header = None if kid is not None else strict_json_object(header_bytes)
        if kid is None and header is None:
            raise _malformed("header is not a JSON object (or has duplicate members)")
        payload = strict_json_object(payload_bytes)
        if payload is None:
            raise _malformed("payload is not a JSON object (or has duplicate members)")
        if header is not None:
            kid = self._check_header(header)
        assert kid is not None
        signing_input = raw[: len(header_segment) + 1 + len(payload_segment)]
        return header_segment, kid, payload, signing_input, signature

    @staticmethod
    def _check_header(header: dict[str, Any]) -> str:
        alg = header.get("alg")
        if alg != "RS256":
            # Exact match: "none" in any case, HS*/ES*/PS*, RS384... There is no HMAC path,
            # so a token "signed" with the public key as an HMAC secret has nowhere to go.
            raise RealmError(ErrorCode.WRONG_ALGORITHM, f"alg {_show(alg)} is not RS256")
        if "crit" in header:
            raise _malformed("crit header present (no extensions are understood)")
        if "typ" in header:  # present, even as null: it must say "an access token"
            typ = header["typ"]
            if type(typ) is not str or typ.lower() not in _ACCESS_TOKEN_TYPES:
                raise _malformed(f"typ {_show(typ)} is not JWT or at+jwt")
        kid = header.get("kid")
        if type(kid) is not str or not 0 < len(kid) <= MAX_KID_CHARS:
            raise _malformed(f"kid missing or not a string of 1-{MAX_KID_CHARS} chars")
        return kid

    def _finish(self, token: _Parsed, key: rsa.RSAPublicKey, audience: str) -> Claims:
        header_segment, kid, payload, signing_input, signature = token
        try:
            key.verify(signature, signing_input, _PKCS1, _SHA256)
        except InvalidSignature:
            raise RealmError(ErrorCode.BAD_SIGNATURE, "signature does not verify") from None
        except Exception as exc:  # e.g. a signature of the wrong length on some backends
            raise RealmError(
                ErrorCode.BAD_SIGNATURE, f"signature does not verify ({type(exc).__name__})"
            ) from None
        memo = self._header_memo
        if header_segment not in memo:
            if len(memo) >= _HEADER_MEMO_MAX:
                self._header_memo = memo = {}  # a new dict, never a cleared shared one
            memo[header_segment] = kid
        return self._claims(payload, audience)

    def _claims(self, payload: dict[str, Any], audience: str) -> Claims:
        # The modelled claims are taken out of a copy as they are checked: what is left is
        # `extra`, with no second pass over the payload (this runs once per fresh token).
        extra = ReadOnlyDict(payload)
        take = partial(dict.pop, extra)
        if take("iss", None) != self._issuer:  # equality with a str: never a list or number
            iss = payload.get("iss")
            raise RealmError(ErrorCode.WRONG_ISSUER, f"iss {_show(iss)} is not the issuer")
        aud = take("aud", None)
        if type(aud) is str and aud == audience:
            auds: tuple[str, ...] = (aud,)
        elif type(aud) is list and audience in aud and _all_str(aud):
            auds = tuple(aud)
        else:
            raise RealmError(
                ErrorCode.WRONG_AUDIENCE, f"aud {_show(aud)} does not name {audience!r}"
            )

        exp, iat, nbf = take("exp", None), take("iat", None), take("nbf", 0)
        if not _is_numeric_date(exp):
            raise _malformed(f"exp {_show(exp)} is not a NumericDate")
        if not _is_numeric_date(iat):
            raise _malformed(f"iat {_show(iat)} is not a NumericDate")
        if not _is_numeric_date(nbf):
            raise _malformed(f"nbf {_show(nbf)} is not a NumericDate")
        now = self._clock()
        leeway = self._leeway
        if now >= exp + leeway:
            raise RealmError(ErrorCode.EXPIRED, f"token expired at {exp} (leeway {leeway:g}s)")
        if now + leeway < nbf:
            raise RealmError(ErrorCode.NOT_YET_VALID, f"token not valid before {nbf}")
        if now + leeway < iat:
            raise RealmError(ErrorCode.NOT_YET_VALID, f"token issued in the future ({iat})")

        sub, jti = take("sub", None), take("jti", None)
        if type(sub) is not str or not sub or type(jti) is not str or not jti:
            raise _malformed("sub or jti missing or not a non-empty string")
        if len(jti) > MAX_JTI_CHARS:  # longer could never be revoked: refuse it outright
            raise _malformed(f"jti longer than {MAX_JTI_CHARS} chars")
        azp, tenant_id, role = take("azp", ""), take("tenant_id", ""), take("role", "")
        acr, amr, mfa_at = take("acr", ""), take("amr", ()), take("mfa_at", 0)
        if type(azp) is not str or type(tenant_id) is not str or type(role) is not str:
            raise _malformed("azp, tenant_id and role must be strings")
        realm_id = self._realm_id
        if azp and realm_id is not None and azp != realm_id and azp not in auds:
            raise RealmError(
                ErrorCode.WRONG_AUDIENCE, f"azp {_show(azp)} names another realm, not {realm_id!r}"
            )
        if type(acr) is not str:
            raise _malformed("acr must be a string")
        if amr != ():
            if type(amr) is not list or not _all_str(amr):
                raise _malformed("amr must be a list of strings")
            amr = tuple(amr)
        if not _is_numeric_date(mfa_at):
            raise _malformed(f"mfa_at {_show(mfa_at)} is not a NumericDate")
        for name, value in extra.items():
            if type(value) in _CONTAINERS:
                dict.__setitem__(extra, name, _frozen(value))

        return _verified(
            {
                "iss": self._issuer,
                "sub": sub,
                "aud": auds,
                "iat": iat if type(iat) is int else int(iat),
                "nbf": nbf if type(nbf) is int else int(nbf),
                "exp": exp if type(exp) is int else int(exp),
                "jti": jti,
                "azp": azp,
                "tenant_id": tenant_id,
                "role": role,
                "amr": amr,
                "acr": acr,
                "mfa_at": mfa_at if type(mfa_at) is int else int(mfa_at),
                "extra": extra,
            }
        )

    # -- signature proof (realm.tokens.mark_revoked) --------------------------------------

    def _signed(self, token: object) -> NeedKeys | None:
        """None when the issuer's key signs ``token`` (and ``iss`` is the issuer); NeedKeys to
        fetch first; RealmError when refused. Audience and times are not checked."""
        parsed = self._parse(token)
        source = self._source
        generation = source.generation
        key = source.lookup(parsed[1])
        if key is None:
            return NeedKeys(parsed[1], generation, token=parsed, audience=self._audience)
        self._check_signed(parsed, key)
        return None

    def _resume_signed(self, need: NeedKeys) -> None:
        key = self._source.lookup(need.kid, final=True)
        if key is None:
            raise RealmError(ErrorCode.UNKNOWN_KID, f"no key with kid {_show(need.kid)}")
        self._check_signed(need._token, key)

    @staticmethod
    def _check_signed(token: _Parsed, key: rsa.RSAPublicKey) -> None:
        try:
            key.verify(token[4], token[3], _PKCS1, _SHA256)
        except Exception:
            raise RealmError(ErrorCode.BAD_SIGNATURE, "signature does not verify") from None

    def _genuine_answer(self, token: object, exc: BaseException | None) -> bool | None:
        if exc is None:
            payload = unverified_claims(token, self._max_bytes)
            return payload is not None and payload.get("iss") == self._issuer
        if isinstance(exc, RealmError) and exc.code in _FORGED:
            return False
        return None  # unknown kid (keys unreachable or rotated), or a bug: cannot tell

    # -- revocation (the drivers call these) --------------------------------------------------

    def _revocation_failed(self, exc: Exception) -> RealmError:
        if isinstance(exc, RealmError):
            return exc
        self._logger.warning(
            "realmid: revocation check failed (%s); refusing the token", type(exc).__name__
        )
        return RealmError(
            ErrorCode.SERVER_ERROR,
            f"revocation check failed ({type(exc).__name__}); refusing the token",
            details={"revocation_unavailable": True},
            cause=exc,
        )

    def _check_revoked(self, claims: Claims) -> None:
        try:
            revoked = self._revocation.is_revoked(claims.jti)
        except Exception as exc:
            raise self._revocation_failed(exc) from exc
        if revoked:
            raise TokenRevokedError()


def _source(
    jwks: Mapping[str, Any] | str | bytes | None,
    jwks_cache: KeySource | None,
    allowed: tuple[type, ...],
    cls: str,
) -> KeySource:
    if (jwks is None) == (jwks_cache is None):
        raise BadRequestError(f"{cls} needs exactly one of jwks= (a static set) or jwks_cache=")
    if jwks is not None:
        return StaticJwks(jwks)
    if not isinstance(jwks_cache, allowed):
        names = " or ".join(t.__name__ for t in allowed)
        raise BadRequestError(
            f"{cls} takes a {names} as jwks_cache, not {type(jwks_cache).__name__}"
        )
    assert jwks_cache is not None
    return jwks_cache


def _is_async_cache(revocation: object) -> bool:
    if revocation is None:
        return False
    is_revoked = getattr(revocation, "is_revoked", None)
    if not callable(is_revoked):
        raise BadRequestError("revocation must have is_revoked(jti) and revoke(jti, expires_at)")
    return inspect.iscoroutinefunction(is_revoked)


class Verifier(_VerifierCore):
    """Verify Realm ID access tokens, synchronously.

    Offline, from a key set you hold (no network at all)::

        verifier = Verifier(issuer="https://auth.realmid.dev", audience="https://app.example",
                            jwks={"keys": [...]})
        claims = verifier.verify(token)          # Claims, or raises RealmError

    Online, from the issuer's JWKS (fetched on first use, cached, refreshed by its rules)::

        cache = JwksCache(jwks_url(issuer), httpx.Client())
        verifier = Verifier(issuer, audience, jwks_cache=cache,
                            revocation=MemRevocationCache())

    ``verify`` is a plain function call whenever the token's ``kid`` is known; only a miss
    fetches (single-flight, within the cache's rules). Thread-safe.

    ``realm_id``: your realm's id, the ``azp`` Realm ID mints. When given, a token whose
    ``azp`` names anything else than that realm or the audience is refused
    (``wrong_audience``); ``check_azp=False`` turns that off for issuers that use ``azp``
    otherwise. :meth:`is_genuine` checks only that the issuer signed a token (for
    ``realm.tokens.mark_revoked``).

    ``token_cache_size``: how many verified tokens to remember (default 4096; 0 = off).
    A repeated token then costs no RSA, while its key, times, audience and revocation are
    still checked on every call (see the module docstring). :meth:`verify_local` runs the
    whole check when it needs no I/O and answers None when it would.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        jwks: Mapping[str, Any] | str | bytes | None = None,
        jwks_cache: JwksCache | None = None,
        leeway: float | timedelta = DEFAULT_LEEWAY,
        clock: Callable[[], float] | None = None,
        revocation: RevocationCache | None = None,
        max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
        logger: logging.Logger | None = None,
        realm_id: str | None = None,
        check_azp: bool = True,
        token_cache_size: int = DEFAULT_TOKEN_CACHE_SIZE,
    ) -> None:
        source = _source(jwks, jwks_cache, (JwksCache,), "Verifier")
        if _is_async_cache(revocation):
            raise BadRequestError("Verifier needs a sync revocation cache; use AsyncVerifier")
        super().__init__(
            issuer,
            audience,
            source=source,
            leeway=leeway,
            clock=clock,
            revocation=revocation,
            max_token_bytes=max_token_bytes,
            logger=logger,
            realm_id=realm_id,
            check_azp=check_azp,
            token_cache_size=token_cache_size,
        )
        self._cache = jwks_cache

    def verify(self, token: str, audience: str | None = None) -> Claims:
        """Verify ``token`` and return its :class:`Claims`; raise RealmError when refused.

        ``audience`` overrides the verifier's default for this call.
        """
        mi = _telemetry._mi  # metrics on? (no call, no clock unless they are)
        start = None if mi is None or mi._METER_PROVIDER is None else time.perf_counter()
        try:
            result = self.verify_cached(token, audience)
            if type(result) is NeedKeys:
                assert self._cache is not None  # a static set never asks for keys
                with _telemetry.verify_span():  # only a verify that does I/O gets a span
                    self._cache.refresh(result.generation)
                    result = self.resume(result)
            assert type(result) is Claims
            if self._revocation is not None:
                self._check_revoked(result)
        except RealmError as err:
            if start is not None:
                _telemetry.verify_done(start, str(err.code))
            raise
        if start is not None:
            _telemetry.verify_done(start, "ok")
        return result

    def is_genuine(self, token: object) -> bool | None:
        """Whether the issuer signed ``token`` (signature and ``iss`` only; not audience,
        times or revocation): True, False (it can never verify: forged, malformed, another
        issuer), or None when it cannot be told (the ``kid`` is unknown even after a
        fetch). ``realm.tokens.mark_revoked`` asks this. Never raises."""
        try:
            need = self._signed(token)
            if need is not None:
                assert self._cache is not None
                self._cache.refresh(need.generation)
                self._resume_signed(need)
        except Exception as exc:
            return self._genuine_answer(token, exc)
        return self._genuine_answer(token, None)


class AsyncVerifier(_VerifierCore):
    """:class:`Verifier` for asyncio, over an :class:`~realmid.jwks.AsyncJwksCache`.

    ``await verifier.verify(token)`` suspends only to fetch keys (a miss) or to ask an async
    revocation cache; with known keys and a :class:`~realmid.revocation.MemRevocationCache`
    it runs straight through::

        cache = AsyncJwksCache(jwks_url(issuer), httpx.AsyncClient())
        verifier = AsyncVerifier(issuer, audience, jwks_cache=cache)
        claims = await verifier.verify(token)

    Same options as :class:`Verifier` (``realm_id``, ``check_azp``, ...).
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        jwks: Mapping[str, Any] | str | bytes | None = None,
        jwks_cache: AsyncJwksCache | None = None,
        leeway: float | timedelta = DEFAULT_LEEWAY,
        clock: Callable[[], float] | None = None,
        revocation: RevocationCache | AsyncRevocationCache | None = None,
        max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
        logger: logging.Logger | None = None,
        realm_id: str | None = None,
        check_azp: bool = True,
        token_cache_size: int = DEFAULT_TOKEN_CACHE_SIZE,
    ) -> None:
        source = _source(jwks, jwks_cache, (AsyncJwksCache,), "AsyncVerifier")
        super().__init__(
            issuer,
            audience,
            source=source,
            leeway=leeway,
            clock=clock,
            revocation=revocation,
            max_token_bytes=max_token_bytes,
            logger=logger,
            realm_id=realm_id,
            check_azp=check_azp,
            token_cache_size=token_cache_size,
        )
        self._cache = jwks_cache
        self._revocation_is_async = _is_async_cache(revocation)

    async def verify(self, token: str, audience: str | None = None) -> Claims:
        """Verify ``token`` and return its :class:`Claims`; raise RealmError when refused."""
        mi = _telemetry._mi  # metrics on? (no call, no clock unless they are)
        start = None if mi is None or mi._METER_PROVIDER is None else time.perf_counter()
        try:
            result = self.verify_cached(token, audience)
            if type(result) is NeedKeys:
                assert self._cache is not None
                with _telemetry.verify_span():  # only a verify that does I/O gets a span
                    await self._cache.refresh(result.generation)
                    result = self.resume(result)
            assert type(result) is Claims
            if self._revocation is not None:
                if self._revocation_is_async:
                    await self._check_revoked_async(result)
                else:
                    self._check_revoked(result)
        except RealmError as err:
            if start is not None:
                _telemetry.verify_done(start, str(err.code))
            raise
        if start is not None:
            _telemetry.verify_done(start, "ok")
        return result

    async def is_genuine(self, token: object) -> bool | None:
        """:meth:`Verifier.is_genuine`, fetching keys asynchronously. Never raises."""
        try:
            need = self._signed(token)
            if need is not None:
                assert self._cache is not None
                await self._cache.refresh(need.generation)
                self._resume_signed(need)
        except Exception as exc:
            return self._genuine_answer(token, exc)
        return self._genuine_answer(token, None)

    async def _check_revoked_async(self, claims: Claims) -> None:
        try:
            revoked = await self._revocation.is_revoked(claims.jti)
        except Exception as exc:
            raise self._revocation_failed(exc) from exc
        if revoked:
            raise TokenRevokedError()
