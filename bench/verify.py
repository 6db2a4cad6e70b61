"""Cost of one access-token verification, against its floor and against PyJWT, in one run.

Every candidate checks tokens of one shape (RS256, 2048-bit key, a realistic Realm ID
payload) with the same key:

- floor (the baseline every ratio names): cryptography's raw RSA PKCS#1 v1.5 / SHA-256
  verify, nothing else
- PyJWT ``jwt.decode`` with the key preloaded (same checks: iss, aud, exp, leeway)
- PyJWT ``PyJWKClient`` (warm cache, JWKS served from a local http.server) + ``jwt.decode``
- realmid ``Verifier.verify`` / ``realm.verify`` (the handle) / ``AsyncVerifier.verify``,
  warm JwksCache + MemRevocationCache, each twice: *same token* (the verified-token cache
  serves it) and *fresh tokens*: the token cache first filled with other tokens, then a
  pool of distinct tokens larger than the cache cycled, so every call misses it and pays
  the full verification (a full cache admits a token on its second sighting only when that
  comes before as many other refusals as the cache holds: no pool token ever is; the run
  checks that none was)
- realmid ``realm.verify``, *each token twice*: a session's first two requests against a
  full cache, the second of which is admitted and evicts the least recently used entry
- realmid ``Verifier.verify`` + RedisRevocationCache, same token (when redis-server is on
  PATH), reported against the same verify with the memory cache

Each candidate runs in blocks of about ``--block-ms`` milliseconds, and every block right
after a block of the floor: its ratio is to that floor, measured moments before, so the
drift of this shared VM (tens of percent within seconds) cancels in the ratio. Rounds go
through every candidate in turn; each figure is the **median** over ``--rounds`` rounds
(a ratio to another baseline is the median of the per-round quotients). All candidates
run in this one process::

    python bench/verify.py [--rounds 25] [--block-ms 25]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import socket
import statistics
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
from realmid.verify import DEFAULT_TOKEN_CACHE_SIZE, AsyncVerifier, Verifier

AUDIENCE = "https://app.example.com"
KID = "bench-key-1"
REALM_ID = "bench"
JWKS_PATH = "/.well-known/jwks.json"


FLOOR = "floor: cryptography RSA verify"
PYJWT = "PyJWT jwt.decode (preloaded key)"
SAME_VERIFIER = "realmid Verifier.verify + Mem, same token"
SAME_REALM = "realmid realm.verify (the handle) + Mem, same"
FRESH_REALM = "realmid realm.verify (the handle) + Mem, fresh"
FRESH_VERIFIER = "realmid Verifier.verify + Mem, fresh tokens"
FRESH_REDIS = "realmid Verifier.verify + Redis (near cache), fresh"
TWICE_REALM = "realmid realm.verify + Mem, each token twice"


def b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return jwt.utils.base64url_encode(raw).decode()


def make_token(key: rsa.RSAPrivateKey, issuer: str, serial: int = 0) -> str:
    now = int(time.time())
    payload = {
        "iss": issuer,
        "sub": "01HZX3J6W8A7Q2M5N9P4R6T8V0",
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "jti": f"4f1c2b8e9d7a4c3b8e1f2a3b{serial:08x}",
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


def async_loop_timer(verifier: AsyncVerifier, tokens: list[str]) -> Callable[[int], float]:
    """Seconds for ``n`` awaited verifications (cycling ``tokens``) inside one event loop."""
    loop = asyncio.new_event_loop()
    pool = itertools.cycle(tokens)

    async def run(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await verifier.verify(next(pool))
        return time.perf_counter() - start

    return lambda n: loop.run_until_complete(run(n))


def block_size(run: Callable[[int], float], seconds: float) -> int:
    """Calls of ``run`` that take about ``seconds`` (calibrated once, before the rounds)."""
    number = 16
    while (elapsed := run(number)) < seconds / 4:
        number *= 4
    return max(16, round(number * seconds / elapsed))


def cycling(fn: Callable[[str], object], tokens: list[str]) -> Callable[[int], float]:
    """Seconds for ``n`` calls of ``fn``, each with the next token of the pool."""
    pool = itertools.cycle(tokens)
    return timeit.Timer(lambda: fn(next(pool))).timeit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--block-ms", type=float, default=25.0)
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
        # Distinct tokens, more than the token cache holds: cycled, every call misses it.
        fresh = [make_token(key, issuer, i + 1) for i in range(DEFAULT_TOKEN_CACHE_SIZE + 512)]
        # What fills every token cache first, as a busy server's sessions do.
        residents = [make_token(key, issuer, len(fresh) + 1 + i) for i in range(len(fresh) - 512)]
        full: list[Verifier | AsyncVerifier] = []  # the verifiers whose cache must stay full

        def filled(verifier: Verifier, admits_fresh: bool = False) -> Verifier:
            for resident in residents:
                verifier.verify(resident)
            if not admits_fresh:
                full.append(verifier)
            return verifier

        signing_input, _, signature_b64 = token.rpartition(".")
        signing_bytes = signing_input.encode()
        signature = jwt.utils.base64url_decode(signature_b64)
        candidates["floor: cryptography RSA verify"] = timed(
            lambda: public.verify(signature, signing_bytes, pkcs1, sha256)
        )
        candidates[PYJWT] = timed(
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

        ours = filled(
            Verifier(
                issuer, AUDIENCE, jwks_cache=JwksCache(url, http), revocation=MemRevocationCache()
            )
        )
        candidates[SAME_VERIFIER] = timed(lambda: ours.verify(token))
        candidates[FRESH_VERIFIER] = cycling(ours.verify, fresh)
        no_cache = Verifier(
            issuer,
            AUDIENCE,
            jwks_cache=JwksCache(url, http),
            revocation=MemRevocationCache(),
            token_cache_size=0,
        )
        candidates["realmid Verifier.verify + Mem, fresh, cache off"] = cycling(
            no_cache.verify, fresh
        )
        realm = realmid.Realm(realm_id=REALM_ID, api_key="rk_bench", base_url=issuer)
        realm.verify(token)
        assert realm._verifier is not None
        filled(realm._verifier)
        candidates[SAME_REALM] = timed(lambda: realm.verify(token))
        # Looked up on every call, as an application does (a bound method taken once would
        # miss what the handle's attribute becomes once its verifier is warm).
        candidates[FRESH_REALM] = cycling(lambda t: realm.verify(t), fresh)
        twice = realmid.Realm(realm_id=REALM_ID, api_key="rk_bench", base_url=issuer)
        twice.verify(token)
        assert twice._verifier is not None
        filled(twice._verifier, admits_fresh=True)
        twin = itertools.cycle(fresh)

        def each_twice(n: int) -> float:
            # n calls: n / 2 tokens, each verified twice (the second admitted, evicting)
            tokens = [next(twin) for _ in range(n // 2)]
            start = time.perf_counter()
            for tok in tokens:
                twice.verify(tok)
                twice.verify(tok)
            return (time.perf_counter() - start) * n / (2 * (n // 2) or 1)

        candidates[TWICE_REALM] = each_twice

        async_http = httpx.AsyncClient()
        ours_async = AsyncVerifier(
            issuer,
            AUDIENCE,
            jwks_cache=AsyncJwksCache(url, async_http),
            revocation=MemRevocationCache(),
        )
        async_loop_timer(ours_async, residents)(len(residents))
        full.append(ours_async)
        candidates["realmid AsyncVerifier.verify + Mem, same token"] = async_loop_timer(
            ours_async, [token]
        )
        candidates["realmid AsyncVerifier.verify + Mem, fresh"] = async_loop_timer(
            ours_async, fresh
        )

        if redis_url is not None:
            import redis

            redis_cache = RedisRevocationCache(redis.Redis.from_url(redis_url, socket_timeout=1))
            ours_redis = filled(
                Verifier(issuer, AUDIENCE, jwks_cache=JwksCache(url, http), revocation=redis_cache)
            )
            candidates[FRESH_REDIS] = cycling(ours_redis.verify, fresh)

        for name, run in candidates.items():  # warm up: JWKS fetched, token caches full
            run(len(fresh) + 50 if "fresh" in name else 50)
        for verifier in full:  # what made the ratios honest: still full, no pool token in it
            entries = verifier._token_cache.entries if verifier._token_cache else {}
            assert len(entries) == DEFAULT_TOKEN_CACHE_SIZE, len(entries)
            assert not any(tok in entries for tok in fresh), "a fresh token was admitted"
        floor_run = candidates[FLOOR]
        sizes = {name: block_size(run, args.block_ms / 1000) for name, run in candidates.items()}

        seconds: dict[str, list[float]] = {name: [] for name in candidates}
        to_floor: dict[str, list[float]] = {name: [] for name in candidates}
        for _ in range(args.rounds):
            for name, run in candidates.items():
                floor = floor_run(sizes[FLOOR]) / sizes[FLOOR]
                mine = run(sizes[name]) / sizes[name]
                seconds[name].append(mine)
                to_floor[name].append(mine / floor)
        for verifier in full:
            entries = verifier._token_cache.entries if verifier._token_cache else {}
            assert not any(tok in entries for tok in fresh), "a fresh token was admitted"

    median = {name: statistics.median(times) for name, times in seconds.items()}

    def ratio(name: str, base: str) -> float:
        if base == FLOOR:
            return statistics.median(to_floor[name])
        pairs = zip(to_floor[name], to_floor[base], strict=True)
        return statistics.median(mine / theirs for mine, theirs in pairs)

    print(
        f"token {len(token)} bytes, RSA-2048; median of {args.rounds} rounds, each candidate in "
        f"blocks of ~{args.block_ms:g} ms right after a block of the baseline {FLOOR!r}; "
        f"fresh pool = {len(fresh)} tokens, every token cache first filled with "
        f"{len(residents)} others (its size); no fresh token was admitted\n"
    )
    print(f"{'candidate':50} {'us/call':>9} {'x floor':>8} {'x PyJWT':>8} {'spread':>7}")
    for name, value in median.items():
        spread = (max(to_floor[name]) - min(to_floor[name])) / ratio(name, FLOOR)
        print(
            f"{name:50} {value * 1e6:9.2f} {ratio(name, FLOOR):8.3f} {ratio(name, PYJWT):8.3f}"
            f" {spread:6.0%}"
        )
    print()
    verdict = {True: "ok", False: "MISSED"}

    def target(label: str, value: float, limit: float, unit: str) -> None:
        print(
            f"target {label:54} <= {limit:5.2f}x {unit:7}: {value:6.3f}x {verdict[value <= limit]}"
        )

    target("same-token realm.verify", ratio(SAME_REALM, FLOOR), 0.05, "floor")
    target("same-token Verifier.verify", ratio(SAME_VERIFIER, FLOOR), 0.05, "floor")
    target("fresh-token realm.verify", ratio(FRESH_REALM, FLOOR), 2.1, "floor")
    target("fresh-token realm.verify", ratio(FRESH_REALM, PYJWT), 0.5, "PyJWT")
    if FRESH_REDIS in median:
        redis = ratio(FRESH_REDIS, FRESH_VERIFIER)
        target("fresh-token Verifier.verify, Redis vs Mem revocation", redis, 1.15, "Mem")
    else:
        print("Redis candidate skipped: redis-server is not on PATH")


if __name__ == "__main__":
    main()
