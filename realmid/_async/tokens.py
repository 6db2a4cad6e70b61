"""``realm.tokens``: the revocation cache, driven by access tokens (the reference's
``TokensClient``). Safe to share as its cache is.

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

On the async face the cache may be sync (``MemRevocationCache``) or async
(``AsyncRedisRevocationCache``); the methods are awaitable either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from realmid._concurrency import AsyncResult, settle_async
from realmid.revocation import (
    DEFAULT_MAX_TTL,
    AsyncRevocationCache,
    RevocationCache,
    _evict,
    _is_transport_failure,
    _jti_and_exp,
    _positive_seconds,
    _revoke,
    _revoked_error,
)
from realmid.verify import AsyncVerifier

P = ParamSpec("P")
T = TypeVar("T")


class AsyncTokensClient:
    """Mark, check and evict access tokens in the realm's revocation cache::

    realm.tokens.mark_revoked(access_token)
    realm.tokens.gate_request(access_token)   # raises TokenRevokedError

    ``verifier`` (settable later): proves tokens before they are parked (module docstring).
    ``max_ttl`` (default 24 h): the longest a mark is kept; the SDK's caches apply their
    own ``max_ttl``, any other cache gets the expiry capped to this.
    """

    def __init__(
        self,
        cache: RevocationCache | AsyncRevocationCache,
        *,
        verifier: AsyncVerifier | None = None,
        max_ttl: float = DEFAULT_MAX_TTL,
    ) -> None:
        self.cache = cache
        # Settable: the realm handle builds its verifier lazily and hands it over then.
        self.verifier = verifier
        self.max_ttl = _positive_seconds(max_ttl, "max_ttl")

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
        verified = False
        if self.verifier is not None:
            genuine = await self.verifier.is_genuine(access_token)
            if genuine is False:
                return
            verified = genuine is True
        await settle_async(_revoke, self.cache, found[0], found[1], verified, self.max_ttl)

    async def is_revoked(self, access_token: str) -> bool:
        """True iff the token's ``jti`` is denied; False for a malformed token."""
        found = _jti_and_exp(access_token)
        return found is not None and bool(await settle_async(self.cache.is_revoked, found[0]))

    async def gate_request(self, access_token: str) -> None:
        """Raise :class:`~realmid.errors.TokenRevokedError` when the token is denied.

        A malformed token passes the gate: the verifier is the one to refuse it.
        """
        if await self.is_revoked(access_token):
            raise _revoked_error()

    async def evict(self, jti: str = "") -> None:
        """Forget ``jti``; the empty string forgets every entry."""
        await settle_async(_evict, self.cache, jti)

    def revoke_on_logout(
        self, logout: Callable[P, AsyncResult[T]]
    ) -> Callable[Concatenate[str, P], AsyncResult[T]]:
        """Wrap a logout call so the access token is denied after it, success or not.

        The wrapper takes the access token first, then ``logout``'s own arguments. The token
        is marked when the call succeeds *and* when it fails in transit (``network``): the
        partner fails closed, so an unreachable issuer still logs the user out locally::

            logout = realm.tokens.revoke_on_logout(realm.auth.logout)
            logout(access_token, refresh_token=refresh)
        """

        async def wrapped(access_token: str, /, *args: P.args, **kwargs: P.kwargs) -> T:
            try:
                result = await logout(*args, **kwargs)
            except Exception as exc:
                if _is_transport_failure(exc):
                    await self._mark_quietly(access_token)
                raise
            await self._mark_quietly(access_token)
            return result

        return wrapped

    async def _mark_quietly(self, access_token: str) -> None:
        # As the reference: failing to park the jti does not fail the logout, whose
        # server-side refresh revocation is the load-bearing part.
        with contextlib.suppress(Exception):
            await self.mark_revoked(access_token)
