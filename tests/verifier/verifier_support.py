"""Real parts for the verifier tests: RSA keys, token minting, a loopback JWKS server."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

ISSUER = "https://auth.example"
AUDIENCE = "https://app.example"


def b64u(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64u_json(value: Any) -> str:
    return b64u(json.dumps(value, separators=(",", ":")))


def uint(value: int) -> str:
    return b64u(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def public_jwk(key: rsa.RSAPrivateKey | rsa.RSAPublicKey, kid: str, **extra: Any) -> dict[str, Any]:
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    numbers = pub.public_numbers()
    jwk: dict[str, Any] = {
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": uint(numbers.n),
        "e": uint(numbers.e),
    }
    jwk.update(extra)
    return jwk


def private_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = public_jwk(key, kid)
    p = key.private_numbers()
    jwk.update(
        d=uint(p.d), p=uint(p.p), q=uint(p.q), dp=uint(p.dmp1), dq=uint(p.dmq1), qi=uint(p.iqmp)
    )
    return jwk


_KEYS: dict[int, rsa.RSAPrivateKey] = {}


def rsa_key(slot: int = 0, bits: int = 2048) -> rsa.RSAPrivateKey:
    """A process-wide RSA key per slot (generation is slow; tests share them)."""
    index = slot * 100_000 + bits
    if index not in _KEYS:
        _KEYS[index] = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _KEYS[index]


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def pem_public(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def der_public(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "user-1",
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "jti-" + base64.b32encode(now.to_bytes(8, "big")).decode().strip("="),
        "azp": "realm-1",
        "tenant_id": "tenant-1",
        "role": "member",
        "amr": ["pwd"],
        "acr": "aal1",
        "sid": "session-1",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not DROP}


DROP: Any = object()  # claims(exp=DROP) leaves the claim out


def mint(
    key: rsa.RSAPrivateKey | None = None,
    kid: str = "k1",
    payload: dict[str, Any] | None = None,
    headers: dict[str, Any] | None = None,
) -> str:
    """An RS256 token minted by PyJWT."""
    return jwt.encode(
        payload if payload is not None else claims(),
        key or rsa_key(),
        algorithm="RS256",
        headers={"kid": kid, **(headers or {})},
    )


def sign_raw(
    header_segment: str, payload_segment: str, key: rsa.RSAPrivateKey | None = None
) -> str:
    """A compact token of raw segments, RS256-signed over exactly those bytes."""
    signing_input = f"{header_segment}.{payload_segment}".encode()
    signature = (key or rsa_key()).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{header_segment}.{payload_segment}.{b64u(signature)}"


def raw_token(header_json: str, payload_json: str, key: rsa.RSAPrivateKey | None = None) -> str:
    """Sign hand-written JSON text (duplicate members, odd numbers, ...)."""
    return sign_raw(b64u(header_json), b64u(payload_json), key)


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


# ----------------------------------------------------------------------- JWKS server


class JwksServer:
    """A tiny threaded HTTP server that serves a JWKS we control and counts requests."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.body: bytes = b'{"keys": []}'
        self.headers: dict[str, str] = {"Cache-Control": "max-age=300"}
        self.chunked_close = False  # no Content-Length, close-delimited body
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with outer.lock:
                    outer.requests.append({"path": self.path, "headers": dict(self.headers)})
                    status, body, headers = outer.status, outer.body, dict(outer.headers)
                    close_delimited, delay = outer.chunked_close, outer.delay
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if close_delimited:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hangs up on an oversized body is expected here

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/.well-known/jwks.json"

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def serve(self, keys: list[dict[str, Any]], max_age: int | None = 300, **headers: str) -> None:
        self.serve_body(json.dumps({"keys": keys}).encode(), max_age, **headers)

    def serve_body(self, body: bytes, max_age: int | None = 300, **headers: str) -> None:
        with self.lock:
            self.status = 200
            self.body = body
            self.headers = {k.replace("_", "-"): v for k, v in headers.items()}
            if max_age is not None:
                self.headers["Cache-Control"] = f"max-age={max_age}"

    def fail(self, status: int = 503) -> None:
        with self.lock:
            self.status = status
            self.body = b'{"code": "server_error"}'

    def start(self) -> JwksServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer().start()
    try:
        yield server
    finally:
        server.stop()


def gzip_bomb(size: int) -> bytes:
    return gzip.compress(b" " * size)


# ----------------------------------------------------------------------- redis-server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisProcess:
    """A real redis-server on a free loopback port, no persistence."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            # No skip: CI installs it (.ci/run), and a silent skip would hide the Redis tests.
            raise RuntimeError("redis-server is not on PATH: apt-get install -y redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited at start")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer PING")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------- raw loopback server


class RawServer:
    """A bare TCP server that answers each connection with a script we write by hand.

    For the faults an HTTP framework (and the emulator) cannot produce on purpose: headers
    or a body trickled byte by byte, a body cut off mid-way, a huge close-delimited body.
    ``script(sock, path)`` writes whatever it likes; ``sent`` counts the bytes it managed
    to write through :meth:`send` (a client hanging up stops the script).
    """

    def __init__(self, script: Any) -> None:
        self.script = script
        self.lock = threading.Lock()
        self.sent = 0
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.base_url + "/.well-known/jwks.json"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                continue
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            self.script(self, conn, path)
        except OSError:
            pass  # the client hung up: expected for every fault here
        finally:
            conn.close()

    def send(self, conn: socket.socket, data: bytes) -> None:
        if self._stop.is_set():
            raise OSError("server stopped")
        conn.sendall(data)
        with self.lock:
            self.sent += len(data)

    def trickle(self, conn: socket.socket, data: bytes, seconds: float) -> None:
        """Send ``data`` one byte at a time, spread over ``seconds``."""
        pause = seconds / max(1, len(data))
        for i in range(len(data)):
            self.send(conn, data[i : i + 1])
            if self._stop.wait(pause):
                raise OSError("server stopped")

    def start(self) -> RawServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()


@contextmanager
def raw_server(script: Any) -> Iterator[RawServer]:
    server = RawServer(script).start()
    try:
        yield server
    finally:
        server.stop()
