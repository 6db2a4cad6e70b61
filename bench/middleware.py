"""Requests per second through the middleware, against the same app without it, in one run.

ASGI (uvicorn, 1 worker, h11) serving one Starlette app (``GET /api/me``, a small JSON body):

- ``bare``: no authentication at all (the ceiling, the baseline of the ratios);
- ``pyjwt``: a 15-line ASGI middleware doing ``jwt.decode`` with the key preloaded
  (signature, iss, aud, exp), what a hand-rolled guard costs;
- ``realmid-async``: ``AsyncRealm.asgi_middleware`` (verify + revocation gate + claims);
- ``realmid-sync``: ``Realm.asgi_middleware`` (the same; a verify that needs no I/O runs
  inline, only a miss goes to a worker thread).

WSGI (gunicorn, 1 worker, ``gthread``, 8 threads) serving one Flask app, the same route:

- ``flask-bare`` (the WSGI baseline), ``flask-realmid-sync`` (``Realm.wsgi_middleware``),
  ``flask-realmid-async`` (``AsyncRealm.wsgi_middleware``: inline when no I/O is needed,
  its private loop thread otherwise).

Every request carries the same logged-in user's access token, as a session's requests do.
Each server runs in its own process against a local RealmEmulator run by this process,
which also mints the token. The load is a lean asyncio HTTP/1.1 keep-alive client with a
fixed number of requests in flight, bounded by a request count and a time limit. Every
block of a guarded candidate runs right after a block of its stack's bare app, and its
ratio is to that block: this shared VM drifts by tens of percent within seconds, and two
blocks moments apart see the same machine. Rounds go through every candidate in turn;
each figure is the median over rounds (of requests/s, and of the per-block ratios)::

    python bench/middleware.py [--requests 1500] [--seconds 5] [--concurrency 16] [--rounds 9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
ASGI = ("bare", "pyjwt", "realmid-async", "realmid-sync")
WSGI = ("flask-bare", "flask-realmid-sync", "flask-realmid-async")
CANDIDATES = ASGI + WSGI
TARGET = 0.95  # issue 15: the guarded app serves >= 0.95x the bare app's requests/s


# ---------------------------------------------------------------------- the servers


def build_app(mode: str) -> Any:
    """The ASGI app of one candidate (in the server process)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    import realmid

    async def me(request: Request) -> JSONResponse:
        claims = realmid.claims_from(request) or request.scope.get("state", {}).get("pyjwt")
        sub = getattr(claims, "sub", None) or (claims or {}).get("sub")  # type: ignore[union-attr]
        return JSONResponse({"sub": sub, "ok": True})

    app = Starlette(routes=[Route("/api/me", me)])
    env = os.environ
    if mode == "bare":
        return app
    if mode == "pyjwt":
        return pyjwt_guard(app, env["BENCH_PEM"], env["BENCH_ISSUER"], env["BENCH_AUDIENCE"])
    cls = realmid.AsyncRealm if mode == "realmid-async" else realmid.Realm
    realm = cls(
        realm_id=env["BENCH_REALM_ID"], api_key=env["BENCH_API_KEY"], base_url=env["BENCH_ISSUER"]
    )
    return realm.asgi_middleware(app)


def pyjwt_guard(app: Any, pem: str, issuer: str, audience: str) -> Any:
    """The minimal hand-rolled alternative: PyJWT with a preloaded key, nothing else."""
    import jwt

    key = jwt.algorithms.RSAAlgorithm.from_jwk(pem) if pem.startswith("{") else pem

    async def guard(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        auth = dict(scope["headers"]).get(b"authorization", b"").decode()
        try:
            claims = jwt.decode(
                auth.removeprefix("Bearer "),
                key,
                algorithms=["RS256"],
                issuer=issuer,
                audience=audience,
                leeway=30,
            )
        except jwt.PyJWTError:
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b"unauthorized"})
            return None
        scope.setdefault("state", {})["pyjwt"] = claims
        return await app(scope, receive, send)

    return guard


def build_wsgi_app(mode: str) -> Any:
    """The WSGI app of one Flask candidate (in the server process)."""
    from flask import Flask, jsonify

    import realmid

    app = Flask("bench")

    @app.get("/api/me")
    def me() -> Any:
        from flask import request

        claims = realmid.claims_from(request.environ)
        return jsonify({"sub": getattr(claims, "sub", None), "ok": True})

    if mode == "flask-bare":
        return app
    env = os.environ
    cls = realmid.AsyncRealm if mode == "flask-realmid-async" else realmid.Realm
    realm = cls(
        realm_id=env["BENCH_REALM_ID"], api_key=env["BENCH_API_KEY"], base_url=env["BENCH_ISSUER"]
    )
    app.wsgi_app = realm.wsgi_middleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


def serve_wsgi(mode: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"127.0.0.1:{port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": 8,
                "loglevel": "warning",
                "accesslog": None,
                "keepalive": 75,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build_wsgi_app(mode)

    Server().run()


def serve(mode: str, port: int) -> None:
    if mode in WSGI:
        serve_wsgi(mode, port)
        return
    import uvicorn

    uvicorn.run(
        build_app(mode),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        loop="asyncio",
        http="h11",
    )


# ---------------------------------------------------------------------- the load


async def load(
    url: str, token: str, total: int, seconds: float, concurrency: int
) -> tuple[float, int]:
    """(requests per second, requests done) for ``total`` requests (or ``seconds``),
    ``concurrency`` in flight.

    A lean HTTP/1.1 keep-alive client on asyncio streams: an httpx client tops out near
    550 req/s here (it, not the server, was the bottleneck), which would hide every
    difference between the candidates.
    """
    host, port = url.removeprefix("http://").split(":")
    request = (
        f"GET /api/me HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    done = 0
    deadline = 0.0

    async def one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"unexpected answer: {head[:60]!r}")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)

    async def worker(warm: int) -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(warm):  # the connection, the JWKS, info()
                await one(reader, writer)
            warmed.append(None)
            if len(warmed) == concurrency:
                all_warm.set()
            await ready.wait()
            while done < total and time.perf_counter() < deadline:
                done += 1
                await one(reader, writer)
        finally:
            writer.close()

    ready, all_warm = asyncio.Event(), asyncio.Event()
    warmed: list[None] = []
    workers = [asyncio.create_task(worker(20)) for _ in range(concurrency)]
    await all_warm.wait()
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*workers)
    return done / (time.perf_counter() - start), done


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants (gunicorn's worker), live
    processes only, from ``/proc``."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        ticks[child] = int(fields[11]) + int(fields[12])
    family = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in family and child not in family:
                family.add(child)
                grew = True
    return sum(ticks.get(p, 0) for p in family) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(mode: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", mode, "--port", str(port)],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/me", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"the {mode} server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--serve", choices=CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return 0

    from realmid.testing import RealmEmulator

    with RealmEmulator(rate_limit=1e9) as emu:
        tenant = emu.create_tenant("Bench Tenant")
        user = emu.seed_user("bench@example.test", {tenant: "owner"})
        emu.set_config(access_token_ttl=3600)
        token = emu.session_for(user.id, tenant)["access_token"]
        (jwk,) = emu.jwks()["keys"]
        env = {
            "BENCH_REALM_ID": emu.realm_id,
            "BENCH_API_KEY": emu.api_key,
            "BENCH_ISSUER": emu.base_url,
            "BENCH_AUDIENCE": emu.audience,
            "BENCH_PEM": json.dumps(jwk),
        }
        servers = {mode: start_server(mode, env) for mode in CANDIDATES}
        rounds: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        ratios: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        cpu: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        cpu_ratios: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        last_cpu: dict[str, float] = {}

        def block(mode: str) -> float:
            proc, url = servers[mode]
            before = server_cpu(proc.pid)
            rps, done = asyncio.run(load(url, token, args.requests, args.seconds, args.concurrency))
            last_cpu[mode] = (server_cpu(proc.pid) - before) / max(done, 1)
            return rps

        try:
            for mode in CANDIDATES:  # warm up: keys fetched, token cached, code paths hot
                block(mode)
            for _ in range(args.rounds):
                for modes, base in ((ASGI, "bare"), (WSGI, "flask-bare")):
                    for mode in modes[1:]:
                        bare = block(base)
                        rps = block(mode)
                        rounds[base].append(bare)
                        rounds[mode].append(rps)
                        ratios[mode].append(rps / bare)
                        cpu[base].append(last_cpu[base])
                        cpu[mode].append(last_cpu[mode])
                        if last_cpu[base] > 0:
                            cpu_ratios[mode].append(last_cpu[mode] / last_cpu[base])
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=10)
    median = {mode: statistics.median(values) for mode, values in rounds.items()}
    print(
        f"{args.requests} requests per block, {args.rounds} rounds, {args.concurrency} in "
        "flight, one access token; every guarded block right after a block of its bare app; "
        "medians over rounds"
    )
    for stack, modes, base in (
        ("ASGI: uvicorn (1 worker, h11) + Starlette", ASGI, "bare"),
        ("WSGI: gunicorn (1 worker, gthread x8) + Flask", WSGI, "flask-bare"),
    ):
        print(f"\n{stack}; baseline {base}")
        print(
            f"{'candidate':<22}{'req/s':>10}{'x base':>9}{'server us/req':>15}{'x base':>9}"
            "  target (req/s)"
        )
        for mode in modes:
            ratio = statistics.median(ratios[mode]) if mode != base else 1.0
            cpu_ratio = statistics.median(cpu_ratios[mode] or [1.0]) if mode != base else 1.0
            target = ""
            if "realmid" in mode:
                verdict = "ok" if ratio >= TARGET else "MISSED"
                target = f">= {TARGET}x: {verdict}"
            per_request = statistics.median(cpu[mode]) * 1e6
            print(
                f"{mode:<22}{median[mode]:>10.0f}{ratio:>9.2f}{per_request:>15.0f}"
                f"{cpu_ratio:>9.2f}  {target}"
            )
    print(
        "\nserver us/req: CPU seconds of the server process (and its workers) per request, "
        "from /proc\n(10 ms ticks); its ratio is the guard's cost with the load client's "
        "scheduling taken out."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
