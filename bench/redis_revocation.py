"""Verification with Redis revocation (the near cache) against verification with the memory
cache, sync and async, in one run.

Every call verifies a token never seen before by that verifier (RS256, 2048-bit key, the
payload of bench/verify.py with a distinct ``jti`` each), so the figure is a real check,
not a verified-token cache hit. Each round builds fresh verifiers (the caches stay: a
near cache keeps its replica) and runs every candidate over the same tokens, the
candidates interleaved; the figure is the median over rounds. The Redis denylist holds
``--revoked`` live revocations, mirrored by the near cache::

    python bench/redis_revocation.py [--rounds 9] [--number 1500] [--revoked 1000]

Target: verify + Redis revocation (near cache) <= 1.15x verify + MemRevocationCache.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import redis
import redis.asyncio
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify import AUDIENCE, KID, REALM_ID, b64_uint, redis_server

from realmid.revocation import (
    AsyncRedisRevocationCache,
    MemRevocationCache,
    RedisRevocationCache,
)
from realmid.verify import AsyncVerifier, Verifier

ISSUER = "https://bench.realmid.test"
TARGET = 1.15


def mint(key: rsa.RSAPrivateKey, count: int) -> list[str]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "sub": "01HZX3J6W8A7Q2M5N9P4R6T8V0",
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "azp": REALM_ID,
        "sid": "01HZX3J6W8A7Q2M5N9P4R6T8V2",
        "tenant_id": "01HZX3J6W8A7Q2M5N9P4R6T8V3",
        "role": "member",
        "amr": ["pwd"],
        "acr": "aal1",
        "email": "ada@example.com",
    }
    return [
        jwt.encode({**base, "jti": f"bench-{i:08d}"}, key, algorithm="RS256", headers={"kid": KID})
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--number", type=int, default=1500)
    parser.add_argument("--revoked", type=int, default=1000)
    args = parser.parse_args()

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwk = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID}
    jwks = {"keys": [{**jwk, "n": b64_uint(numbers.n), "e": b64_uint(numbers.e)}]}
    tokens = mint(key, args.number)
    loop = asyncio.new_event_loop()

    with redis_server() as url:
        if url is None:
            raise SystemExit("redis-server is not on PATH")
        sync_client = redis.Redis.from_url(url, socket_timeout=1)
        async_client = redis.asyncio.Redis.from_url(url, socket_timeout=1)
        sync_redis = RedisRevocationCache(sync_client)
        async_redis = AsyncRedisRevocationCache(async_client)
        sync_exists = RedisRevocationCache(sync_client, near_cache=False)
        expiry = time.time() + 3600
        for i in range(args.revoked):
            sync_exists.revoke(f"revoked-{i}", expiry)

        async def until_in_sync() -> None:
            deadline = time.monotonic() + 10
            while not (sync_redis.in_sync and async_redis.in_sync):
                sync_redis.is_revoked_locally("warm")
                async_redis.is_revoked_locally("warm")
                if time.monotonic() > deadline:
                    raise SystemExit("the near caches never came in step")
                await asyncio.sleep(0.01)

        loop.run_until_complete(until_in_sync())

        def sync_run(make_cache: Callable[[], Any]) -> Callable[[], float]:
            def run() -> float:
                verifier = Verifier(ISSUER, AUDIENCE, jwks=jwks, revocation=make_cache())
                verify = verifier.verify
                start = time.perf_counter()
                for token in tokens:
                    verify(token)
                return (time.perf_counter() - start) / len(tokens)

            return run

        def async_run(make_cache: Callable[[], Any]) -> Callable[[], float]:
            async def body() -> float:
                verifier = AsyncVerifier(ISSUER, AUDIENCE, jwks=jwks, revocation=make_cache())
                verify = verifier.verify
                start = time.perf_counter()
                for token in tokens:
                    await verify(token)
                return (time.perf_counter() - start) / len(tokens)

            return lambda: loop.run_until_complete(body())

        candidates: dict[str, Callable[[], float]] = {
            "sync  verify + MemRevocationCache": sync_run(MemRevocationCache),
            "sync  verify + Redis (near cache)": sync_run(lambda: sync_redis),
            "sync  verify + Redis (near_cache=False)": sync_run(lambda: sync_exists),
            "async verify + MemRevocationCache": async_run(MemRevocationCache),
            "async verify + AsyncRedis (near cache)": async_run(lambda: async_redis),
            "async verify + AsyncRedis (near_cache=False)": async_run(
                lambda: AsyncRedisRevocationCache(async_client, near_cache=False)
            ),
        }
        for candidate in candidates.values():
            candidate()  # warm up
        samples: dict[str, list[float]] = {name: [] for name in candidates}
        for _ in range(args.rounds):
            for name, candidate in candidates.items():
                samples[name].append(candidate())
        in_sync = sync_redis.in_sync and async_redis.in_sync
        sync_redis.close()
        loop.run_until_complete(async_redis.aclose())
        loop.run_until_complete(async_client.aclose())
    loop.close()

    median = {name: statistics.median(values) for name, values in samples.items()}
    print(
        f"RS256-2048, fresh tokens; median of {args.rounds} interleaved rounds x "
        f"{args.number} calls; {args.revoked} live revocations in Redis; "
        f"near caches in step at the end: {in_sync}\n"
    )
    print(f"{'candidate':46} {'us/call':>9} {'x Mem':>7}")
    for name, seconds in median.items():
        face = name.split()[0]
        mem = median[f"{face:5} verify + MemRevocationCache"]
        print(f"{name:46} {seconds * 1e6:9.2f} {seconds / mem:7.3f}")
    print()
    for face, redis_name in (
        ("sync ", "sync  verify + Redis (near cache)"),
        ("async", "async verify + AsyncRedis (near cache)"),
    ):
        ratio = median[redis_name] / median[f"{face} verify + MemRevocationCache"]
        verdict = "ok" if ratio <= TARGET else "MISSED"
        print(
            f"target {face.strip()}: <= {TARGET}x verify with MemRevocationCache: "
            f"{ratio:.3f}x {verdict}"
        )


if __name__ == "__main__":
    main()
