"""Helpers for running one test body through both faces (Realm and AsyncRealm)."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

import attrs
import httpx

import realmid
from realmid._config import RetryPolicy
from realmid._http import RealmTransport
from realmid.testing import RealmEmulator

FAST_RETRY = RetryPolicy(max_retries=2, backoff_factor=0.01, max_backoff=0.05, total_timeout=5)


async def call(value: Any) -> Any:
    """Await coroutines (the async face); pass plain values (the sync face) through."""
    return await value if inspect.isawaitable(value) else value


async def collect(items: Iterable[Any] | AsyncIterator[Any]) -> list[Any]:
    if hasattr(items, "__aiter__"):
        return [item async for item in items]  # type: ignore[union-attr]
    return list(items)  # type: ignore[arg-type]


@attrs.frozen
class Sent:
    """One request as it left the SDK: what a recording transport saw on the wire."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return " ".join([self.method, self.path, json.dumps(self.headers), self.body.decode()])


class Recorder(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps the real loopback transport and keeps a copy of every request sent through it."""

    def __init__(self, inner: httpx.BaseTransport | httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def _keep(self, request: httpx.Request) -> None:
        with self._lock:
            self.sent.append(
                Sent(request.method, request.url.path, dict(request.headers), request.read())
            )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._keep(request)
        assert isinstance(self.inner, httpx.BaseTransport)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._keep(request)
        assert isinstance(self.inner, httpx.AsyncBaseTransport)
        return await self.inner.handle_async_request(request)

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.sent if s.method == method and s.path == path)


def make_realm(
    face: str,
    emu: RealmEmulator,
    *,
    record: bool = False,
    retry: RetryPolicy = FAST_RETRY,
    **kwargs: Any,
) -> tuple[realmid.Realm | realmid.AsyncRealm, Recorder | None]:
    """A handle on the emulator's realm; with ``record``, every request it sends is kept."""
    logger = kwargs.pop("logger", logging.getLogger("realmid"))
    recorder: Recorder | None = None
    if record:
        inner: Any = httpx.AsyncHTTPTransport() if face == "async" else httpx.HTTPTransport()
        recorder = Recorder(inner)
        transport = RealmTransport(recorder, retry, logger)
        client: Any = (
            httpx.AsyncClient(transport=transport, timeout=kwargs.get("timeout", 30.0))
            if face == "async"
            else httpx.Client(transport=transport, timeout=kwargs.get("timeout", 30.0))
        )
        kwargs["http_client"] = client
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    realm = cls(
        realm_id=emu.realm_id,
        api_key=emu.api_key,
        base_url=emu.base_url,
        retry=retry,
        logger=logger,
        **kwargs,
    )
    return realm, recorder


async def close(realm: realmid.Realm | realmid.AsyncRealm) -> None:
    if isinstance(realm, realmid.AsyncRealm):
        await realm.aclose()
        http = realm._http
        if not realm._owns_http:
            await http.aclose()
    else:
        realm.close()
        if not realm._owns_http:
            realm._http.close()


async def many_at_once(face: str, count: int, make_call: Any) -> list[Any]:
    """Run ``make_call()`` ``count`` times at once: threads for sync, tasks for async."""
    if face == "async":
        return list(await asyncio.gather(*(make_call() for _ in range(count))))
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = make_call()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
