"""The transport stack of the HTTP client a handle builds for itself.

Three things httpx does for a plain client, that a client given ``transport=`` (as the
handle's is, for its retries and body cap) loses, and that are put back here:

- **Proxies from the environment.** httpx reads ``HTTP_PROXY``/``HTTPS_PROXY``/
  ``ALL_PROXY``/``NO_PROXY`` only when it builds the transports itself; here they are read
  once, at construction, as httpx does, and each request is routed by its URL. Loopback
  hosts (``localhost``, ``127.0.0.0/8``, ``::1``: the emulator) are never proxied.
- **``SSL_CERT_FILE``/``SSL_CERT_DIR``**, honoured by ``HTTPTransport(trust_env=True)``;
  ``verify=`` overrides them (a CA bundle path, an ``ssl.SSLContext``, or False).
- **One connection pool per event loop** (async face): a pooled connection belongs to the
  loop that opened it, so a handle that outlives a loop (two ``asyncio.run`` calls, a
  test client that starts a loop per request) gets a fresh pool on the next loop instead of
  "Event loop is closed".
"""

from __future__ import annotations

import ssl
import threading
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from realmid._config import is_loopback
from realmid._http import RealmTransport

if TYPE_CHECKING:
    import asyncio

    from realmid._config import RealmConfig

__all__ = ["ProxyRoutes", "async_transport", "sync_transport"]

T = TypeVar("T", httpx.BaseTransport, httpx.AsyncBaseTransport)


def _as_proxy(value: str | httpx.URL | httpx.Proxy) -> httpx.Proxy:
    if isinstance(value, httpx.Proxy):
        return value
    text = str(value)
    # As httpx reads HTTPS_PROXY=proxy:3128: a proxy URL without a scheme is http://.
    return httpx.Proxy(text if "://" in text else f"http://{text}")


class ProxyRoutes:
    """Which proxy, if any, a request goes through.

    An explicit ``proxy`` serves every URL; otherwise, with ``trust_env``, the environment
    as read at construction: ``<scheme>_proxy`` then ``all_proxy``, unless ``no_proxy``
    names the host (``urllib.request``'s reading, which httpx's follows). Never for
    loopback hosts.
    """

    def __init__(self, proxy: str | httpx.URL | httpx.Proxy | None, trust_env: bool) -> None:
        self._explicit = None if proxy is None else _as_proxy(proxy)
        self._env: dict[str, str] = {}
        if self._explicit is None and trust_env:
            self._env = urllib.request.getproxies_environment()
        self._by_scheme = {
            scheme: _as_proxy(url)
            for scheme in ("http", "https")
            if (url := self._env.get(scheme) or self._env.get("all"))
        }

    def __bool__(self) -> bool:
        return self._explicit is not None or bool(self._by_scheme)

    def for_url(self, url: httpx.URL) -> httpx.Proxy | None:
        """The proxy for ``url``, or None to connect directly."""
        if is_loopback(url.host):
            return None
        if self._explicit is not None:
            return self._explicit
        proxy = self._by_scheme.get(url.scheme)
        if proxy is None:
            return None
        host = url.host if url.port is None else f"{url.host}:{url.port}"
        bypass: bool = urllib.request.proxy_bypass_environment(host, self._env)  # type: ignore[attr-defined]
        return None if bypass else proxy


class _Routed(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Sends each request through the transport of its proxy (or the direct one)."""

    def __init__(self, routes: ProxyRoutes, make: Callable[[httpx.Proxy | None], Any]) -> None:
        self._routes = routes
        self._make = make
        self._direct = make(None)
        self._proxied: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _pick(self, request: httpx.Request) -> Any:
        proxy = self._routes.for_url(request.url)
        if proxy is None:
            return self._direct
        key = str(proxy.url)
        transport = self._proxied.get(key)
        if transport is None:
            with self._lock:
                transport = self._proxied.setdefault(key, self._make(proxy))
        return transport

    def _all(self) -> list[Any]:
        return [self._direct, *self._proxied.values()]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = self._pick(request).handle_request(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = await self._pick(request).handle_async_request(request)
        return response

    def close(self) -> None:
        for transport in self._all():
            transport.close()

    async def aclose(self) -> None:
        for transport in self._all():
            await transport.aclose()


class _PerLoop(httpx.AsyncBaseTransport):
    """A transport stack per running event loop, built on the loop's first request.

    Stacks of closed loops are dropped when the next loop arrives: their connections can be
    neither used nor closed any more (closing needs their loop). ``aclose()`` closes the
    running loop's stack and drops the others.
    """

    def __init__(self, build: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._build = build
        self._stacks: dict[int, tuple[asyncio.AbstractEventLoop, httpx.AsyncBaseTransport]] = {}
        self._lock = threading.Lock()

    def _current(self) -> httpx.AsyncBaseTransport:
        import asyncio  # loaded by the running loop; not at `import realmid`

        loop = asyncio.get_running_loop()
        entry = self._stacks.get(id(loop))
        if entry is not None and entry[0] is loop:
            return entry[1]
        with self._lock:
            for key, (other, _) in list(self._stacks.items()):
                if other.is_closed():
                    del self._stacks[key]
            stack = self._build()
            self._stacks[id(loop)] = (loop, stack)
            return stack

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._current().handle_async_request(request)

    async def aclose(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        with self._lock:
            stacks, self._stacks = self._stacks, {}
        entry = stacks.get(id(loop))
        if entry is not None and entry[0] is loop:
            await entry[1].aclose()


def _tls(config: RealmConfig) -> bool | ssl.SSLContext:
    verify = config.verify
    if isinstance(verify, str):  # a CA bundle: httpx 0.28 wants it as an SSLContext
        return ssl.create_default_context(cafile=verify)
    return verify


def _stack(config: RealmConfig, transport_type: type[T]) -> T:
    routes = ProxyRoutes(config.proxy, config.trust_env)
    tls = _tls(config)

    def make(proxy: httpx.Proxy | None) -> T:
        return transport_type(  # type: ignore[call-arg]
            verify=tls, trust_env=config.trust_env, limits=config.limits(), proxy=proxy
        )

    inner: Any = _Routed(routes, make) if routes else make(None)
    return RealmTransport(
        inner, config.retry, config.logger, max_response_bytes=config.max_response_bytes
    )


def sync_transport(config: RealmConfig) -> httpx.BaseTransport:
    """The sync handle's transport: retries and body cap over proxy routing and TLS."""
    return _stack(config, httpx.HTTPTransport)


def async_transport(config: RealmConfig) -> httpx.AsyncBaseTransport:
    """The async handle's transport: :func:`sync_transport`'s stack, one per event loop."""
    return _PerLoop(lambda: _stack(config, httpx.AsyncHTTPTransport))
