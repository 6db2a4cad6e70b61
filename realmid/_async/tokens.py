"""``realm.tokens``: the revocation cache, driven by access tokens (the reference's
``TokensClient``). Safe to share as its cache is.

The token is read *without* verifying it (only ``jti`` and ``exp`` are taken), as the
reference does: mark tokens you received from the user on logout or verified yourself.
On the async face the cache may be sync (``MemRevocationCache``) or async
(``AsyncRedisRevocationCache``); the methods are awaitable either way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from realmid._concurrency import AsyncResult, settle_async
from realmid.revocation import (
    AsyncRevocationCache,
    RevocationCache,
    _evict,
    _is_transport_failure,
    _jti_and_exp,
    _revoked_error,
)

P = ParamSpec("P")
T = TypeVar("T")


class AsyncTokensClient:
    """Mark, check and evict access tokens in the realm's revocation cache::

    realm.tokens.mark_revoked(access_token)
    realm.tokens.gate_request(access_token)   # raises TokenRevokedError
    """

    def __init__(self, cache: RevocationCache | AsyncRevocationCache) -> None:
        self.cache = cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}(cache={self.cache!r})"

    def __len__(self) -> int:
        """Entries in the cache (caches that can count them: :class:`MemRevocationCache`)."""
        return len(self.cache)  # type: ignore[arg-type]

    async def mark_revoked(self, access_token: str) -> None:
        """Deny the token's ``jti`` until its ``exp``; no-op when malformed or expired."""
        found = _jti_and_exp(access_token)
        if found is not None:
            await settle_async(self.cache.revoke, *found)

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
