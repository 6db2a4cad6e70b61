"""The issuer's signing keys: JWKS parsing and the JWKS cache, one implementation for
``httpx.Client`` (:class:`JwksCache`) and ``httpx.AsyncClient`` (:class:`AsyncJwksCache`).

The cache keeps ready ``RSAPublicKey`` objects in a dict keyed by ``kid``. Looking a key up
is a dict read with no lock and no I/O; a fetch *replaces* the dict (one reference swap,
never an in-place edit), so a reader always sees one whole, consistent key set.

When keys must be fetched, the decision and the bookkeeping are made here, sans-IO
(:class:`_JwksCore`); the two drivers only move bytes: a thread lock and ``client.stream``
for the sync face, an ``asyncio.Lock`` and ``await`` for the async one. The lock is what
makes fetches single-flight: callers that need keys at the same moment wait for one fetch
and all use its result.

Rules (each a constructor knob with a safe default):

- TTL from ``Cache-Control: max-age`` (minus ``Age``), clamped to ``[min_ttl, max_ttl]``;
  ``default_ttl`` when the header says nothing usable.
- A refresh falls due ``refresh_ahead`` seconds before the set expires (at most a quarter
  of its TTL): known kids keep verifying against the still-valid set while one refresh runs
  in the background (stale-while-revalidate); only a kid the set lacks waits for a fetch.
  Past its expiry the set is not used until a fetch answers (a removed key stops at once),
  except while the endpoint is failing (below). A background refresh's failure is logged
  and recorded, never raised into a verify.
- An unknown ``kid`` triggers at most one refetch per ``refetch_cooldown``; a kid a fresh
  fetch proved absent is remembered (bounded) until the cooldown lets the next refetch
  through (``negative_ttl`` caps that), so a kid published just after a fetch is found on
  the first probe after the cooldown.
- A fetch has ONE total deadline, ``timeout``: connect, headers, body, and any retries of
  the client's transport, together; its body is capped at ``max_bytes`` while it is read.
- When the endpoint fails, the last good set keeps serving the kids it knows for up to
  ``max_stale`` past its expiry; an unknown kid then gets ``jwks_fetch_failed``, as does
  everything when there is no good set at all.
- Keys that are not RS256 signature keys are dropped one by one; a document that is not a
  JWKS, or that names one ``kid`` twice, is refused whole (the last good set stays).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import threading
import time
import zlib
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, ClassVar, Generic, TypeVar

import attrs
import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from realmid import _telemetry
from realmid._faces import AsyncLock
from realmid._http import BODY_LIMITS
from realmid._inputs import duration
from realmid._jose import MAX_KID_CHARS, b64url_strict, strict_json_object
from realmid.errors import BadRequestError, ErrorCode, RealmError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "AsyncJwksCache",
    "JwksCache",
    "JwksStats",
    "StaticJwks",
    "jwks_url",
    "parse_jwks",
]

DEFAULT_MAX_BYTES = 256 * 1024
MIN_RSA_BITS = 2048
# Verification cost grows with the modulus: a published 64k-bit key would make every
# verify a small DoS. 8192 bits is far beyond any issuer's practice.
MAX_RSA_BITS = 8192
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth")

logger = logging.getLogger("realmid")


def jwks_url(issuer: str) -> str:
    """The JWKS address of an issuer (its base URL): ``<issuer>/.well-known/jwks.json``.

    >>> jwks_url("https://auth.realmid.dev/")
    'https://auth.realmid.dev/.well-known/jwks.json'
    """
    # The path is the contract's (the generated ``get_jwks`` operation), not a copy of it.
    # Imported here, not at the top: a handle computes this URL when it is constructed, and
    # constructing one loads no generated operation module (tests/test_lazy_imports.py).
    from realmid_api.api.realm import get_jwks

    path: str = get_jwks.request_kwargs()["url"]
    return issuer.rstrip("/") + path


# ------------------------------------------------------------------------ key parsing


def _b64_uint(value: object) -> int | None:
    raw = b64url_strict(value)
    if not raw:
        return None
    return int.from_bytes(raw, "big")


def _show(value: object) -> str:
    # Key documents are remote input: quote their values in logs, bounded.
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _jwk_problem(jwk: Mapping[str, Any]) -> str | None:
    """Why this JWK cannot verify RS256 tokens, or None when it can."""
    if jwk.get("kty") != "RSA":
        return f"kty {_show(jwk.get('kty'))} is not RSA"
    present_private = [name for name in _PRIVATE_MEMBERS if name in jwk]
    if present_private:
        return f"carries private key members {present_private}"
    use = jwk.get("use")
    if use is not None and use != "sig":
        return f"use {_show(use)} is not 'sig'"
    if "key_ops" in jwk:
        ops = jwk["key_ops"]
        if not isinstance(ops, list) or "verify" not in ops:
            return "key_ops does not allow 'verify'"
    alg = jwk.get("alg")
    if alg is not None and alg != "RS256":
        return f"alg {_show(alg)} is not RS256"
    return None


def _rsa_key(jwk: Mapping[str, Any]) -> rsa.RSAPublicKey | str:
    n, e = _b64_uint(jwk.get("n")), _b64_uint(jwk.get("e"))
    if n is None or e is None:
        return "n or e is not strict base64url"
    if n.bit_length() < MIN_RSA_BITS:
        return f"modulus is {n.bit_length()} bits (< {MIN_RSA_BITS})"
    if n.bit_length() > MAX_RSA_BITS:
        return f"modulus is {n.bit_length()} bits (> {MAX_RSA_BITS})"
    if e < 3 or e % 2 == 0 or e.bit_length() > 64:
        return "public exponent is not a sane odd number"
    try:
        return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as err:
        return f"not a valid RSA public key ({err})"


class JwksRefused(ValueError):
    """The whole document was refused (not a JWKS, or a ``kid`` named twice)."""


def parse_jwks(document: object) -> tuple[dict[str, rsa.RSAPublicKey], list[str]]:
    """Parse a JWKS into ``{kid: RSAPublicKey}`` plus the reasons keys were dropped.

    Raises :class:`JwksRefused` for a document that is not ``{"keys": [...]}`` or that names
    one ``kid`` twice. Two keys under one kid would make "the key for this token" depend on
    which one a parser keeps: a misconfigured or tampered set, so it is refused whole rather
    than guessed at, and the cache keeps serving its last good set.

    >>> keys, dropped = parse_jwks({"keys": [{"kty": "EC", "kid": "e1"}]})
    >>> keys, dropped
    ({}, ["kid 'e1': kty 'EC' is not RSA"])
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise JwksRefused("not a JWKS: no 'keys' array")
    entries: list[Any] = document["keys"]
    seen: set[str] = set()
    for entry in entries:
        kid = entry.get("kid") if isinstance(entry, Mapping) else None
        if isinstance(kid, str):
            if kid in seen:
                raise JwksRefused(f"kid {_show(kid)} appears more than once")
            seen.add(kid)
    keys: dict[str, rsa.RSAPublicKey] = {}
    dropped: list[str] = []
    for index, jwk in enumerate(entries):
        if not isinstance(jwk, Mapping):
            dropped.append(f"keys[{index}]: not an object")
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_CHARS:
            dropped.append(f"keys[{index}]: kid missing or not a string of 1-{MAX_KID_CHARS}")
            continue
        problem = _jwk_problem(jwk)
        built = _rsa_key(jwk) if problem is None else problem
        if isinstance(built, str):
            dropped.append(f"kid {_show(kid)}: {built}")
            continue
        keys[kid] = built
    return keys, dropped


# ------------------------------------------------------------------------- key sources


class StaticJwks:
    """A fixed key set for offline verification: parsed once, never fetched.

    >>> StaticJwks({"keys": []}).kids
    frozenset()
    """

    def __init__(self, jwks: Mapping[str, Any] | str | bytes) -> None:
        document: object = jwks
        if isinstance(jwks, str | bytes):
            # surrogatepass: a lone surrogate reaches the strict parser (and is refused
            # there, as a JWKS) instead of escaping as a bare UnicodeEncodeError.
            data = jwks.encode("utf-8", "surrogatepass") if isinstance(jwks, str) else jwks
            document = strict_json_object(data)
        try:
            keys, dropped = parse_jwks(document)
        except JwksRefused as err:
            # A caller's argument, refused before any use: the SDK's input error.
            raise BadRequestError(f"jwks refused: {err}") from None
        for reason in dropped:
            logger.warning("realmid: JWKS key dropped: %s", reason)
        self._keys = keys

    def __repr__(self) -> str:
        return f"StaticJwks(kids={sorted(self._keys)!r})"

    @property
    def kids(self) -> frozenset[str]:
        """The usable kids."""
        return frozenset(self._keys)

    @property
    def generation(self) -> int:
        """Always 0: a static set never changes."""
        return 0

    def lookup(self, kid: str, final: bool = False) -> rsa.RSAPublicKey | None:
        """The key for ``kid``; raises ``unknown_kid`` (a static set has nothing to fetch)."""
        key = self._keys.get(kid)
        if key is None:
            raise RealmError(ErrorCode.UNKNOWN_KID, f"no key with kid {_show(kid)}")
        return key


@attrs.frozen
class _KeySet:
    keys: Mapping[str, rsa.RSAPublicKey]
    refresh_at: float  # on the cache's monotonic clock: a background refresh falls due
    expires_at: float
    stale_until: float  # known kids keep verifying until then when refreshes fail


@attrs.define
class JwksStats:
    """Counters for observability and tests."""

    fetches: int = 0  # attempts, successful or not
    failures: int = 0
    refused_documents: int = 0


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequestError(f"{name} must be an integer")
    return max(1, value)


def _ttl_from_headers(
    headers: httpx.Headers, default: float, low: float, high: float
) -> tuple[float, bool]:
    """Seconds to keep the set, and whether the header gave them (for logs)."""
    max_age: float | None = None
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-store", "no-cache"):
            max_age = 0.0
            break
        if name == "max-age":
            value = value.strip().strip('"')
            if value.isdigit() and len(value) <= 12:
                max_age = float(value)
    if max_age is None:
        return default, False
    age = headers.get("age", "").strip()
    if age.isdigit() and len(age) <= 12:
        max_age -= float(age)  # a shared cache already kept it this long
    return min(max(max_age, low), high), True


class _BodyReader:
    """Accumulate a response body up to ``limit`` decoded bytes, within a deadline."""

    def __init__(self, encoding: str, limit: int, deadline: float) -> None:
        self._limit = limit
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self._size = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._inflate: Any = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflate = zlib.decompressobj()
        else:
            raise _FetchFailed(f"unsupported Content-Encoding {encoding[:32]!r}")

    def feed(self, chunk: bytes) -> None:
        if time.monotonic() > self._deadline:
            raise _FetchFailed("response too slow")
        if self._inflate is not None:
            # Bounded inflation: a small compressed body cannot expand past the limit.
            room = self._limit - self._size + 1
            chunk = self._inflate.decompress(chunk, room)
            if self._inflate.unconsumed_tail:
                raise _FetchFailed(f"document larger than {self._limit} bytes")
        self._size += len(chunk)
        if self._size > self._limit:
            raise _FetchFailed(f"document larger than {self._limit} bytes")
        self._chunks.append(chunk)

    def body(self) -> bytes:
        if self._inflate is not None:
            self.feed_tail(self._inflate.flush(self._limit - self._size + 1))
        return b"".join(self._chunks)

    def feed_tail(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise _FetchFailed(f"document larger than {self._limit} bytes")
        self._chunks.append(data)


class _FetchFailed(Exception):
    pass


ClientT = TypeVar("ClientT", httpx.Client, httpx.AsyncClient)


class _JwksCore(Generic[ClientT]):
    """Everything of the cache but the I/O: lookups, when to fetch, what a fetch means.

    Knobs (seconds unless said): ``min_ttl``/``max_ttl`` clamp ``Cache-Control: max-age``,
    ``default_ttl`` applies when it is absent; ``max_stale`` is how long past expiry known
    kids keep verifying while refreshes fail; ``refetch_cooldown`` spaces refetches caused
    by unknown kids; ``failure_backoff`` spaces retries after a failed fetch;
    ``negative_ttl``/``max_negative`` bound the memory of kids proved absent (an entry lasts
    at most ``refetch_cooldown``); ``max_bytes`` caps the document (raw and decoded);
    ``timeout`` is the one total deadline of a fetch, retries included; ``refresh_ahead``
    is how long before expiry a background refresh falls due (at most a quarter of the
    TTL); ``clock`` is a monotonic clock (tests inject one).
    """

    _client_type: ClassVar[type]

    def __init__(
        self,
        url: str,
        client: ClientT,
        *,
        min_ttl: float = 60.0,
        max_ttl: float = 86_400.0,
        default_ttl: float = 300.0,
        max_stale: float = 3_600.0,
        refetch_cooldown: float = 30.0,
        failure_backoff: float = 10.0,
        negative_ttl: float = 300.0,
        max_negative: int = 1024,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 5.0,
        refresh_ahead: float = 30.0,
        clock: Callable[[], float] | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        if not isinstance(client, self._client_type):
            raise BadRequestError(
                f"{type(self).__name__} needs an {self._client_type.__module__}."
                f"{self._client_type.__name__}, not {type(client).__name__}"
            )
        self._client: ClientT = client
        try:
            parsed = httpx.URL(url) if isinstance(url, str) else None
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            # The URL itself is not echoed: it may carry credentials or a signed query.
            raise BadRequestError("JWKS url must be an absolute http(s) URL")
        self.url = str(parsed)
        self._min_ttl = duration(min_ttl, "min_ttl")
        self._max_ttl = duration(max_ttl, "max_ttl")
        if self._min_ttl > self._max_ttl:
            raise BadRequestError("min_ttl must not exceed max_ttl")
        self._default_ttl = min(max(duration(default_ttl, "default_ttl"), min_ttl), max_ttl)
        self._max_stale = duration(max_stale, "max_stale")
        self._cooldown = duration(refetch_cooldown, "refetch_cooldown")
        self._backoff = duration(failure_backoff, "failure_backoff")
        self._negative_ttl = duration(negative_ttl, "negative_ttl")
        self._max_negative = _count("max_negative", max_negative)
        self._max_bytes = _count("max_bytes", max_bytes)
        self._timeout = duration(timeout, "timeout") or 5.0
        self._refresh_ahead = duration(refresh_ahead, "refresh_ahead")
        self._clock: Callable[[], float] = clock or time.monotonic
        self._logger = logger or logging.getLogger("realmid")

        self._set: _KeySet | None = None  # replaced whole, never edited
        self._generation = 0  # +1 per finished fetch attempt
        self._last_attempt = -math.inf
        self._last_failed = False
        self._last_error = "no fetch yet"
        self._stale_warned_generation = -1
        self._negative: dict[str, float] = {}  # kid -> until when a fetch proved it absent
        self._state = threading.Lock()  # guards the negative cache and the fetch bookkeeping
        self._background = False  # a background refresh is scheduled or running
        self.stats = JwksStats()
        self._init_driver()

    def _init_driver(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        kids = sorted(self._set.keys) if self._set is not None else None
        return f"{type(self).__name__}(url={self.url!r}, kids={kids!r})"

    # -- lookups (no I/O) ------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Finished fetch attempts so far; :meth:`refresh` skips a fetch when it moved on."""
        return self._generation

    @property
    def kids(self) -> frozenset[str]:
        """The kids of the current set (empty before the first successful fetch)."""
        current = self._set
        return frozenset(current.keys) if current is not None else frozenset()

    def lookup(self, kid: str, final: bool = False) -> rsa.RSAPublicKey | None:
        """The ready key for ``kid``; None when a fetch should come first.

        Raises ``unknown_kid`` / ``jwks_fetch_failed`` when the answer is known without one.
        With ``final`` (after a fetch), never returns None: the answer is what we have.
        """
        current = self._set
        if current is not None:
            key = current.keys.get(kid)
            if key is not None and self._clock() < current.refresh_at:
                return key  # the hot path: one dict read, one clock read
        return self._slow_lookup(kid, final)

    def _slow_lookup(self, kid: str, final: bool) -> rsa.RSAPublicKey | None:
        now = self._clock()
        current = self._set
        with self._state:
            may_refresh = not final and now >= self._last_attempt + self._backoff_now()
            if current is None:
                if may_refresh:
                    return None
                raise self._fetch_failed("no signing keys available")
            expired = now >= current.expires_at
            key = current.keys.get(kid)
            if key is not None:  # known kid, refresh due
                if not expired:
                    # Still valid: serve it while one refresh runs in the background.
                    if may_refresh:
                        self._schedule_background()
                    return key
                if self._last_failed and now < current.stale_until:
                    # The endpoint is failing: the last good set serves, and the next
                    # attempt (after the backoff) runs in the background too.
                    if may_refresh:
                        self._schedule_background()
                    self._warn_stale()
                    return key
                if may_refresh:
                    return None  # expired with no failure: the answer waits for the fetch
                raise self._fetch_failed("signing keys expired and could not be refreshed")
            if expired and may_refresh:
                return None
            if self._last_failed:
                # The last fetch failed: whether this kid exists cannot be told.
                raise self._fetch_failed(f"kid {_show(kid)} unknown and the key set is unavailable")
            negative = self._negative.get(kid)
            if negative is not None and negative <= now:
                del self._negative[kid]
                negative = None
            if not final and negative is None and now >= self._last_attempt + self._cooldown:
                return None
            if final:
                # A fetch that finished after this kid was asked for did not have it.
                self._remember_unknown(kid, now)
            raise RealmError(ErrorCode.UNKNOWN_KID, f"no key with kid {_show(kid)}")

    def _schedule_background(self) -> None:
        """Start one background refresh unless one is on its way (caller holds _state)."""
        if self._background:
            return
        self._background = True
        try:
            started = self._spawn(self._generation)
        except Exception as exc:  # e.g. no thread could be started: the set still serves
            started = False
            self._logger.warning(
                "realmid: JWKS background refresh not started: %s", type(exc).__name__
            )
        if not started:
            self._background = False

    def _background_done(self) -> None:
        with self._state:
            self._background = False

    def _spawn(self, generation: int) -> bool:
        raise NotImplementedError

    def _backoff_now(self) -> float:
        return self._backoff if self._last_failed else 0.0

    def _remember_unknown(self, kid: str, now: float) -> None:
        negative = self._negative
        if kid not in negative and len(negative) >= self._max_negative:
            del negative[next(iter(negative))]  # oldest first; small dict, bounded
        # Until the cooldown lets the next refetch through, no longer: a kid published just
        # after this fetch (a rotation race) is found on the first probe after the cooldown.
        negative[kid] = now + min(self._negative_ttl, self._cooldown)

    def _fetch_failed(self, message: str) -> RealmError:
        return RealmError(
            ErrorCode.JWKS_FETCH_FAILED,
            f"{message} (last fetch: {self._last_error})",
            details={"jwks_url": self.url},
        )

    def _warn_stale(self) -> None:
        if self._stale_warned_generation != self._generation:
            self._stale_warned_generation = self._generation
            self._logger.warning(
                "realmid: JWKS refresh failing (%s); serving the last good key set",
                self._last_error,
            )

    # -- fetch bookkeeping (no I/O) --------------------------------------------------------

    def _should_fetch(self, after_generation: int | None) -> bool:
        return after_generation is None or after_generation == self._generation

    def _request_kwargs(self, deadline: float) -> dict[str, Any]:
        # The contract's request (method, and whatever else the spec gives the operation),
        # sent to this cache's URL and read here as a bounded stream.
        from realmid_api.api.realm import get_jwks

        wire = get_jwks.request_kwargs()
        return {
            **wire,
            "url": self.url,
            # The realm's client attaches the platform token to every request; the JWKS is
            # public and must never receive one (nor need one).
            "auth": None,
            "headers": {
                **wire.get("headers", {}),
                "Accept": "application/json",
                "Accept-Encoding": "identity",
                **_telemetry.carrier(),  # W3C traceparent of the fetch span
            },
            "timeout": httpx.Timeout(self._timeout),
            "follow_redirects": False,
            # Honoured by the realm's transport (realmid._http): it reads every body inside
            # its retry loop, so the cap and the deadline must hold there, not only here.
            "extensions": {BODY_LIMITS: (self._max_bytes, deadline)},
        }

    def _reader(self, response: httpx.Response, deadline: float) -> _BodyReader:
        if response.status_code != 200:
            raise _FetchFailed(f"HTTP {response.status_code}")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._max_bytes:
            raise _FetchFailed(f"document larger than {self._max_bytes} bytes")
        return _BodyReader(
            response.headers.get("content-encoding", ""),
            self._max_bytes,
            deadline,
        )

    def _accept(self, headers: httpx.Headers, body: bytes) -> None:
        document = strict_json_object(body)
        try:
            if document is None:
                raise JwksRefused("not a JSON object (or duplicate member names)")
            keys, dropped = parse_jwks(document)
        except JwksRefused as err:
            self.stats.refused_documents += 1
            self._fail(f"document refused: {err}")
            return
        for reason in dropped:
            self._logger.warning("realmid: JWKS key dropped: %s", reason)
        if not keys:
            # A verifier with no keys verifies nothing: an empty (or all-dropped) set is
            # treated as an outage, and the last good set keeps serving.
            self._fail("no usable RS256 keys in the document")
            return
        ttl, from_header = _ttl_from_headers(
            headers, self._default_ttl, self._min_ttl, self._max_ttl
        )
        now = self._clock()
        ahead = min(self._refresh_ahead, ttl / 4)
        with self._state:
            self._set = _KeySet(keys, now + ttl - ahead, now + ttl, now + ttl + self._max_stale)
            self._last_attempt = now
            self._last_failed = False
            self._last_error = "ok"
            self._generation += 1
        self._logger.debug(
            "realmid: JWKS fetched: %d keys, kept %ss%s",
            len(keys),
            ttl,
            "" if from_header else " (no max-age)",
        )

    def _fetched(self, span: _telemetry.Span, failures_before: int) -> None:
        """Record one fetch's outcome: its span's status and ``realmid.jwks.fetches``."""
        outcome = "ok" if self.stats.failures == failures_before else "error"
        span.set(_telemetry.OUTCOME, outcome)
        if outcome != "ok":
            span.fail("jwks_fetch_failed")
        _telemetry.count(_telemetry.JWKS_FETCHES, {_telemetry.OUTCOME: outcome})

    def _fail(self, reason: str) -> None:
        now = self._clock()
        with self._state:
            self._last_attempt = now
            self._last_failed = True
            self._last_error = reason
            self._generation += 1
            self.stats.failures += 1
        self._logger.warning("realmid: JWKS fetch from %s failed: %s", self.url, reason)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _FetchFailed):
        return str(exc)
    if isinstance(exc, RealmError):  # from the realm's transport: size, deadline; no secrets
        return exc.message
    if isinstance(exc, TimeoutError):
        return "deadline exceeded"
    return f"{type(exc).__name__}"


@attrs.define
class _SyncFetch:
    """One sync fetch, shared by the caller (who waits) and the worker thread (who reads)."""

    deadline: float
    status: int | None = None
    done: threading.Event = attrs.field(factory=threading.Event)
    headers: httpx.Headers | None = None
    body: bytes = b""
    error: BaseException | None = None


class JwksCache(_JwksCore[httpx.Client]):
    """The JWKS cache over a sync ``httpx.Client`` (e.g. the realm's own client).

    >>> import httpx
    >>> cache = JwksCache(jwks_url("https://auth.realmid.dev"), httpx.Client())
    >>> cache.kids  # nothing fetched yet: construction makes no request
    frozenset()

    ``cache.get(kid)`` returns a ready ``RSAPublicKey`` (fetching when the rules say so);
    the verifier uses :meth:`lookup` and :meth:`refresh` directly. Thread-safe.

    Two kinds of threads, both daemons, both short-lived:

    - A due refresh runs in a background thread, so the verify that noticed it (and every
      verify after it) goes on with the still-valid set. A non-blocking single-flight
      (the noticing caller fetches inline, the others go on) would stall that one caller
      for up to ``timeout``: in a WSGI worker, a user's request.
    - Every fetch reads in a worker thread the caller waits on for at most ``timeout``:
      ``httpx.Client`` timeouts apply to each socket read, so a server trickling headers
      or body (or a retry loop) would otherwise hold the caller for as long as it likes.
      A worker left behind stops at its next chunk or retry (it sees the deadline) or at
      the client's per-read timeout; its late answer is dropped.
    """

    _client_type = httpx.Client
    _fetch_lock: threading.Lock
    _closed: bool

    def _init_driver(self) -> None:
        self._fetch_lock = threading.Lock()
        self._closed = False

    def get(self, kid: str) -> rsa.RSAPublicKey:
        """The key for ``kid``, fetching first when needed; raises a RealmError otherwise."""
        generation = self._generation
        key = self.lookup(kid)
        if key is None:
            self.refresh(generation)
            key = self.lookup(kid, final=True)
        assert key is not None
        return key

    def close(self) -> None:
        """Start no more background refreshes (one in flight ends by its deadline)."""
        self._closed = True

    def refresh(self, after_generation: int | None = None) -> None:
        """Fetch now, unless another fetch finished since ``after_generation`` was read.

        Single-flight: concurrent callers wait for the one fetch in flight. Never raises;
        a failure is recorded and shapes what :meth:`lookup` answers. Returns within
        ``timeout`` (plus the wait for a fetch already in flight).
        """
        with self._fetch_lock:
            if not self._should_fetch(after_generation):
                return
            self.stats.fetches += 1
            failures = self.stats.failures
            with _telemetry.jwks_fetch(self.url) as span:
                fetch = _SyncFetch(time.monotonic() + self._timeout)
                self._fetch(fetch)
                span.set(_telemetry.STATUS, fetch.status)
                self._fetched(span, failures)

    def _fetch(self, fetch: _SyncFetch) -> None:
        try:
            # In a copy of this context: the fetch span stays current in the worker (its
            # traceparent, and an instrumented client's HTTP span under it).
            worker = threading.Thread(
                target=contextvars.copy_context().run,
                args=(self._read, fetch),
                name="realmid-jwks-fetch",
                daemon=True,
            )
            worker.start()
        except Exception as exc:
            self._fail(f"fetch not started ({type(exc).__name__})")
            return
        if not fetch.done.wait(max(0.0, fetch.deadline - time.monotonic())):
            self._fail(f"no complete answer within the {self._timeout:g} s deadline")
            return
        try:
            if fetch.error is not None:
                raise fetch.error
            assert fetch.headers is not None
            self._accept(fetch.headers, fetch.body)
        except Exception as exc:  # any failure is an outage, never a crash
            self._fail(_describe(exc))

    def _read(self, fetch: _SyncFetch) -> None:
        try:
            kwargs = self._request_kwargs(fetch.deadline)
            with self._client.stream(**kwargs) as response:
                fetch.status = response.status_code
                reader = self._reader(response, fetch.deadline)
                for chunk in response.iter_raw():
                    reader.feed(chunk)
                fetch.body = reader.body()
                fetch.headers = response.headers
        except BaseException as exc:  # handed to the caller, who records it
            fetch.error = exc
        finally:
            fetch.done.set()

    def _spawn(self, generation: int) -> bool:
        if self._closed:
            return False
        threading.Thread(
            target=self._refresh_in_background,
            args=(generation,),
            name="realmid-jwks-refresh",
            daemon=True,
        ).start()
        return True

    def _refresh_in_background(self, generation: int) -> None:
        try:
            self.refresh(generation)  # never raises; failures are logged by _fail
        except Exception as exc:  # pragma: no cover - a safety net, never into a verify
            self._logger.warning("realmid: JWKS background refresh: %s", type(exc).__name__)
        finally:
            self._background_done()


class AsyncJwksCache(_JwksCore[httpx.AsyncClient]):
    """The JWKS cache over an ``httpx.AsyncClient``; lookups stay plain sync calls.

    Fetches are single-flight per event loop (an ``asyncio.Lock``)::

        cache = AsyncJwksCache(jwks_url(issuer), httpx.AsyncClient())
        key = await cache.get(kid)

    A due refresh runs as a background task on the running loop, so verifies go on with
    the still-valid set; ``await cache.aclose()`` cancels it. Each fetch runs under one
    ``asyncio.timeout(timeout)``: connect, headers, body and retries together.
    """

    _client_type = httpx.AsyncClient
    _fetch_lock: AsyncLock
    _tasks: set[asyncio.Task[None]]
    _closed: bool

    def _init_driver(self) -> None:
        self._fetch_lock = AsyncLock()  # per event loop: the cache may outlive a loop
        self._tasks = set()
        self._closed = False

    async def get(self, kid: str) -> rsa.RSAPublicKey:
        """The key for ``kid``, fetching first when needed; raises a RealmError otherwise."""
        generation = self._generation
        key = self.lookup(kid)
        if key is None:
            await self.refresh(generation)
            key = self.lookup(kid, final=True)
        assert key is not None
        return key

    async def aclose(self) -> None:
        """Cancel a background refresh in flight and start no more."""
        self._closed = True
        loop = asyncio.get_running_loop()
        ours = []
        for task in list(self._tasks):
            other = task.get_loop()
            if other is loop:
                task.cancel()
                ours.append(task)
            elif not other.is_closed():  # a refresh running on another thread's loop
                other.call_soon_threadsafe(task.cancel)
            # A closed loop cancelled its tasks as it ended: nothing is left to stop.
        if ours:
            await asyncio.gather(*ours, return_exceptions=True)

    async def refresh(self, after_generation: int | None = None) -> None:
        """Fetch now, unless another fetch finished since ``after_generation`` was read."""
        async with self._fetch_lock:
            if not self._should_fetch(after_generation):
                return
            self.stats.fetches += 1
            failures = self.stats.failures
            with _telemetry.jwks_fetch(self.url) as span:
                deadline = time.monotonic() + self._timeout
                try:
                    async with asyncio.timeout(self._timeout):
                        kwargs = self._request_kwargs(deadline)
                        async with self._client.stream(**kwargs) as response:
                            span.set(_telemetry.STATUS, response.status_code)
                            reader = self._reader(response, deadline)
                            async for chunk in response.aiter_raw():
                                reader.feed(chunk)
                    self._accept(response.headers, reader.body())
                except Exception as exc:  # any failure is an outage, never a crash
                    self._fail(_describe(exc))
                self._fetched(span, failures)

    def _spawn(self, generation: int) -> bool:
        if self._closed:
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a lookup outside the loop: the still-valid set serves
            return False
        job: Coroutine[Any, Any, None] = self._refresh_in_background(generation)
        task = loop.create_task(job, name="realmid-jwks-refresh")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _refresh_in_background(self, generation: int) -> None:
        try:
            await self.refresh(generation)  # never raises; failures are logged by _fail
        except Exception as exc:  # pragma: no cover - a safety net, never into a verify
            self._logger.warning("realmid: JWKS background refresh: %s", type(exc).__name__)
        finally:
            self._background_done()
