"""Cost of one access-token verification, against its floor and against PyJWT, in one run.

Every candidate checks the same token (RS256, 2048-bit key, a realistic Realm ID payload)
with the same key:

- floor: cryptography's raw RSA PKCS#1 v1.5 / SHA-256 verify, nothing else
- PyJWT ``jwt.decode`` with the key preloaded (same checks: iss, aud, exp, leeway)
- PyJWT ``PyJWKClient`` (warm cache, JWKS served from a local http.server) + ``jwt.decode``
- realmid ``Verifier.verify``: warm JwksCache + MemRevocationCache
- realmid ``realm.verify`` on the handle (the same verifier behind it; the targets use this)
- realmid ``AsyncVerifier.verify`` awaited in a loop (same, async face)
- realmid ``Verifier.verify`` + RedisRevocationCache (when redis-server is on PATH)

Each figure is the best of several rounds of ``timeit`` (rounds interleaved across the
candidates, so drift on a busy machine hits them alike)::

    python bench/verify.py [--rounds 7] [--number 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.hashes import SHA256

import realmid
from realmid.jwks import AsyncJwksCache, JwksCache
from realmid.revocation import MemRevocationCache, RedisRevocationCache
from realmid.verify import AsyncVerifier, Verifier

AUDIENCE = "https://app.example.com"
KID = "bench-key-1"
REALM_ID = "bench"
JWKS_PATH = "/.well-known/jwks.json"


def b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return jwt.utils.base64url_encode(raw).decode()


def make_token(key: rsa.RSAPrivateKey, issuer: str) -> str:
    now = int(time.time())
    payload = {
        "iss": issuer,
        "sub": "01HZX3J6W8A7Q2M5N9P4R6T8V0",
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "jti": "4f1c2b8e9d7a4c3b8e1f2a3b4c5d6e7f",
        "azp": REALM_ID,  # the minting realm: realm.verify checks it
        "sid": "01HZX3J6W8A7Q2M5N9P4R6T8V2",
        "tenant_id": "01HZX3J6W8A7Q2M5N9P4R6T8V3",
        "role": "member",
        "amr": ["pwd"],
        "acr": "aal1",
        "email": "ada@example.com",
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": KID})


@contextmanager
def issuer_http(jwks: dict[str, Any]) -> Iterator[str]:
    """A minimal issuer on loopback: the JWKS, plus what a Realm needs before verifying
    (a platform token and the realm's info, for its default audience). Yields the base URL."""
    answers = {
        ("GET", JWKS_PATH): jwks,
        ("GET", f"/platforms/{REALM_ID}/info"): {"id": REALM_ID, "audience": AUDIENCE},
        ("POST", "/auth/login"): {
            "kind": "platform_token",
            "access_token": "pat_bench",
            "refresh_token": "prt_bench",
            "expires_in": 3600,
            "token_type": "Bearer",
        },
    }

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = json.dumps(answers[(self.command, self.path)]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "max-age=3600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def redis_server() -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as workdir:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", workdir]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                        conn.sendall(b"PING\r\n")
                        if conn.recv(16).startswith(b"+PONG"):
                            break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=5)


def async_loop_timer(verifier: AsyncVerifier, token: str) -> Callable[[int], float]:
    """Seconds for ``n`` awaited verifications inside one running event loop."""
    loop = asyncio.new_event_loop()

    async def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await verifier.verify(token)
        return time.perf_counter() - start

    return lambda n: loop.run_until_complete(run(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=3000)
    args = parser.parse_args()

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key()
    numbers = public.public_numbers()
    jwks = {
        "keys": [
            {
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": KID,
                "n": b64_uint(numbers.n),
                "e": b64_uint(numbers.e),
            }
        ]
    }
    pkcs1, sha256 = padding.PKCS1v15(), SHA256()
    candidates: dict[str, Callable[[int], float]] = {}

    def timed(fn: Callable[[], object]) -> Callable[[int], float]:
        timer = timeit.Timer(fn)
        return timer.timeit

    with issuer_http(jwks) as issuer, redis_server() as redis_url, httpx.Client() as http:
        url = issuer + JWKS_PATH
        token = make_token(key, issuer)
        signing_input, _, signature_b64 = token.rpartition(".")
        signing_bytes = signing_input.encode()
        signature = jwt.utils.base64url_decode(signature_b64)
        candidates["floor: cryptography RSA verify"] = timed(
            lambda: public.verify(signature, signing_bytes, pkcs1, sha256)
        )
        candidates["PyJWT jwt.decode (preloaded key)"] = timed(
            lambda: jwt.decode(
                token, public, algorithms=["RS256"], audience=AUDIENCE, issuer=issuer, leeway=30
            )
        )
        jwk_client = jwt.PyJWKClient(url, cache_jwk_set=True, lifespan=3600)

        def pyjwk() -> object:
            signing_key = jwk_client.get_signing_key_from_jwt(token)
            return jwt.decode(
                token,
                signing_key.key,
                algorithms=["RS256"],
                audience=AUDIENCE,
                issuer=issuer,
                leeway=30,
            )

        candidates["PyJWT + PyJWKClient (warm cache)"] = timed(pyjwk)

        ours = Verifier(
            issuer, AUDIENCE, jwks_cache=JwksCache(url, http), revocation=MemRevocationCache()
        )
        candidates["realmid Verifier.verify + Mem revocation"] = timed(lambda: ours.verify(token))
        realm = realmid.Realm(realm_id=REALM_ID, api_key="rk_bench", base_url=issuer)
        candidates["realmid realm.verify (the handle) + Mem"] = timed(lambda: realm.verify(token))

        async_http = httpx.AsyncClient()
        ours_async = AsyncVerifier(
            issuer,
            AUDIENCE,
            jwks_cache=AsyncJwksCache(url, async_http),
            revocation=MemRevocationCache(),
        )
        candidates["realmid AsyncVerifier.verify + Mem (awaited)"] = async_loop_timer(
            ours_async, token
        )

        if redis_url is not None:
            import redis

            redis_cache = RedisRevocationCache(redis.Redis.from_url(redis_url, socket_timeout=1))
            ours_redis = Verifier(
                issuer, AUDIENCE, jwks_cache=JwksCache(url, http), revocation=redis_cache
            )
            candidates["realmid Verifier.verify + Redis revocation"] = timed(
                lambda: ours_redis.verify(token)
            )

        for run in candidates.values():  # warm up: JWKS fetched, caches filled
            run(50)

        best = {name: float("inf") for name in candidates}
        for _ in range(args.rounds):
            for name, run in candidates.items():
                best[name] = min(best[name], run(args.number) / args.number)

    floor = best["floor: cryptography RSA verify"]
    pyjwt = best["PyJWT jwt.decode (preloaded key)"]
    print(
        f"token {len(token)} bytes, RSA-2048; best of {args.rounds} rounds x {args.number} calls\n"
    )
    print(f"{'candidate':48} {'us/call':>9} {'x floor':>8} {'x PyJWT':>8}")
    for name, seconds in best.items():
        print(f"{name:48} {seconds * 1e6:9.2f} {seconds / floor:8.2f} {seconds / pyjwt:8.2f}")
    ours_cost = best["realmid realm.verify (the handle) + Mem"]
    print()
    verdict = {True: "ok", False: "MISSED"}
    print(f"target <= 2.5x floor: {ours_cost / floor:.2f}x {verdict[ours_cost <= 2.5 * floor]}")
    print(f"target <= 0.5x PyJWT: {ours_cost / pyjwt:.2f}x {verdict[ours_cost <= 0.5 * pyjwt]}")


if __name__ == "__main__":
    main()
