"""``realm.tokens``: the revocation cache, driven by access tokens (the reference's
``TokensClient``), and the one policy for "log out, then park the access token".

``mark_revoked`` takes ``jti`` and ``exp`` from the token; whether it trusts them depends
on ``verifier``. With one (the realm handle sets its own once it has verified a token), the
token's signature is checked first (no audience, time or revocation checks; keys are
fetched only for an unknown ``kid``): a genuine token is parked as a *verified* revocation,
a token that can never verify (forged, malformed, another issuer) is not parked at all
(the verifier refuses it anyway), and a token whose key cannot be had right now is parked
*unverified*. Without a verifier every mark is unverified, as in the reference.

Why: ``mark_revoked`` is fed tokens from requests (logout endpoints, middleware), so its
input is attacker-controlled. Unverified marks are stored but can never displace a
verified one (:class:`~realmid.revocation.MemRevocationCache` evicts them first and never
evicts a verified entry for them), and every mark lives at most ``max_ttl`` (default 24 h)
whatever its ``exp`` says, so unsigned far-future tokens can neither flush genuine
revocations nor grow the cache (memory or Redis) for longer than that.

The logout policy (:meth:`AsyncTokensClient.logout_then_park`) is the single home of what
``realm.auth.logout(access_token=...)``, ``tokens.revoke_on_logout`` and the middleware's
logout route do with the access token: see :data:`LOGOUT_FAIL_CLOSED`.

On the async face the cache may be sync (``MemRevocationCache``) or async
(``AsyncRedisRevocationCache``); the methods are awaitable either way.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import httpx

from realmid import _inputs
from realmid._async.redis_revocation import AsyncRedisRevocationCache
from realmid._faces import AsyncResult, settle_async
from realmid._jose import unverified_claims
from realmid._sync.redis_revocation import RedisRevocationCache
from realmid.errors import BadRequestError, ErrorCode, TokenRevokedError, is_code
from realmid.revocation import (
    DEFAULT_MAX_TTL,
    AsyncRevocationCache,
    MemRevocationCache,
    RevocationCache,
)
from realmid.verify import AsyncVerifier

P = ParamSpec("P")
T = TypeVar("T")

# The outcomes of a logout call after which the access token is parked anyway: the issuer
# could not act on the logout (unreachable, failing, or shedding load), so the session may
# be as alive as before, and the partner fails closed by refusing the token itself. The
# reference's RevokeOnLogout parks "on either success or transport failure"; a 5xx or a 429
# leaves the issuer exactly as undecided as an unreachable one. Any other failure (400,
# 401, 403, ...) is an answer: the issuer decided, the caller handles it, nothing is parked.
LOGOUT_FAIL_CLOSED = frozenset({ErrorCode.NETWORK, ErrorCode.SERVER_ERROR, ErrorCode.RATE_LIMITED})


def issuer_could_not_act(exc: BaseException) -> bool:
    """True when a logout's failure is one of :data:`LOGOUT_FAIL_CLOSED` (or a raw transport
    error from a caller's own logout helper)."""
    if isinstance(exc, httpx.TransportError):
        return True
    return any(is_code(exc, code) for code in LOGOUT_FAIL_CLOSED)


class AsyncTokensClient:
    """Mark, check and evict access tokens in the realm's revocation cache::

    realm.tokens.mark_revoked(access_token)
    realm.tokens.gate_request(access_token)   # raises TokenRevokedError

    ``verifier`` (settable later): proves tokens before they are parked (module docstring).
    ``max_ttl`` (default 24 h): the longest a mark is kept; the SDK's caches apply their
    own ``max_ttl``, any other cache gets the expiry capped to this. ``logger``: where a
    mark that failed during a logout is reported (default: the ``realmid`` logger).
    """

    def __init__(
        self,
        cache: RevocationCache | AsyncRevocationCache,
        *,
        verifier: AsyncVerifier | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
        logger: logging.Logger | None = None,
    ) -> None:
        self.cache = cache
        # Settable: the realm handle builds its verifier lazily and hands it over then.
        self.verifier = verifier
        self.max_ttl = _inputs.duration(max_ttl, "max_ttl", allow_zero=False)
        self._logger = logger or logging.getLogger("realmid")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cache={self.cache!r})"

    def __len__(self) -> int:
        """Entries in the cache (caches that can count them: :class:`MemRevocationCache`)."""
        return len(self.cache)  # type: ignore[arg-type]

    async def mark_revoked(self, access_token: str) -> None:
        """Deny the token's ``jti`` until its ``exp`` (at most ``max_ttl``); no-op when
        malformed, expired, or (with a ``verifier``) not signed by the issuer."""
        found = _jti_and_exp(access_token)
        if found is None:
            return
        jti, exp = found
        verified = False
        if self.verifier is not None:
            genuine = await self.verifier.is_genuine(access_token)
            if genuine is False:
                return
            verified = genuine is True
        cache = self.cache
        if isinstance(cache, MemRevocationCache | RedisRevocationCache | AsyncRedisRevocationCache):
            # The SDK's caches keep the verified tier and cap their TTLs themselves.
            await settle_async(lambda: cache.revoke(jti, exp, verified=verified))
        else:
            # Any other cache gets the protocol's two arguments, the expiry capped here.
            await settle_async(cache.revoke, jti, min(exp, time.time() + self.max_ttl))

    async def is_revoked(self, access_token: str) -> bool:
        """True iff the token's ``jti`` is denied; False for a malformed token."""
        found = _jti_and_exp(access_token)
        return found is not None and bool(await settle_async(self.cache.is_revoked, found[0]))

    async def gate_request(self, access_token: str) -> None:
        """Raise :class:`~realmid.errors.TokenRevokedError` when the token is denied.

        A malformed token passes the gate: the verifier is the one to refuse it.
        """
        if await self.is_revoked(access_token):
            raise TokenRevokedError()

    async def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every entry."""
        evict = getattr(self.cache, "evict", None)
        if evict is None:
            raise BadRequestError(
                f"{type(self.cache).__name__} has no evict(): it cannot forget entries"
            )
        await settle_async(evict, jti)

    async def logout_then_park(self, access_token: str, logout: Callable[[], AsyncResult[T]]) -> T:
        """Run ``logout`` (the issuer call), then park ``access_token``: the one logout policy.

        - ``logout`` succeeds: the token is parked.
        - it fails with an outcome in :data:`LOGOUT_FAIL_CLOSED` (the issuer could not act):
          the token is parked anyway, and the error is raised.
        - any other failure: nothing is parked, the error is raised.

        A cache that cannot take the mark is logged (warning, the error's type only), never
        raised: the logout itself, the server-side revocation of the session, is what the
        caller asked for, and it stands.
        """
        try:
            result = await logout()
        except Exception as exc:
            if issuer_could_not_act(exc):
                await self._park(access_token)
            raise
        await self._park(access_token)
        return result

    def revoke_on_logout(
        self, logout: Callable[P, AsyncResult[T]]
    ) -> Callable[Concatenate[str, P], AsyncResult[T]]:
        """Wrap a logout call so the access token is denied after it (:meth:`logout_then_park`).

        The wrapper takes the access token first, then ``logout``'s own arguments. The token
        is marked when the call succeeds *and* when the issuer could not act on it (network,
        5xx, 429): the partner fails closed, so an unreachable issuer still logs the user out
        locally::

            logout = realm.tokens.revoke_on_logout(realm.auth.logout)
            logout(access_token, refresh_token=refresh)
        """

        async def wrapped(access_token: str, /, *args: P.args, **kwargs: P.kwargs) -> T:
            return await self.logout_then_park(access_token, lambda: logout(*args, **kwargs))

        return wrapped

    async def _park(self, access_token: str) -> None:
        try:
            await self.mark_revoked(access_token)
        except Exception as exc:
            self._logger.warning(
                "realmid: the logout stands, but the access token could not be parked as "
                "revoked (%s)",
                type(exc).__name__,
            )


def _jti_and_exp(access_token: object) -> tuple[str, float] | None:
    """The token's ``jti`` and ``exp`` when both are usable, read without verifying."""
    payload = unverified_claims(access_token)
    if payload is None:
        return None
    jti, exp = payload.get("jti"), payload.get("exp")
    if not isinstance(jti, str) or not jti or len(jti) > _inputs.MAX_JTI_CHARS:
        return None
    if isinstance(exp, bool) or not isinstance(exp, int | float) or not math.isfinite(exp):
        return None
    return jti, float(exp)
