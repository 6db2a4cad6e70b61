"""The handle's own HTTP client honours proxies and CA settings as httpx does (issue 16, item 6).

Real parts: a TLS front on loopback (a certificate made here, the emulator behind it) and
an HTTP proxy on loopback that tunnels every CONNECT to that front and records each request
line it receives. The proxied host is a name that does not resolve (``realmid.test``):
only a call that really went through the proxy can succeed.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import realmid
from realmid._transports import ProxyRoutes
from realmid.errors import BadRequestError, ErrorCode, RealmError
from realmid.testing import RealmEmulator

from .support import FAST_RETRY, call, close, collect

pytestmark = pytest.mark.anyio
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class _Background:
    """An asyncio server on its own loop thread, on 127.0.0.1."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def start(self, handler: Any, ssl_context: ssl.SSLContext | None = None) -> None:
        async def open_server() -> asyncio.Server:
            server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            return server

        self._server = asyncio.run_coroutine_threadsafe(open_server(), self.loop).result(10)

    def stop(self) -> None:
        async def shutdown() -> None:  # connections closed while their loop still runs
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


class ForwardProxy(_Background):
    """An HTTP proxy: every absolute-form request goes to ``upstream_port``, every CONNECT
    tunnel to ``tunnel_port`` (whatever host either names). ``seen`` holds each request
    line it received."""

    def __init__(self, upstream_port: int, tunnel_port: int) -> None:
        super().__init__()
        self.seen: list[str] = []
        self._upstream = upstream_port
        self._tunnel = tunnel_port
        self.start(self._serve)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, _, rest = head.decode("latin-1").partition("\r\n")
                self.seen.append(line)
                method, target, version = line.split(" ")
                if method == "CONNECT":
                    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._tunnel)
                    writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    await writer.drain()
                    await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
                    return
                url = httpx.URL(target)
                headers = [h for h in rest.split("\r\n") if h]
                length = next(
                    (
                        int(h.split(":", 1)[1])
                        for h in headers
                        if h.lower().startswith("content-length:")
                    ),
                    0,
                )
                body = await reader.readexactly(length) if length else b""
                up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream)
                path = url.raw_path.decode()
                kept = [h for h in headers if not h.lower().startswith(("proxy-", "connection:"))]
                lines = [f"{method} {path} {version}", *kept, "connection: close", "", ""]
                up_writer.write("\r\n".join(lines).encode("latin-1") + body)
                await up_writer.drain()
                answer = await up_reader.read()
                up_writer.close()
                writer.write(answer)
                await writer.drain()
                return  # the upstream answer closes the connection (connection: close)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, 127.0.0.1 and realmid.test (the proxied
    name), its own trust anchor."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "realmid test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("realmid.test"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "ca.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TLSFront(_Background):
    """TLS on loopback, the emulator's plain HTTP behind it."""

    def __init__(self, upstream_port: int, cert: Path, key: Path) -> None:
        super().__init__()
        self._upstream = upstream_port
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.start(self._serve, context)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


def _port(emulator: RealmEmulator) -> int:
    port = httpx.URL(emulator.base_url).port
    assert port is not None
    return port


@pytest.fixture
def tls(emulator: RealmEmulator, tmp_path: Path) -> Iterator[tuple[TLSFront, Path]]:
    cert, key = _certificate(tmp_path)
    front = TLSFront(_port(emulator), cert, key)
    yield front, cert
    front.stop()


@pytest.fixture
def proxy(emulator: RealmEmulator, tls: tuple[TLSFront, Path]) -> Iterator[ForwardProxy]:
    server = ForwardProxy(_port(emulator), tls[0].port)
    yield server
    server.stop()


def handle(face: str, emulator: RealmEmulator, base_url: str, **kwargs: Any) -> Any:
    cls = realmid.AsyncRealm if face == "async" else realmid.Realm
    return cls(
        realm_id=emulator.realm_id,
        api_key=emulator.api_key,
        base_url=base_url,
        retry=FAST_RETRY,
        timeout=10,
        **kwargs,
    )


async def tenant_count(realm: Any) -> int:
    return len(await collect(realm.tenants.list()))


# -- proxies --------------------------------------------------------------------------------


async def test_https_proxy_from_the_environment_tunnels_every_call(
    face: str,
    emulator: RealmEmulator,
    proxy: ForwardProxy,
    tls: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{proxy.port}")  # no scheme: an http:// proxy
    monkeypatch.setenv("SSL_CERT_FILE", str(tls[1]))
    emulator.create_tenant("Through the proxy")
    realm = handle(face, emulator, "https://realmid.test")
    assert await tenant_count(realm) == 1
    # realmid.test does not resolve: only the tunnel could have carried the calls.
    assert proxy.seen
    assert set(proxy.seen) == {"CONNECT realmid.test:443 HTTP/1.1"}
    await close(realm)


async def test_no_proxy_sends_the_host_direct(
    face: str, emulator: RealmEmulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", "other.example,realmid.test")
    realm = handle(face, emulator, "https://realmid.test")
    with pytest.raises(RealmError) as caught:  # direct: the name does not resolve
        await call(realm.tenants.list().page())
    assert caught.value.code is ErrorCode.NETWORK
    assert proxy.seen == []
    await close(realm)


async def test_loopback_is_never_proxied(
    face: str, emulator: RealmEmulator, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{proxy.port}")
    realm = handle(face, emulator, emulator.base_url)
    await call(realm.tenants.list().page())
    assert proxy.seen == []
    await close(realm)


async def test_an_explicit_proxy_wins_over_the_environment(
    face: str,
    emulator: RealmEmulator,
    proxy: ForwardProxy,
    tls: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # discard: nothing listens
    realm = handle(
        face,
        emulator,
        "https://realmid.test",
        proxy=f"http://127.0.0.1:{proxy.port}",
        verify=str(tls[1]),
    )
    await call(realm.tenants.list().page())
    assert proxy.seen[:1] == ["CONNECT realmid.test:443 HTTP/1.1"]
    await close(realm)


@pytest.mark.parametrize(
    ("no_proxy", "url", "proxied"),
    [
        ("", "http://auth.realmid.dev/x", True),
        ("realmid.dev", "http://auth.realmid.dev/x", False),  # a name covers its subdomains
        ("other.realmid.dev", "http://auth.realmid.dev/x", True),
        (".realmid.dev", "http://auth.realmid.dev/x", False),
        ("auth.realmid.dev", "http://auth.realmid.dev/x", False),
        ("other.example, auth.realmid.dev", "http://auth.realmid.dev/x", False),
        ("*", "http://auth.realmid.dev/x", False),
        ("", "http://127.0.0.1:8080/x", False),
        ("", "http://[::1]:8080/x", False),
        ("", "http://localhost:8080/x", False),
    ],
)
def test_no_proxy_and_loopback_decide_the_route(
    monkeypatch: pytest.MonkeyPatch, no_proxy: str, url: str, proxied: bool
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.internal:3128")
    if no_proxy:
        monkeypatch.setenv("NO_PROXY", no_proxy)
    chosen = ProxyRoutes(None, trust_env=True).for_url(httpx.URL(url))
    assert (chosen is not None) is proxied
    if proxied:
        assert chosen is not None
        assert chosen.url == httpx.URL("http://proxy.internal:3128")


def test_trust_env_false_reads_no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert ProxyRoutes(None, trust_env=True)
    assert not ProxyRoutes(None, trust_env=False)


def test_a_proxy_that_is_not_a_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(BadRequestError) as caught:
        realmid.Realm("r1", "rk_test_x", proxy="user:s3cret@proxy")
    assert "s3cret" not in str(caught.value)


# -- TLS ------------------------------------------------------------------------------------


async def test_an_unknown_ca_is_refused(face: str, emulator: RealmEmulator, tls: Any) -> None:
    realm = handle(face, emulator, f"https://localhost:{tls[0].port}")
    with pytest.raises(RealmError) as caught:
        await call(realm.tenants.list().page())
    assert caught.value.code is ErrorCode.NETWORK
    await close(realm)


async def test_ssl_cert_file_from_the_environment_is_trusted(
    face: str, emulator: RealmEmulator, tls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    front, cert = tls
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    realm = handle(face, emulator, f"https://localhost:{front.port}")
    await call(realm.tenants.list().page())
    await close(realm)


async def test_verify_takes_a_ca_bundle_and_overrides_the_environment(
    face: str, emulator: RealmEmulator, tls: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    front, cert = tls
    (tmp_path / "other").mkdir()
    other, _ = _certificate(tmp_path / "other")
    monkeypatch.setenv("SSL_CERT_FILE", str(other))  # the wrong CA: verify= wins
    realm = handle(face, emulator, f"https://localhost:{front.port}", verify=str(cert))
    await call(realm.tenants.list().page())
    await close(realm)


def test_verify_refuses_a_missing_bundle() -> None:
    with pytest.raises(BadRequestError):
        realmid.Realm("r1", "rk_test_x", verify="/nonexistent/ca.pem")


# -- a caller's client ----------------------------------------------------------------------


async def test_a_supplied_http_client_is_warned_about(
    face: str, emulator: RealmEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    client: Any = httpx.AsyncClient() if face == "async" else httpx.Client()
    with caplog.at_level(logging.WARNING, logger="realmid"):
        realm = handle(face, emulator, emulator.base_url, http_client=client)
    warned = [r.getMessage() for r in caplog.records if r.name == "realmid"]
    assert len(warned) == 1
    assert "retries" in warned[0]
    assert "proxy" in warned[0]
    await close(realm)


def test_the_socket_module_cannot_resolve_the_proxied_name() -> None:
    # The proxy tests rely on realmid.test not resolving: a direct connection must fail.
    with pytest.raises(OSError):
        socket.getaddrinfo("realmid.test", 80)
