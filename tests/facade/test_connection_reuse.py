"""Bursts of concurrent calls on one handle reuse its connections (issue 15, item 5).

httpx keeps 20 idle connections by default: after a burst of 100 concurrent calls, the next
burst would open up to 80 new TCP connections. The handle's client keeps as many idle
connections as it may open (``max_keepalive_connections``, default 100), so the second
burst opens (almost) none. The emulator is reached through a loopback TCP proxy that counts
the connections it accepts: what the server side sees, not the client pool's own account.

No clock decides the outcome. Idle connections expire after 5 s on both sides (httpx's
``keepalive_expiry``, uvicorn's keep-alive timeout), and a loaded machine can take longer
than that between two bursts. So the client's expiry is lengthened here, only the expiry
and not the handle's pool sizes. The proxy keeps a client's connection open when the
emulator closes its side, and reconnects upstream at the next request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import realmid
from realmid._config import RealmConfig
from realmid.testing import RealmEmulator
from tests.facade.support import FAST_RETRY, call, close, many_at_once

CALLERS = 100
# Latency on every answer keeps the callers of a burst in flight together, so the first
# burst needs (about) as many connections as there are callers.
LATENCY = 0.2
# Longer than any pair of bursts takes, however loaded the machine (see the module's doc).
KEEPALIVE_EXPIRY = 600.0


class CountingProxy:
    """A TCP proxy on 127.0.0.1 in front of ``upstream``; records each accepted connection."""

    def __init__(self, upstream_port: int) -> None:
        self._upstream_port = upstream_port
        self._lock = threading.Lock()
        self.client_ports: list[int] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="counting-proxy", daemon=True)
        self.port = 0

    @property
    def accepted(self) -> int:
        with self._lock:
            return len(self.client_ports)

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=512)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self.client_ports.append(writer.get_extra_info("peername")[1])
        upstream: asyncio.StreamWriter | None = None
        answers: asyncio.Task[None] | None = None
        try:
            while data := await reader.read(65536):
                if upstream is None or answers is None or answers.done():
                    # First request, or the emulator closed an idle connection (its
                    # keep-alive timeout): the client's connection stays, counted once.
                    if upstream is not None:
                        upstream.close()
                    up_reader, upstream = await asyncio.open_connection(
                        "127.0.0.1", self._upstream_port
                    )
                    answers = asyncio.create_task(self._answers(up_reader, writer))
                upstream.write(data)
                await upstream.drain()
        except (ConnectionError, asyncio.CancelledError):  # the proxy is shutting down
            pass
        finally:
            if answers is not None:
                answers.cancel()
            if upstream is not None:
                upstream.close()
            writer.close()

    @staticmethod
    async def _answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Upstream to the client, until the emulator closes its side (the client's stays)."""
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass


@pytest.fixture(autouse=True)
def long_keepalive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The handle's own pool limits, with an idle expiry no run can reach."""
    limits = RealmConfig.limits

    def lengthened(self: RealmConfig) -> httpx.Limits:
        own = limits(self)
        return httpx.Limits(
            max_connections=own.max_connections,
            max_keepalive_connections=own.max_keepalive_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        )

    monkeypatch.setattr(RealmConfig, "limits", lengthened)


@pytest.fixture
def proxy(emulator: RealmEmulator) -> Iterator[CountingProxy]:
    port = int(emulator.base_url.rsplit(":", 1)[1])
    with CountingProxy(port) as running:
        yield running


def _grants(emulator: RealmEmulator) -> int:
    """Platform tokens the emulator minted for this test's realm (logins and refreshes)."""
    store = emulator._runtime.store
    with store.lock:
        return len(
            {
                g.access_token
                for g in store.platform_by_access.values()
                if g.realm_id == emulator.realm_id
            }
        )


async def _two_bursts(
    face: str, emulator: RealmEmulator, proxy: CountingProxy, **kwargs: Any
) -> tuple[realmid.Realm | realmid.AsyncRealm, int, int]:
    """Connections the proxy accepted during the first burst and during the second."""
    tenant_id = emulator.create_tenant("Burst")
    emulator.faults.latency = LATENCY
    # No recording client: the handle must build its own, with its own pool limits.
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    realm = cls(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=f"http://127.0.0.1:{proxy.port}",
        retry=FAST_RETRY,
        **kwargs,
    )
    try:

        async def one_call() -> Any:
            return (await call(realm.tenants.get(tenant_id))).id

        def sync_call() -> Any:
            return realm.tenants.get(tenant_id).id  # type: ignore[union-attr]

        make_call = one_call if face == "async" else sync_call
        before = proxy.accepted
        first = await many_at_once(face, CALLERS, make_call)
        after_first = proxy.accepted
        second = await many_at_once(face, CALLERS, make_call)
        after_second = proxy.accepted
        assert first == second == [tenant_id] * CALLERS
    except BaseException:
        await close(realm)
        raise
    return realm, after_first - before, after_second - after_first


@pytest.mark.anyio
async def test_a_second_burst_reuses_the_first_bursts_connections(
    face: str, emulator: RealmEmulator, proxy: CountingProxy
) -> None:
    grants_before = _grants(emulator)
    realm, first, second = await _two_bursts(face, emulator, proxy)
    try:
        # The first burst ran its callers together (else the second proves nothing; on one
        # event loop that depends on the machine's pace, so the sync face asserts it) ...
        if face == "sync":
            assert first > 30, first
        # ... and the second found their connections kept alive: together the bursts open
        # no more connections than one burst's callers (+5). On one event loop the second
        # burst may run more callers at once than the first did, and only those extra ones
        # may connect; with httpx's 20 kept, most of them would reconnect.
        assert first + second <= CALLERS + 5, (first, second)
        # One platform token served both bursts: single-flight, and never re-minted.
        assert realm._auth.stats.logins == 1
        assert realm._auth.stats.refreshes == 0
        assert _grants(emulator) - grants_before == 1
    finally:
        await close(realm)


@pytest.mark.anyio
async def test_a_small_keepalive_pool_is_what_makes_a_burst_reconnect(
    emulator: RealmEmulator, proxy: CountingProxy
) -> None:
    # The control: httpx's own default (20 idle connections) reconnects most callers. Sync
    # face only: 100 threads keep ~100 calls in flight in every burst, while one event loop
    # may issue a burst's calls slowly enough (it is CPU-bound on a loaded machine) that 20
    # kept connections serve it.
    realm, first, second = await _two_bursts("sync", emulator, proxy, max_keepalive_connections=20)
    try:
        assert first > 30, first
        assert second >= min(first, CALLERS) - 20 - 5, (first, second)
        assert second > 5
    finally:
        await close(realm)


def test_the_limits_reach_the_handles_transport_and_not_a_supplied_client() -> None:
    kwargs: dict[str, Any] = {"realm_id": "r", "api_key": "k", "base_url": "http://127.0.0.1:1"}
    for cls, client_cls in ((realmid.Realm, httpx.Client), (realmid.AsyncRealm, httpx.AsyncClient)):
        realm = cls(**kwargs, max_connections=7, max_keepalive_connections=3)
        pool = _pool(realm._http)
        assert (pool._max_connections, pool._max_keepalive_connections) == (7, 3)
        default = cls(**kwargs)
        pool = _pool(default._http)
        assert (pool._max_connections, pool._max_keepalive_connections) == (100, 100)
        unbounded = cls(**kwargs, max_connections=None, max_keepalive_connections=None)
        assert _pool(unbounded._http)._max_keepalive_connections is not None  # sys.maxsize
        supplied = client_cls(limits=httpx.Limits(max_keepalive_connections=2))
        mine = cls(**kwargs, http_client=supplied, max_keepalive_connections=50)
        assert _pool(mine._http)._max_keepalive_connections == 2


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "10"])
@pytest.mark.parametrize("option", ["max_connections", "max_keepalive_connections"])
def test_pool_sizes_are_positive_integers_or_none(option: str, bad: Any) -> None:
    with pytest.raises(realmid.BadRequestError, match=option):
        realmid.Realm(realm_id="r", api_key="k", **{option: bad})


def _pool(client: Any) -> Any:
    """The httpcore pool under the handle's transport stack (RealmTransport wraps it)."""
    transport = client._transport
    build = getattr(transport, "_build", None)
    if build is not None:  # the async face builds its stack per event loop: build one here
        transport = build()
    for _ in range(5):
        pool = getattr(transport, "_pool", None)
        if pool is not None:
            return pool
        transport = (
            getattr(transport, "_sync_transport", None)
            or getattr(transport, "_async_transport", None)
            or getattr(transport, "_inner", None)
        )
    raise AssertionError(f"no connection pool under {client._transport!r}")
