"""The dual-token flow (SPEC §4.0, ADR-051) as an :class:`httpx.Auth`.

The raw API key is exchanged once for a short-lived platform access token plus a refresh
token (``POST /auth/login`` with ``grant_type: platform_api_key`` — the only request that
ever carries the key). Every platform call then rides the access token; ahead of its expiry
the refresh token buys a new one (``POST /auth/token``); a refused refresh falls back to a
fresh API-key login; a 401 from any call drops the token, re-mints and retries once.

The token logic is written once, sans-IO, as a generator that yields the requests it needs
and receives their outcomes (a response, or the transport exception). Two small drivers run
it: one with a thread lock for ``httpx.Client``, one with an asyncio lock for
``httpx.AsyncClient`` — which is also what makes it single-flight: a hundred callers that
need a token at once wait on the lock, and all but the first find it already minted.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from typing import Any

import attrs
import httpx
from realmid_api import AuthenticatedClient
from realmid_api.api.auth import login, token
from realmid_api.models import PlatformApiKeyGrant, PlatformRefreshGrant, PlatformTokenResponse

from realmid.errors import ErrorCode, RealmError, error_from_exception, error_from_parts

# A token whose server-given lifetime is missing, zero or negative is still used for this
# long before the next refresh: the alternative, refreshing on every call, is a hot loop.
MIN_TOKEN_TTL = 10.0
# After a refresh fails transiently, the still-valid token is served and no new refresh is
# tried for this long, so an outage does not turn every call into a failing refresh.
REFRESH_RETRY_COOLDOWN = 5.0

_user_bearer: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "realmid_user_bearer", default=None
)

Outcome = httpx.Response | httpx.TransportError
TokenFlow = Generator[httpx.Request, Outcome, str]


@contextlib.contextmanager
def user_bearer(bearer: str | None) -> Iterator[None]:
    """Within this block, calls ride ``bearer`` instead of the platform token.

    The platform token is still minted (so its cache stays warm and mint errors surface),
    but the wire ``Authorization`` is the user's, and a 401 is the user's problem: no
    re-mint, no retry. A context variable, so concurrent threads and tasks do not mix.
    """
    reset = _user_bearer.set(bearer)
    try:
        yield
    finally:
        _user_bearer.reset(reset)


@attrs.frozen
class _Tokens:
    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    refresh_at: float  # monotonic time from which a refresh is due
    expires_at: float  # monotonic time after which the access token is not used


@attrs.define
class FlowStats:
    """Counters for observability and tests: how many token requests went out."""

    logins: int = 0
    refreshes: int = 0
    remints_on_401: int = 0


class PlatformTokenAuth(httpx.Auth):
    """``httpx.Auth`` that threads the platform token through every request."""

    def __init__(
        self,
        *,
        realm_id: str,
        api_key: str,
        refresh_buffer: float,
        logger: logging.Logger,
        api_client: AuthenticatedClient,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._realm_id = realm_id
        self._api_key = api_key
        self._refresh_buffer = refresh_buffer
        self._logger = logger
        self._api = api_client
        self._monotonic = monotonic
        self._tokens: _Tokens | None = None
        self._refresh_not_before = 0.0
        self._thread_lock = threading.Lock()
        self._async_lock = asyncio.Lock()
        self._sync_send: Callable[[httpx.Request], httpx.Response] | None = None
        self._async_send: Callable[[httpx.Request], Any] | None = None
        self.stats = FlowStats()

    def __repr__(self) -> str:
        return (
            f"PlatformTokenAuth(realm_id={self._realm_id!r}, has_token={self._tokens is not None})"
        )

    def bind(self, client: httpx.Client | httpx.AsyncClient) -> None:
        """Send token requests through ``client`` (its transport, retries and log hooks)."""
        if isinstance(client, httpx.AsyncClient):
            self._async_send = lambda request: client.send(request, auth=None)
        else:
            self._sync_send = lambda request: client.send(request, auth=None)

    def invalidate(self) -> None:
        """Forget the tokens; the next call mints afresh (e.g. after a key rotation)."""
        self._tokens = None

    # -- sans-IO token logic ---------------------------------------------------------------

    def _fresh(self) -> str | None:
        tokens = self._tokens
        if tokens is not None and self._monotonic() < tokens.refresh_at:
            return tokens.access_token
        return None

    def _obtain(self, stale: str | None) -> TokenFlow:
        """Return a usable access token, yielding the token requests that takes."""
        tokens = self._tokens
        if stale is not None and tokens is not None and tokens.access_token == stale:
            # The server refused this very token: drop it. A newer one (another caller
            # re-minted while we waited for the lock) is kept and used.
            self._tokens = tokens = None
            self.stats.remints_on_401 += 1
        now = self._monotonic()
        if tokens is not None and now < tokens.refresh_at:
            return tokens.access_token
        if tokens is not None and tokens.refresh_token and now >= self._refresh_not_before:
            self.stats.refreshes += 1
            outcome = yield self._refresh_request(tokens.refresh_token)
            minted = self._accept(outcome)
            if minted is not None:
                return minted
            if _is_refusal(outcome):
                self._logger.info("realmid: platform refresh refused; logging in with the API key")
            elif now < tokens.expires_at:
                self._refresh_not_before = now + REFRESH_RETRY_COOLDOWN
                self._logger.warning(
                    "realmid: platform token refresh failed (%s); serving the current token",
                    _describe(outcome),
                )
                return tokens.access_token
        elif tokens is not None and now < tokens.expires_at:
            return tokens.access_token  # refresh cooling down after a transient failure
        self.stats.logins += 1
        outcome = yield self._login_request()
        minted = self._accept(outcome)
        if minted is not None:
            return minted
        raise _as_error(outcome)

    def _login_request(self) -> httpx.Request:
        grant = PlatformApiKeyGrant(
            grant_type="platform_api_key", realm_id=self._realm_id, api_key=self._api_key
        )
        return self._build(login._get_kwargs(body=grant))

    def _refresh_request(self, refresh_token: str) -> httpx.Request:
        request = self._build(
            token._get_kwargs(body=PlatformRefreshGrant(grant_type="platform_refresh"))
        )
        request.headers["Authorization"] = f"Bearer {refresh_token}"
        return request

    def _build(self, kwargs: dict[str, Any]) -> httpx.Request:
        base = httpx.URL(self._api._base_url)
        return httpx.Request(
            kwargs["method"],
            base.join(kwargs["url"]),
            json=kwargs.get("json"),
            headers=kwargs.get("headers"),
        )

    def _accept(self, outcome: Outcome) -> str | None:
        """Store the tokens of a successful answer; None when the answer is not one."""
        if not isinstance(outcome, httpx.Response) or outcome.status_code != 200:
            return None
        try:
            data = outcome.json()
            # A missing lifetime is treated like a zero one (below), not as a broken answer.
            data.setdefault("expires_in", 0)
            body = PlatformTokenResponse.from_dict(data)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise error_from_exception(err) from err
        expires_in = body.expires_in
        ttl = float(expires_in) if isinstance(expires_in, int | float) else 0.0
        if ttl <= 0:
            self._logger.warning(
                "realmid: platform token came with expires_in=%r; using it for %ss",
                body.expires_in,
                MIN_TOKEN_TTL,
            )
        ttl = max(ttl, MIN_TOKEN_TTL)
        now = self._monotonic()
        margin = min(self._refresh_buffer, ttl / 2)
        self._tokens = _Tokens(
            access_token=body.access_token,
            refresh_token=body.refresh_token or None,
            refresh_at=now + ttl - margin,
            expires_at=now + ttl,
        )
        self._refresh_not_before = 0.0
        self._logger.debug("realmid: platform token minted (expires_in=%ss)", body.expires_in)
        return body.access_token

    def _authorize(self, request: httpx.Request, platform_token: str) -> bool:
        """Set the bearer; True when a 401 may be answered by a re-mint and retry."""
        bearer = _user_bearer.get()
        request.headers["Authorization"] = f"Bearer {bearer or platform_token}"
        return bearer is None

    # -- drivers -----------------------------------------------------------------------------

    def _run_sync(self, stale: str | None) -> str:
        if stale is None and (fresh := self._fresh()) is not None:
            return fresh
        assert self._sync_send is not None, "PlatformTokenAuth.bind() was not called"
        with self._thread_lock:
            flow = self._obtain(stale)
            try:
                request = next(flow)
                while True:
                    try:
                        outcome: Outcome = self._sync_send(request)
                    except httpx.TransportError as exc:
                        outcome = exc
                    request = flow.send(outcome)
            except StopIteration as done:
                return str(done.value)

    async def _run_async(self, stale: str | None) -> str:
        if stale is None and (fresh := self._fresh()) is not None:
            return fresh
        assert self._async_send is not None, "PlatformTokenAuth.bind() was not called"
        async with self._async_lock:
            flow = self._obtain(stale)
            try:
                request = next(flow)
                while True:
                    try:
                        outcome: Outcome = await self._async_send(request)
                    except httpx.TransportError as exc:
                        outcome = exc
                    request = flow.send(outcome)
            except StopIteration as done:
                return str(done.value)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        platform_token = self._run_sync(None)
        if not self._authorize(request, platform_token):
            yield request
            return
        response = yield request
        if response.status_code == 401:
            self._logger.info("realmid: platform token refused (401); re-minting once")
            self._authorize(request, self._run_sync(stale=platform_token))
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        platform_token = await self._run_async(None)
        if not self._authorize(request, platform_token):
            yield request
            return
        response = yield request
        if response.status_code == 401:
            self._logger.info("realmid: platform token refused (401); re-minting once")
            self._authorize(request, await self._run_async(stale=platform_token))
            yield request


def _is_refusal(outcome: Outcome) -> bool:
    """The server said no to the refresh token itself (as opposed to being unwell)."""
    return isinstance(outcome, httpx.Response) and outcome.status_code in (400, 401, 403, 404)


def _describe(outcome: Outcome) -> str:
    if isinstance(outcome, httpx.Response):
        return f"HTTP {outcome.status_code}"
    return type(outcome).__name__


def _as_error(outcome: Outcome) -> RealmError:
    if isinstance(outcome, httpx.Response):
        err = error_from_parts(outcome.status_code, outcome.content, outcome.headers)
        if err.http_status == 200:  # a 200 that _accept could not use
            return RealmError(ErrorCode.SERVER_ERROR, "unexpected platform token answer")
        return err
    return error_from_exception(outcome)
