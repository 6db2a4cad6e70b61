"""The dual-token flow (SPEC §4.0, ADR-051) as an :class:`httpx.Auth`.

The raw API key is exchanged once for a short-lived platform access token plus a refresh
token (``POST /auth/login`` with ``grant_type: platform_api_key`` — the only request that
ever carries the key). Each operation's ``security`` says whether the access token rides
(``realmid._bearers``): always on the management surface; on the user-credential operations
(login, MFA, refresh, logout) only to vouch for a forwarded ``X-On-Behalf-Of-IP``; never on
realm info and the JWKS. Ahead of its expiry the refresh token buys a new
one (``POST /auth/token``); a refused refresh falls back to a fresh API-key login.

What a 401 means lives here (:func:`platform_token_refused`): only a 401 to an operation that
requires the platform token, whose answer is the generic ``unauthorized`` (or no usable
envelope), says the token was refused; that costs one re-mint and one resend. A 401 naming another
credential (``invalid_otp``, ``provider_token_invalid``, ...) is the caller's, returned once.

The token logic is written once, sans-IO, as a generator that yields the requests it needs
and receives their outcomes (a response, or the transport exception). Two small drivers run
it: one with a thread lock for ``httpx.Client``, one with an asyncio lock for
``httpx.AsyncClient`` — which is also what makes it single-flight: a hundred callers that
need a token at once wait on the lock, and all but the first find it already minted.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterator
from typing import Any

import attrs
import httpx

from realmid import _telemetry
from realmid._bearers import Policy, bearer_policy
from realmid._faces import AsyncLock
from realmid._http import REPEATABLE
from realmid._jose import unverified_claims
from realmid.errors import (
    ErrorCode,
    RealmError,
    envelope_code,
    error_from_exception,
    error_from_parts,
)

# A token whose server-given lifetime is missing, zero or negative is still used for this
# long before the next refresh: the alternative, refreshing on every call, is a hot loop.
MIN_TOKEN_TTL = 10.0
# After a refresh fails transiently, the still-valid token is served and no new refresh is
# tried for this long, so an outage does not turn every call into a failing refresh.
REFRESH_RETRY_COOLDOWN = 5.0

_user_bearer: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "realmid_user_bearer", default=None
)
# The last answer this context received, so an answer the generated client cannot parse
# (a 2xx that is not the documented JSON, a status outside http.HTTPStatus) still maps to
# an error with its real status (``answer_to_error``).
_last_answer: contextvars.ContextVar[httpx.Response | None] = contextvars.ContextVar(
    "realmid_last_answer", default=None
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
        base_url: str,
        refresh_buffer: float,
        logger: logging.Logger,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._realm_id = realm_id
        self._api_key = api_key
        self._base = httpx.URL(base_url)
        # Request paths are matched against the contract relative to the base URL's path.
        self._base_path = self._base.raw_path.split(b"?", 1)[0].rstrip(b"/").decode("ascii")
        self._refresh_buffer = refresh_buffer
        self._logger = logger
        self._monotonic = monotonic
        self._tokens: _Tokens | None = None
        self._refresh_not_before = 0.0
        self._thread_lock = threading.Lock()
        # Per event loop: the handle may serve several loops in turn (AsyncLock's docstring).
        self._async_lock = AsyncLock()
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
            self._tokens = None
            self.stats.remints_on_401 += 1
            with _telemetry.span(
                _telemetry.TOKEN_REMINT_SPAN, {_telemetry.REALM_ID: self._realm_id}, client=False
            ):
                return (yield from self._mint(remint=True))
        return (yield from self._mint())

    def _mint(self, *, remint: bool = False) -> TokenFlow:
        tokens = self._tokens
        now = self._monotonic()
        if tokens is not None and now < tokens.refresh_at:
            return tokens.access_token
        if tokens is not None and tokens.refresh_token and now >= self._refresh_not_before:
            self.stats.refreshes += 1
            with _telemetry.token_span("refresh", self._realm_id, remint=remint) as span:
                outcome = yield self._refresh_request(tokens.refresh_token)
                minted = self._accept(outcome, kept_refresh=tokens.refresh_token)
                _token_outcome(span, "refresh", outcome, minted)
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
        with _telemetry.token_span("api_key", self._realm_id, remint=remint) as span:
            outcome = yield self._login_request()
            minted = self._accept(outcome, kept_refresh=None)
            _token_outcome(span, "api_key", outcome, minted)
        if minted is not None:
            return minted
        raise _as_error(outcome)

    # The generated operations and models are imported on the first mint, not with the
    # handle: constructing one loads no operation module (tests/test_lazy_imports.py).

    def _login_request(self) -> httpx.Request:
        from realmid_api.api.auth import login
        from realmid_api.models import PlatformApiKeyGrant

        grant = PlatformApiKeyGrant(
            grant_type="platform_api_key", realm_id=self._realm_id, api_key=self._api_key
        )
        return self._build(login.request_kwargs(body=grant))

    def _refresh_request(self, refresh_token: str) -> httpx.Request:
        from realmid_api.api.auth import token
        from realmid_api.models import TokenRequest

        request = self._build(
            token.request_kwargs(body=TokenRequest(grant_type="platform_refresh"))
        )
        request.headers["Authorization"] = f"Bearer {refresh_token}"
        return request

    def _build(self, kwargs: dict[str, Any]) -> httpx.Request:
        request = httpx.Request(
            kwargs["method"],
            # Under the base URL's own path (a gateway prefix stays), as httpx's base_url does.
            self._base.copy_with(path=self._base_path + kwargs["url"]),
            json=kwargs.get("json"),
            headers=kwargs.get("headers"),
        )
        # Minting twice only yields two tokens: safe to resend on a refused connection or a
        # 503, so one blip does not fail the first call of every handle.
        request.extensions[REPEATABLE] = True
        _telemetry.inject(request.headers)  # the token span's trace continues at the issuer
        return request

    def _accept(self, outcome: Outcome, *, kept_refresh: str | None) -> str | None:
        """Store the tokens of a successful answer; None when the answer is not one.

        Only ``access_token`` is required (the reference shows no type for this answer). A
        refresh that does not rotate may leave ``refresh_token`` out: the one in hand is
        kept. Without ``expires_in``, the lifetime is read from the token's own claims.
        """
        if not isinstance(outcome, httpx.Response) or outcome.status_code != 200:
            return None
        from realmid_api.models import PlatformTokenResponse

        try:
            data = outcome.json()
            if not isinstance(data, dict) or not data.get("access_token"):
                raise KeyError("access_token")
            body = PlatformTokenResponse.from_dict(data)
            access_token = str(body.access_token)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise RealmError(
                ErrorCode.SERVER_ERROR,
                f"malformed platform token answer ({type(err).__name__})",
                200,
                cause=err,
                request_id=outcome.headers.get("x-request-id"),
            ) from err
        ttl = _lifetime(body.expires_in, access_token)
        if ttl <= 0:
            self._logger.warning(
                "realmid: platform token came without a usable lifetime; using it for %ss",
                MIN_TOKEN_TTL,
            )
        ttl = max(ttl, MIN_TOKEN_TTL)
        now = self._monotonic()
        margin = min(self._refresh_buffer, ttl / 2)
        refresh = body.refresh_token if isinstance(body.refresh_token, str) else ""
        self._tokens = _Tokens(
            access_token=access_token,
            refresh_token=refresh or kept_refresh,
            refresh_at=now + ttl - margin,
            expires_at=now + ttl,
        )
        self._refresh_not_before = 0.0
        self._logger.debug("realmid: platform token minted (lifetime %.0fs)", ttl)
        return access_token

    def _policy(self, request: httpx.Request) -> Policy:
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")
        if self._base_path and path.startswith(self._base_path + "/"):
            path = path[len(self._base_path) :]
        policy = bearer_policy(request.method, path)
        if policy is Policy.OPTIONAL and "x-on-behalf-of-ip" not in request.headers:
            return Policy.NONE  # nothing to vouch for: the credential in the body is enough
        return policy

    def _optional_failed(self, err: RealmError) -> None:
        # Fail safe, not closed: without the vouch the issuer ignores the forwarded IP and
        # limits by this backend's own, and the user's credential still decides the call.
        self._logger.warning(
            "realmid: no platform token to vouch for X-On-Behalf-Of-IP (%s); sending without",
            err.code,
        )

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

    # Both drivers: the user's bearer when one is set (the platform token is still minted
    # for operations that require it, as the reference's Do does, so mint errors surface); no
    # bearer where the contract asks none; the platform token as an optional vouch on the
    # user-credential operations that forward an IP; else the platform token, re-minted
    # once on a refusal.

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        policy = self._policy(request)
        _telemetry.inject(request.headers)  # the current realmid span's trace
        bearer = _user_bearer.get()
        if bearer is not None or policy is Policy.NONE:
            if policy is Policy.REQUIRED:
                self._run_sync(None)
            if bearer is not None:
                request.headers["Authorization"] = f"Bearer {bearer}"
            _last_answer.set((yield request))
            return
        if policy is Policy.OPTIONAL:
            try:
                request.headers["Authorization"] = f"Bearer {self._run_sync(None)}"
            except RealmError as err:
                self._optional_failed(err)
            _last_answer.set((yield request))  # a 401 here is the credential's, never ours
            return
        platform_token = self._run_sync(None)
        request.headers["Authorization"] = f"Bearer {platform_token}"
        response = yield request
        if response.status_code == 401:
            response.read()
            if platform_token_refused(response):
                self._logger.info("realmid: platform token refused (401); re-minting once")
                fresh = self._run_sync(stale=platform_token)
                request.headers["Authorization"] = f"Bearer {fresh}"
                response = yield request
        _last_answer.set(response)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        policy = self._policy(request)
        _telemetry.inject(request.headers)  # the current realmid span's trace
        bearer = _user_bearer.get()
        if bearer is not None or policy is Policy.NONE:
            if policy is Policy.REQUIRED:
                await self._run_async(None)
            if bearer is not None:
                request.headers["Authorization"] = f"Bearer {bearer}"
            _last_answer.set((yield request))
            return
        if policy is Policy.OPTIONAL:
            try:
                request.headers["Authorization"] = f"Bearer {await self._run_async(None)}"
            except RealmError as err:
                self._optional_failed(err)
            _last_answer.set((yield request))  # a 401 here is the credential's, never ours
            return
        platform_token = await self._run_async(None)
        request.headers["Authorization"] = f"Bearer {platform_token}"
        response = yield request
        if response.status_code == 401:
            await response.aread()
            if platform_token_refused(response):
                self._logger.info("realmid: platform token refused (401); re-minting once")
                fresh = await self._run_async(stale=platform_token)
                request.headers["Authorization"] = f"Bearer {fresh}"
                response = yield request
        _last_answer.set(response)


def platform_token_refused(response: httpx.Response) -> bool:
    """Whether a 401 to a request that rode the platform token refuses that token.

    The generic ``unauthorized``, or an answer with no usable envelope (a gateway's page),
    is about the bearer; a 401 that names another credential (``invalid_otp``,
    ``provider_token_invalid``, ``invalid_credentials``, ...) is the caller's error.
    """
    if response.status_code != 401:
        return False
    code = envelope_code(response.content)
    return code is None or code == ErrorCode.UNAUTHORIZED


def answer_to_error(exc: BaseException) -> RealmError:
    """The error for a failure raised while the generated client handled an answer.

    With the answer in hand, a non-2xx maps through the envelope/status policy and a 2xx
    that could not be parsed is ``server_error`` with its real status; without one (the
    request never got an answer), the transport mapping applies.
    """
    answer = _last_answer.get()
    if isinstance(exc, httpx.HTTPError) or answer is None:
        return error_from_exception(exc)
    if not 200 <= answer.status_code < 300:
        return error_from_parts(answer.status_code, answer.content, answer.headers)
    return RealmError(
        ErrorCode.SERVER_ERROR,
        f"malformed response body ({type(exc).__name__})",
        answer.status_code,
        cause=exc,
        request_id=answer.headers.get("x-request-id"),
    )


@contextlib.contextmanager
def tracking_answers() -> Iterator[None]:
    """Within this block, ``answer_to_error`` sees only answers received inside it."""
    reset = _last_answer.set(None)
    try:
        yield
    finally:
        _last_answer.reset(reset)


def _lifetime(expires_in: object, access_token: str) -> float:
    """Seconds the platform token may be used: ``expires_in``, else ``exp - iat`` of the JWT."""
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
        return float(expires_in)
    claims = unverified_claims(access_token) or {}
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, int | float) and isinstance(iat, int | float):
        return float(exp - iat)
    return 0.0


def _token_outcome(span: _telemetry.Span, grant: str, outcome: Outcome, minted: str | None) -> None:
    """Record one token request on its span and the ``realmid.token.requests`` counter."""
    if isinstance(outcome, httpx.Response):
        span.answer(outcome.status_code, outcome.headers.get("x-request-id"))
    if minted is not None:
        code = "ok"
    else:
        err = _as_error(outcome)
        code = str(err.code)
        span.fail(code, err.http_status, err.request_id)
    _telemetry.count(_telemetry.TOKEN_REQUESTS, {_telemetry.GRANT: grant, _telemetry.OUTCOME: code})


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
