"""The realm handle: configuration, the platform-token flow, ``info()`` and ``request()``.

This is the async source; ``python -m generator`` derives the sync face from it, so the
docstrings show calls the way the sync face spells them.
"""

from __future__ import annotations

import inspect
import logging
import os
import ssl
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx
from realmid_api import AuthenticatedClient
from realmid_api.types import UNSET, Response

from realmid import _telemetry
from realmid._async.pagination import AsyncPaginated
from realmid._auth_flow import PlatformTokenAuth, answer_to_error, tracking_answers
from realmid._auth_flow import user_bearer as as_user
from realmid._config import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_KEEPALIVE_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_BYTES,
    RealmConfig,
    RetryPolicy,
    arguments_from_env,
)
from realmid._faces import AsyncLock, AsyncOp, cache_for_async_face
from realmid._http import USER_AGENT
from realmid._inputs import forwarded_headers, header_value
from realmid._lazy import resource
from realmid._transports import async_transport
from realmid.errors import (
    BadRequestError,
    ErrorCode,
    RealmError,
    error_from_exception,
    error_from_parts,
)
from realmid.models import Page
from realmid.revocation import AsyncRevocationCache, MemRevocationCache, RevocationCache

if TYPE_CHECKING:
    # The resource namespaces load on first use (see the `resource` attributes below), so a
    # handle's construction imports none of their generated operations or models.
    from realmid._async.admin import AsyncAdmin
    from realmid._async.api_keys import AsyncApiKeys
    from realmid._async.auth import AsyncAuth
    from realmid._async.config import AsyncConfig
    from realmid._async.domains import AsyncDomains
    from realmid._async.origins import AsyncOrigins
    from realmid._async.otp import AsyncOtp
    from realmid._async.roles import AsyncRoles
    from realmid._async.tenants import AsyncTenants
    from realmid._async.tokens import AsyncTokensClient
    from realmid.jwks import AsyncJwksCache
    from realmid.middleware.asgi import ASGIApp, RealmASGIMiddleware
    from realmid.middleware.fastapi import ClaimsDependency
    from realmid.middleware.options import MFARule, MiddlewareOptions
    from realmid.middleware.wsgi import RealmWSGIMiddleware, WSGIApp
    from realmid.models import RealmInfo
    from realmid.verify import AsyncVerifier, Claims

T = TypeVar("T")


class AsyncRealm:
    """The SDK handle for one realm. Construct one at startup and share it.

    Construction validates the configuration and makes no network call::

        realm = AsyncRealm(realm_id="01HXYZ...", api_key="rk_live_...")
        info = realm.info()

    The handle is safe to share across tasks (the async face) or threads (the sync face).
    An async handle serves any event loop, one after another or side by side: each loop gets
    its own connection pool (a pooled connection belongs to the loop that opened it), so one
    handle survives successive ``asyncio.run`` calls and test clients that start a loop per
    request. It owns an HTTP client: close the handle when done, or use it as a context
    manager.

    The handle's client honours the environment as httpx does (``trust_env=False`` turns
    that off): ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``/``NO_PROXY`` and
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``; loopback hosts (the emulator) are never proxied.
    ``proxy`` (a URL or ``httpx.Proxy``) overrides the environment's proxies, ``verify``
    (False, a CA bundle path or an ``ssl.SSLContext``) its CA settings.

    ``http_client`` replaces that client: the handle installs its auth and base URL on it,
    but the client keeps its own transport, so **the SDK's retries** (``retry``), **body cap**
    (``max_response_bytes``), **connection limits, proxy and TLS settings do not apply, nor
    does** ``timeout`` (the client's own timeout does); the handle logs a warning saying so.
    Closing it stays the caller's job. Prefer ``proxy=``/``verify=``, which keep them all.

    ``max_response_bytes`` (default 8 MiB) caps every response body the handle's transport
    reads; a larger one is a ``server_error`` RealmError carrying the answer's status.

    ``max_connections`` (default 100) caps the open connections of the handle's client, and
    ``max_keepalive_connections`` (default 100) how many idle ones it keeps for reuse: size
    both to the calls the handle makes at once, so a second burst reuses the first one's
    connections instead of opening new ones (``None``: no cap). A supplied ``http_client``
    keeps its own limits.

    The resource namespaces (``realm.tenants``, ``realm.auth``, ...) are built, and their
    modules imported, on first use; each is then the same object for the handle's lifetime.
    """

    def __init__(
        self,
        realm_id: str,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        origin: str | None = None,
        logger: logging.Logger | None = None,
        http_client: httpx.AsyncClient | None = None,
        leeway: float | timedelta = 30.0,
        clock: Callable[[], float] | None = None,
        revocation: RevocationCache | AsyncRevocationCache | None = None,
        timeout: float | timedelta = 30.0,
        retry: RetryPolicy | None = None,
        token_refresh_buffer: float | timedelta = 60.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_connections: int | None = DEFAULT_MAX_CONNECTIONS,
        max_keepalive_connections: int | None = DEFAULT_MAX_KEEPALIVE_CONNECTIONS,
        proxy: str | httpx.URL | httpx.Proxy | None = None,
        verify: bool | str | ssl.SSLContext = True,
        trust_env: bool = True,
    ) -> None:
        self._config = RealmConfig(
            realm_id=realm_id,
            api_key=api_key,
            base_url=base_url,
            origin=origin,
            logger=logger or logging.getLogger("realmid"),
            leeway=leeway,
            clock=clock,
            revocation=revocation,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            token_refresh_buffer=token_refresh_buffer,
            http_client=http_client,
            max_response_bytes=max_response_bytes,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            proxy=proxy,
            verify=verify,
            trust_env=trust_env,
        )
        config = self._config
        # The generated client's own token field stays empty: the Auth below owns the bearer.
        self._api = AuthenticatedClient(base_url=config.base_url, token="")
        self._auth = PlatformTokenAuth(
            realm_id=config.realm_id,
            api_key=config.api_key,
            base_url=config.base_url,
            refresh_buffer=config.token_refresh_buffer,
            logger=config.logger,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.AsyncClient(
                base_url=config.base_url,
                auth=self._auth,
                timeout=config.timeout,
                headers={"User-Agent": USER_AGENT},
                # Limits, proxies and TLS go to the transport: a client given a transport
                # ignores its own (realmid/_transports.py).
                transport=async_transport(config),
            )
        else:
            # A caller-supplied client keeps its transport; it gets our auth and base URL.
            config.logger.warning(
                "realmid: http_client= supplied: its own transport and timeout are used, so "
                "the SDK's retries, max_response_bytes cap, connection limits, proxy and TLS "
                "settings do not apply (pass proxy= / verify= instead to keep them)"
            )
            http_client.auth = self._auth
            http_client.base_url = httpx.URL(config.base_url)
        self._http = http_client
        self._auth.bind(self._http)
        self._api.set_async_httpx_client(self._http)
        self._info: RealmInfo | None = None
        self._audience: str | None = None
        self._info_lock = AsyncLock()
        # One cache behind realm.tokens and verify(): a token marked revoked is refused.
        self._revocation = (
            None if config.revocation is None else cache_for_async_face(config.revocation)
        )
        self._verifier: AsyncVerifier | None = None
        self._verifier_lock = AsyncLock()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """A handle configured from the environment; keyword arguments override it.

        Reads ``REALMID_REALM_ID`` and ``REALMID_API_KEY`` (required, from the environment
        or as arguments), ``REALMID_BASE_URL`` (default: the canonical issuer) and
        ``REALMID_TIMEOUT`` (seconds). Any other constructor argument can be passed too.
        A missing variable is a BadRequestError that names it::

            # REALMID_REALM_ID=01HXYZ... REALMID_API_KEY=rk_live_... python app.py
            realm = AsyncRealm.from_env(max_connections=20)

        ``environ`` replaces ``os.environ`` (tests).
        """
        accepted = [n for n in inspect.signature(cls).parameters if n not in ("self",)]
        source = os.environ if environ is None else environ
        return cls(**arguments_from_env(source, overrides, accepted))

    @resource
    def _jwks(self) -> AsyncJwksCache:
        """The issuer's signing keys, built on the first verify (its URL comes from the
        generated ``get_jwks`` operation, which construction does not import)."""
        from realmid.jwks import AsyncJwksCache, jwks_url

        # Keys are fetched without the platform token (auth=None inside the cache): verifying
        # users' tokens must not depend on the API key.
        return AsyncJwksCache(jwks_url(self.base_url), self._http, logger=self._config.logger)

    @resource
    def tokens(self) -> AsyncTokensClient:
        """The revocation cache, driven by access tokens (``mark_revoked``, ``is_revoked``)."""
        from realmid._async.tokens import AsyncTokensClient

        # `is None`, not `or`: an empty cache is falsy (it has a len()).
        cache = self._revocation
        return AsyncTokensClient(
            MemRevocationCache(self._config.clock) if cache is None else cache,
            logger=self._config.logger,
        )

    # -- resource namespaces: each module is imported, and the namespace built, on first use

    @resource
    def auth(self) -> AsyncAuth:
        """Login, refresh, MFA, OTP login, logout and sessions."""
        from realmid._async.auth import AsyncAuth

        return AsyncAuth(self)

    @resource
    def tenants(self) -> AsyncTenants:
        """Tenants of the realm, with ``.invitations`` and ``.users``."""
        from realmid._async.tenants import AsyncTenants

        return AsyncTenants(self)

    @resource
    def domains(self) -> AsyncDomains:
        """Realm domain claims."""
        from realmid._async.domains import AsyncDomains

        return AsyncDomains(self)

    @resource
    def api_keys(self) -> AsyncApiKeys:
        """The realm's API keys."""
        from realmid._async.api_keys import AsyncApiKeys

        return AsyncApiKeys(self)

    @resource
    def config(self) -> AsyncConfig:
        """Realm-level configuration."""
        from realmid._async.config import AsyncConfig

        return AsyncConfig(self)

    @resource
    def roles(self) -> AsyncRoles:
        """The realm's role catalog."""
        from realmid._async.roles import AsyncRoles

        return AsyncRoles(self)

    @resource
    def origins(self) -> AsyncOrigins:
        """The realm's origin allowlist."""
        from realmid._async.origins import AsyncOrigins

        return AsyncOrigins(self)

    @resource
    def admin(self) -> AsyncAdmin:
        """Operator views across the issuer (the ``admin`` scope)."""
        from realmid._async.admin import AsyncAdmin

        return AsyncAdmin(self)

    @resource
    def otp(self) -> AsyncOtp:
        """Partner OTPs."""
        from realmid._async.otp import AsyncOtp

        return AsyncOtp(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(realm_id={self.realm_id!r}, base_url={self.base_url!r})"

    # -- properties ------------------------------------------------------------------------

    @property
    def realm_id(self) -> str:
        """The realm's id."""
        return self._config.realm_id

    @property
    def base_url(self) -> str:
        """The issuer's base URL (also the ``iss`` of its access tokens)."""
        return self._config.base_url

    @property
    def revocation(self) -> RevocationCache | AsyncRevocationCache | None:
        """The revocation cache given at construction, or None (``realm.tokens`` then uses a
        per-process :class:`~realmid.MemRevocationCache`)."""
        return self._revocation

    @property
    def api_client(self) -> AuthenticatedClient:
        """The generated ``realmid_api`` client, wired with the platform-token flow.

        Any generated operation can be called with it directly::

            from realmid_api.api.tenants import list_tenants
            page = list_tenants.sync(client=realm.api_client)
        """
        return self._api

    # -- lifecycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client (unless it was supplied by the caller)."""
        jwks = self.__dict__.get("_jwks")  # never built: nothing to stop
        if jwks is not None:
            await jwks.aclose()  # no background key refresh after this (async: cancelled)
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncRealm:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- calls -----------------------------------------------------------------------------

    async def _send(self, op: AsyncOp, **kwargs: Any) -> Response[Any]:
        """Run a generated operation; return its 2xx response or raise its RealmError.

        The whole call is one CLIENT span (``realmid._telemetry.call``), its name set by the
        resource method running it; the request's ``traceparent`` belongs to it."""
        with _telemetry.call(self.realm_id, op) as span:
            response = await self._send_in_span(op, kwargs)
            span.answer(int(response.status_code), response.headers.get("x-request-id"))
            return response

    async def _send_in_span(self, op: AsyncOp, kwargs: dict[str, Any]) -> Response[Any]:
        with tracking_answers():
            try:
                response = await op(client=self._api, **kwargs)
            except RealmError:
                raise
            except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as exc:
                # Transport failures, 2xx bodies that are not the documented JSON, statuses
                # the generated client cannot represent: mapped with the answer's real status.
                raise answer_to_error(exc) from exc
            except RuntimeError as exc:
                if not self._http.is_closed:
                    raise
                raise BadRequestError(
                    f"this {type(self).__name__} is closed (its HTTP client was closed): "
                    "build a new handle, or close it only at shutdown"
                ) from exc
        if not 200 <= response.status_code < 300:
            raise error_from_parts(response.status_code, response.content, response.headers)
        return response

    async def _call(self, op: AsyncOp, expect: type[T], **kwargs: Any) -> T:
        """Run a generated operation; return its parsed 2xx body, checked to be ``expect``."""
        response = await self._send(op, **kwargs)
        parsed = response.parsed
        if not isinstance(parsed, expect):
            raise RealmError(
                ErrorCode.SERVER_ERROR,
                f"unexpected response body for HTTP {int(response.status_code)}",
                int(response.status_code),
                request_id=response.headers.get("x-request-id"),
            )
        return parsed

    def _paginate(
        self, op: AsyncOp, expect: type[Any], *, limit: int | None = None, **kwargs: Any
    ) -> AsyncPaginated[Any]:
        """Page through a list operation whose body is the page envelope (SPEC §7)."""
        span_name = _telemetry.current_name()  # pages are fetched later, outside the method

        async def fetch(cursor: str | None, page_limit: int | None) -> Page[Any]:
            with _telemetry.naming(span_name):
                body = await self._call(
                    op,
                    expect,
                    cursor=UNSET if cursor is None else cursor,
                    limit=UNSET if page_limit is None else page_limit,
                    **kwargs,
                )
            next_cursor = body.next_cursor if isinstance(body.next_cursor, str) else None
            total = body.total if isinstance(body.total, int) else None
            return Page(items=list(body.items), next_cursor=next_cursor, total=total)

        return AsyncPaginated(fetch, limit=limit)

    async def verify(self, token: str, audience: str | None = None) -> Claims:
        """Verify an RS256 access token locally and return its claims.

        Checks the signature against the issuer's JWKS (fetched once, cached), then ``iss``,
        ``aud`` (default: ``info().audience``), ``exp``/``nbf``/``iat`` with the configured
        leeway, and the revocation cache. Every failure is a RealmError with its code
        (``expired``, ``bad_signature``, ``wrong_audience``, ...)::

            claims = realm.verify(access_token)
            claims.sub, claims.tenant_id, claims.role

        Only the first call, and a token signed by a key not seen yet, need the network; an
        explicit ``audience`` skips the realm-info call. Neither the info nor the keys ride
        the platform token, so verification never depends on the API key.
        """
        verifier = self._verifier
        if audience is None:
            if verifier is not None and self._audience == verifier.audience:
                # The verifier's default is this realm's audience, so from now on its verify
                # is this one (same arguments, same answers): the instance attribute shadows
                # this method, and a cached token's verify runs one frame instead of two.
                self.__dict__["verify"] = verifier.verify
                return await verifier.verify(token)
            audience = self._audience or await self._default_audience()
        if verifier is None:
            verifier = await self._build_verifier(audience)
        return await verifier.verify(token, audience)

    async def _default_audience(self) -> str:
        audience = (await self.info()).audience
        if not audience:
            raise RealmError(
                ErrorCode.WRONG_AUDIENCE,
                "the realm's info has no audience; pass audience= to verify()",
            )
        self._audience = audience
        return audience

    async def _build_verifier(self, audience: str) -> AsyncVerifier:
        # Every call names its audience, so the one given here is only the verifier's default.
        async with self._verifier_lock:
            if self._verifier is None:
                from realmid.verify import AsyncVerifier

                self._verifier = AsyncVerifier(
                    self.base_url,
                    audience,
                    jwks_cache=self._jwks,
                    leeway=self._config.leeway,
                    clock=self._config.clock,
                    revocation=self.tokens.cache,
                    logger=self._config.logger,
                    # azp names the realm that minted the token: another realm's is refused.
                    realm_id=self._config.realm_id,
                )
                # From now on realm.tokens parks a token as a genuine revocation only when its
                # signature checks out, so unsigned input cannot evict real ones.
                self.tokens.verifier = self._verifier
            return self._verifier

    @_telemetry.named("realmid.realm.info")
    async def info(self) -> RealmInfo:
        """Realm metadata, fetched once and cached for the handle's lifetime.

        Concurrent first calls share one request.
        """
        cached = self._info
        if cached is not None:
            return cached
        async with self._info_lock:
            if self._info is None:
                from realmid_api.api.realm import get_realm_info

                from realmid.models import RealmInfo

                self._info = await self._call(
                    get_realm_info.asyncio_detailed, RealmInfo, platform_id=self.realm_id
                )
            return self._info

    async def origin(self) -> str:
        """The ``Origin`` sent on auth calls: the configured one, else from ``info().audience``."""
        if self._config.origin:
            return self._config.origin
        audience = (await self.info()).audience
        if not audience:
            raise RealmError(
                ErrorCode.MISSING_ORIGIN,
                "no origin configured and the realm's info has no audience to derive it from",
            )
        url = httpx.URL(audience if "://" in audience else f"https://{audience}")
        port = f":{url.port}" if url.port else ""
        return f"{url.scheme}://{url.host}{port}"

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        on_behalf_of_user: str | None = None,
        on_behalf_of_ip: str | None = None,
        user_bearer: str | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send an authenticated request to any path of the issuer (Go's ``Do``).

        The escape hatch for BFF / proxy code that forwards calls the typed surface does not
        cover. The platform token is minted behind the scenes; ``Authorization`` is always
        set by the SDK (one in ``headers`` is dropped). ``user_bearer`` replaces the platform
        bearer on the wire, though the platform token is still minted. A non-2xx answer is
        returned intact: ``realmid.errors.raise_for_status(response)`` turns it into a
        RealmError::

            response = realm.request("GET", "/tenants", params={"limit": 10},
                                     on_behalf_of_ip="203.0.113.9")
        """
        try:
            target = httpx.URL(path) if isinstance(path, str) and path else None
        except httpx.InvalidURL:
            target = None
        if target is None or target.scheme or target.host or path.startswith("//"):
            # An absolute or network-path URL would carry the platform token to another host;
            # a URL inside the query string (e.g. ?next=https://...) is fine.
            raise BadRequestError("path must be a path on the issuer, e.g. '/tenants?limit=10'")
        path = path if path.startswith("/") else f"/{path}"
        send_headers = httpx.Headers(forwarded_headers(headers or {}))
        send_headers.pop("authorization", None)
        if on_behalf_of_user is not None:
            send_headers["X-On-Behalf-Of-User"] = header_value(
                "on_behalf_of_user", on_behalf_of_user
            )
        if on_behalf_of_ip is not None:
            send_headers["X-On-Behalf-Of-IP"] = header_value("on_behalf_of_ip", on_behalf_of_ip)
        if user_bearer is not None:
            header_value("user_bearer", user_bearer)
        with (
            as_user(user_bearer),
            _telemetry.call(self.realm_id, "request", "realmid.realm.request") as span,
        ):
            try:
                response = await self._http.request(
                    method,
                    path,
                    json=json,
                    content=content,
                    params=params,
                    headers=send_headers,
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except RealmError:
                raise
            except httpx.HTTPError as exc:
                raise error_from_exception(exc) from exc
            span.answer(response.status_code, response.headers.get("x-request-id"))
            return response

    # -- middleware (SPEC §10; realmid/middleware) ---------------------------------------

    def asgi_middleware(
        self, app: ASGIApp, options: MiddlewareOptions | None = None
    ) -> RealmASGIMiddleware:
        """Guard an ASGI app (Starlette, FastAPI, ...): ``app = realm.asgi_middleware(app)``.

        No I/O here. See :class:`realmid.middleware.MiddlewareOptions` for what it does.
        """
        from realmid.middleware._async.flow import AsyncMiddlewareFlow
        from realmid.middleware.asgi import RealmASGIMiddleware

        return RealmASGIMiddleware(app, AsyncMiddlewareFlow(self, options))

    def wsgi_middleware(
        self, app: WSGIApp, options: MiddlewareOptions | None = None
    ) -> RealmWSGIMiddleware:
        """Guard a WSGI app (Flask, Django, ...): ``app.wsgi_app = realm.wsgi_middleware(...)``.

        No I/O here. See :class:`realmid.middleware.MiddlewareOptions` for what it does.
        """
        from realmid.middleware._async.flow import AsyncMiddlewareFlow
        from realmid.middleware.wsgi import RealmWSGIMiddleware

        return RealmWSGIMiddleware(app, AsyncMiddlewareFlow(self, options))

    def require_claims(self, mfa: MFARule | bool | None = None) -> ClaimsDependency:
        """A FastAPI dependency bound to this handle: ``Depends(realm.require_claims())``.

        ``mfa=True`` (default window) or ``mfa=MFARule(...)`` also demands a fresh MFA.
        :func:`realmid.middleware.fastapi.require_claims` finds the handle at request time
        instead (``app.state.realm``), for a handle built in ``lifespan``.
        """
        from realmid.middleware.fastapi import require_claims

        return require_claims(mfa=False if mfa is None else mfa, realm=self)
