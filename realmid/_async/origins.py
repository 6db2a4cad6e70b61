"""The realm's origin allowlist (``realm.origins``, ADR-047/049)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
from realmid_api.api.origins import bind_origin, claim_origin, list_origins, verify_origin
from realmid_api.models import OriginBindRequest, OriginHostnameRequest, OriginPage

from realmid import _inputs, _telemetry
from realmid._async.pagination import AsyncPaginated
from realmid._faces import AsyncLock
from realmid._http import new_idempotency_key
from realmid.errors import ErrorCode, RealmError, is_code
from realmid.models import DomainVerifyResult, Origin, OriginClaim
from realmid.origin_names import normalize_origin

if TYPE_CHECKING:
    from realmid._async.realm import AsyncRealm

DEFAULT_TTL = 60.0
DEFAULT_MISS_REFRESH_INTERVAL = 1.0
# The contract's largest page: an allowlist refresh costs as few requests as possible.
_REFRESH_PAGE_SIZE = 500


@attrs.frozen
class _Allowlist:
    hosts: frozenset[str]
    fetched_at: float  # on the resource's clock


@_telemetry.traced("origins")
class AsyncOrigins:
    """The realm's origin allowlist: read it, check an inbound origin, and grow it.

    :meth:`validate` answers from a per-realm cache of the allowlist (the reference: "the
    cached allowlist is refreshed on cache miss + TTL expiry"):

    - the cache is kept ``ttl`` seconds (default 60) after each fetch, then refreshed;
    - an origin missing from the cache refreshes it at once, so a hostname bound elsewhere
      a moment ago is accepted without waiting out the TTL;
    - but a flood of made-up origins cannot become a flood of list calls: after a refresh
      that did not find the origin asked about, further misses of that realm answer from
      the cache (False) for ``miss_refresh_interval`` seconds (default 1);
    - at most one refresh is in flight: concurrent callers (hits after the TTL or misses)
      wait for it and share its answer;
    - :meth:`bind` on this handle and :meth:`invalidate` drop the cache (no I/O), so the
      next check sees the new allowlist.

    ``ttl``, ``miss_refresh_interval`` and ``clock`` (a monotonic seconds function, for
    tests) may be set on the resource: ``realm.origins.ttl = 300``. A negative or
    non-numeric duration is a :class:`~realmid.BadRequestError`.
    """

    def __init__(
        self,
        realm: AsyncRealm,
        *,
        ttl: float = DEFAULT_TTL,
        miss_refresh_interval: float = DEFAULT_MISS_REFRESH_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._realm = realm
        self._ttl = _inputs.duration(ttl, "ttl")
        self._miss_refresh_interval = _inputs.duration(
            miss_refresh_interval, "miss_refresh_interval"
        )
        self.clock = clock
        self._cache: dict[str, _Allowlist] = {}
        # Realm id -> when (on ``clock``) a refresh last failed to find the origin it was
        # asked about: the start of that realm's miss throttle.
        self._last_miss: dict[str, float] = {}
        # +1 per invalidation: a fetch that started before one must not store its (older)
        # answer over the invalidation, or a bind through this handle could go unseen.
        self._generation = 0
        self._refresh_lock = AsyncLock()
        self.refreshes = 0  # allowlist fetches so far, for observability and tests

    @property
    def ttl(self) -> float:
        """Seconds a fetched allowlist is trusted."""
        return self._ttl

    @ttl.setter
    def ttl(self, seconds: float) -> None:
        self._ttl = _inputs.duration(seconds, "ttl")

    @property
    def miss_refresh_interval(self) -> float:
        """Seconds after a refresh that missed during which further misses do not refresh."""
        return self._miss_refresh_interval

    @miss_refresh_interval.setter
    def miss_refresh_interval(self, seconds: float) -> None:
        self._miss_refresh_interval = _inputs.duration(seconds, "miss_refresh_interval")

    def _realm_id(self, realm_id: str | None) -> str:
        return self._realm.realm_id if realm_id is None else _inputs.path_id("realm_id", realm_id)

    def list(
        self, *, realm_id: str | None = None, limit: int | None = None
    ) -> AsyncPaginated[Origin]:
        """The realm's live origin mappings.

        Pages are fetched one at a time as you iterate::

            for origin in realm.origins.list():
                print(origin.domain, origin.entity_type)
        """
        return self._realm._paginate(
            list_origins.asyncio_detailed,
            OriginPage,
            limit=limit,
            platform_id=self._realm_id(realm_id),
        )

    async def validate(self, origin: str, *, realm_id: str | None = None) -> bool:
        """Whether ``origin`` (an ``Origin`` header, URL or hostname) is on the allowlist.

        The comparison is on the bare hostname (``realmid.normalize_origin``). An origin
        with no hostname (an empty or missing header, ``file://...``) is never allowed:
        False, without any request. A 401 while refreshing drops the platform token and
        retries once. The allowlist is what ``list`` returns: the realm's audience host is
        not implicitly on it::

            if not realm.origins.validate(request.headers.get("origin", "")):
                return forbidden()
        """
        try:
            host = normalize_origin(origin)
        except ValueError:
            return False
        key = self._realm_id(realm_id)
        seen = self._cache.get(key)
        miss = False
        if seen is not None and self.clock() - seen.fetched_at < self._ttl:
            if host in seen.hosts:
                return True
            if self._miss_throttled(key):
                return False
            miss = True
        allowlist = await self._refresh(key, seen, miss=miss)
        if host in allowlist.hosts:
            return True
        if allowlist is not seen:
            # A freshly fetched list says no: that starts the throttle, whatever caused the
            # refresh (a miss, the TTL, a cold cache), so the next unknown origin costs no
            # call. (The same old list, handed back under the throttle, does not extend it.)
            self._last_miss[key] = self.clock()
        return False

    def invalidate(self, realm_id: str = "") -> None:
        """Drop the cached allowlist of ``realm_id``, or of every realm for ``""``. No I/O."""
        self._generation += 1
        if realm_id:
            self._cache.pop(realm_id, None)
            self._last_miss.pop(realm_id, None)
        else:
            self._cache.clear()
            self._last_miss.clear()

    def _miss_throttled(self, key: str) -> bool:
        last = self._last_miss.get(key)
        return last is not None and self.clock() - last < self._miss_refresh_interval

    async def _refresh(self, key: str, seen: _Allowlist | None, *, miss: bool) -> _Allowlist:
        """A fresh allowlist of ``key``: fetched here, or the one a concurrent caller fetched.

        ``seen`` is the entry the caller found too old or lacking: if the cache holds
        another one once the lock is ours, someone refreshed while we waited, theirs is as
        fresh as ours would be, and one fetch for the whole crowd is the point of the lock.
        ``miss``: the caller found ``seen`` fresh but without its origin; such a refresh
        yields to the throttle, and its failure starts it (an issuer that is down is not
        asked again for every unknown origin).
        """
        async with self._refresh_lock:
            current = self._cache.get(key)
            if current is not None and current is not seen:
                return current
            if miss and current is not None and self._miss_throttled(key):
                # A miss-driven refresh failed while we waited: answer from the cache.
                return current
            generation = self._generation
            try:
                hosts = await self._fetch(key)
            except Exception:
                if miss:
                    self._last_miss[key] = self.clock()
                raise
            fresh = _Allowlist(hosts=hosts, fetched_at=self.clock())
            if self._generation == generation:
                self._cache[key] = fresh
            return fresh

    async def _fetch(self, key: str) -> frozenset[str]:
        try:
            return await self._fetch_once(key)
        except RealmError as err:
            if not is_code(err, ErrorCode.UNAUTHORIZED):
                raise
            # The issuer refused our platform token even after the token flow's own re-mint
            # (e.g. it was revoked and a racing refresh resurrected a stale one): forget it
            # so the retry starts from the API key. Once: a second 401 is the answer.
            self._realm._auth.invalidate()
            return await self._fetch_once(key)

    async def _fetch_once(self, key: str) -> frozenset[str]:
        self.refreshes += 1
        hosts: set[str] = set()
        async for origin in self.list(realm_id=key, limit=_REFRESH_PAGE_SIZE):
            if isinstance(origin.detached_at, str):
                continue  # a detached mapping no longer allows anything
            try:
                hosts.add(normalize_origin(origin.domain))
            except ValueError:
                continue
        return frozenset(hosts)

    async def claim(self, hostname: str, *, realm_id: str | None = None) -> OriginClaim:
        """Begin (or repeat, idempotently) a realm-owned claim of ``hostname``.

        The answer names the DNS TXT record to publish (``dns_record_name`` /
        ``dns_record_value``); then :meth:`verify`, then bind — or let :meth:`bind` drive
        the whole flow.
        """
        return await self._realm._call(
            claim_origin.asyncio_detailed,
            OriginClaim,
            platform_id=self._realm_id(realm_id),
            body=OriginHostnameRequest(hostname=_inputs.hostname("hostname", hostname)),
        )

    async def verify(self, hostname: str, *, realm_id: str | None = None) -> DomainVerifyResult:
        """Check the TXT record of the realm's pending claim of ``hostname``. Does not bind.

        ``verified`` is False (``status`` ``pending``) while the record is not visible. A
        hostname never claimed is ``not_found``.
        """
        return await self._realm._call(
            verify_origin.asyncio_detailed,
            DomainVerifyResult,
            platform_id=self._realm_id(realm_id),
            body=OriginHostnameRequest(hostname=_inputs.hostname("hostname", hostname)),
        )

    async def bind(self, hostname: str, *, realm_id: str | None = None) -> Origin:
        """Put ``hostname`` on the allowlist, completing claim → verify → bind as needed.

        The flow (the reference documents it; its SDK lacks the call):

        1. Bind directly. This succeeds for a hostname the realm already verified, for a
           subdomain of a verified apex (the apex is the trust anchor), and for one that is
           already bound to the realm (the existing row comes back).
        2. Otherwise (409) claim it — idempotent, the same TXT record every time — and, if
           the claim is not verified yet, verify it (the issuer looks for the TXT record).
        3. Once verified, bind, drop the cached allowlist, and return the live row.

        When the TXT record is not published (or not visible) yet, nothing is bound and
        ``RealmError(conflict)`` is raised with ``details`` ``status="pending"``,
        ``hostname``, ``dns_record_name`` and ``dns_record_value``: publish that record and
        call ``bind`` again (it resumes; nothing is claimed twice). A hostname bound or
        verified by someone else is the issuer's ``conflict``, raised as is::

            try:
                origin = realm.origins.bind("app.example.com")
            except RealmError as err:
                if err.details.get("status") != "pending":
                    raise
                show(err.details["dns_record_name"], err.details["dns_record_value"])
        """
        key = self._realm_id(realm_id)
        host = _inputs.hostname("hostname", hostname)
        try:
            return await self._bind(key, host)
        except RealmError as err:
            if not is_code(err, ErrorCode.CONFLICT):
                raise
            refused = err
        claim = await self.claim(host, realm_id=key)
        if claim.status != "verified":
            result = await self.verify(host, realm_id=key)
            if not result.verified:
                raise RealmError(
                    ErrorCode.CONFLICT,
                    f"{host} is not verified yet: publish the TXT record "
                    f"{claim.dns_record_name} = {claim.dns_record_value!r}, then bind again",
                    refused.http_status,
                    details={
                        "status": "pending",
                        "hostname": host,
                        "dns_record_name": claim.dns_record_name,
                        "dns_record_value": claim.dns_record_value,
                    },
                    request_id=refused.request_id,
                )
        # Verified now (or already: then the first refusal was something else, e.g. the
        # hostname is bound to a tenant, and this bind repeats the issuer's conflict).
        return await self._bind(key, host)

    async def _bind(self, key: str, host: str) -> Origin:
        origin = await self._realm._call(
            bind_origin.asyncio_detailed,
            Origin,
            platform_id=key,
            body=OriginBindRequest(domain=host),
            # One key per bind attempt: a second attempt within this flow is a new request
            # (the first one's 409 must not be replayed), while transport retries of one
            # attempt share its key.
            idempotency_key=new_idempotency_key(),
        )
        self.invalidate(key)
        return origin
