"""Requests per second through the middleware, against the same app without it, in one run.

ASGI (uvicorn, 1 worker, h11) serving one Starlette app (``GET /api/me``, a small JSON body):

- ``bare``: no authentication at all (the ceiling, the baseline of the ratios);
- ``bare-again``: the same bare app in a second server process, measured as a guarded
  candidate is: an A/A test, its ratio is the noise of the machine alone;
- ``pyjwt``: a 15-line ASGI middleware doing ``jwt.decode`` with the key preloaded
  (signature, iss, aud, exp), what a hand-rolled guard costs;
- ``realmid-async``: ``AsyncRealm.asgi_middleware`` (verify + revocation gate + claims);
- ``realmid-sync``: ``Realm.asgi_middleware`` (the same; a verify that needs no I/O runs
  inline, only a miss goes to a worker thread).

WSGI (gunicorn, 1 worker, ``gthread``, 2 threads) serving one Flask app, the same route.
Two threads: the worker is CPU-bound, so more only add hand-offs of the GIL, whose timing
on a shared CPU made the A/A ratio swing by +-15 % from round to round at 8 threads:

- ``flask-bare`` (the WSGI baseline), ``flask-bare-again`` (its A/A twin),
  ``flask-realmid-sync`` (``Realm.wsgi_middleware``), ``flask-realmid-async``
  (``AsyncRealm.wsgi_middleware``: inline when no I/O is needed,
  its private loop thread otherwise).

Every request carries the same logged-in user's access token, as a session's requests do.
Each server runs in its own process against a local RealmEmulator run by this process,
which also mints the token. The load is a lean asyncio HTTP/1.1 keep-alive client with a
fixed number of requests in flight per server.

**A guarded app and its bare twin are loaded at once, sharing one CPU.** Each block runs
the two servers on the same CPU with the same load for the same window: the scheduler
splits that CPU between them, so each serves in proportion to what its requests cost, and
whatever this shared VM does meanwhile (its speed drifts by tens of percent within
seconds) falls on both alike. The block's ratio is the guarded server's requests over the
bare one's, in that window. (Taking turns on one CPU, each server finds its caches colder
than alone would: if anything, this reads the guard's share of the cost high.) Which of
the two is loaded first alternates between rounds;
every round starts fresh server processes (one process's memory layout can be a percent
or two faster than another's, for good); each figure is the median over rounds, printed
with its quartiles. The A/A pair (``bare-again``, ``flask-bare-again``: the bare app
against itself) shows what is left of the noise. (Run one after the other, a bare block
and a guarded one read the same candidate anywhere in 0.90-0.99 from run to run, A/A
0.95-1.03; loaded at once, 0.925-0.93 run after run, A/A within 2 %.)

Last, the guard alone is timed in a hot loop in this process (its middleware around an app
that does nothing) and set against the bare server's CPU time per request: a lower bound
of what it costs inside a server, free of the load client's noise::

    python bench/middleware.py [--seconds 2] [--concurrency 16] [--rounds 9]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# "...-again": the bare app once more, in a server process of its own, measured exactly as
# a guarded candidate is. Its ratio (an A/A test) is what this machine's noise alone does.
ASGI = ("bare", "bare-again", "pyjwt", "realmid-async", "realmid-sync")
WSGI = ("flask-bare", "flask-bare-again", "flask-realmid-sync", "flask-realmid-async")
CANDIDATES = ASGI + WSGI
# The servers run on one CPU and the load client on another (when there are two), so that
# the scheduler never makes them take turns on one core: the server is the bottleneck.
SERVER_CPU, CLIENT_CPU = 0, 1
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
    if mode in ("bare", "bare-again"):
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

    if mode in ("flask-bare", "flask-bare-again"):
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
                "threads": 2,  # see the module's docstring
                "loglevel": "warning",
                "accesslog": None,
                "keepalive": 75,
                # gunicorn 24+ opens a control socket at one fixed path: the servers of a
                # round, started together, would fight over it (and need none).
                "control_socket_disable": True,
            }
            for key, value in settings.items():
                if key in self.cfg.settings:  # control_socket_disable: gunicorn 24+ only
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return build_wsgi_app(mode)

    Server().run()


def pin(cpu: int) -> None:
    """Run this process (and what it starts) on ``cpu`` only, when the machine has two."""
    if hasattr(os, "sched_setaffinity") and cpu in os.sched_getaffinity(0) and _two_cpus():
        os.sched_setaffinity(0, {cpu})


def _two_cpus() -> bool:
    return hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2


def serve(mode: str, port: int) -> None:
    pin(SERVER_CPU)
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


async def joint_load(
    urls: list[str],
    token: str,
    seconds: float,
    concurrency: int,
    on_window: Callable[[], object] = lambda: None,
) -> list[tuple[float, int]]:
    """(requests per second, requests done) of each server in ``urls``, all loaded at once
    for the same ``seconds``, ``concurrency`` requests in flight on each, counted from when
    every connection is open and warm. ``on_window`` is called as the counted window opens
    and as it closes.

    A lean HTTP/1.1 keep-alive client on asyncio streams: an httpx client tops out near
    550 req/s here (it, not the server, was the bottleneck), which would hide every
    difference between the candidates.
    """
    done = [0] * len(urls)
    counting = False
    stop = False

    async def one(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> None:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"unexpected answer: {head[:60]!r}")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await reader.readexactly(length)

    async def worker(index: int) -> None:
        host, port = urls[index].removeprefix("http://").split(":")
        request = (
            f"GET /api/me HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for _ in range(20):  # the connection, the JWKS, info()
                await one(reader, writer, request)
            warm.append(None)
            if len(warm) == len(workers):
                all_warm.set()
            while not stop:
                await one(reader, writer, request)
                if counting and not stop:
                    done[index] += 1
        finally:
            writer.close()

    warm: list[None] = []
    all_warm = asyncio.Event()
    workers = [
        asyncio.create_task(worker(index)) for index in range(len(urls)) for _ in range(concurrency)
    ]
    await all_warm.wait()
    await asyncio.sleep(0.3)  # every server busy, in its steady state, before counting
    on_window()
    counting = True
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    stop = True
    elapsed = time.perf_counter() - start
    on_window()
    counted = list(done)
    await asyncio.gather(*workers)
    return [(n / elapsed, n) for n in counted]


def family(pid: int) -> set[int]:
    """``pid`` and its live descendants (gunicorn's worker)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    found = {pid}
    grew = True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                grew = True
    return found


def server_cpu(pids: set[int]) -> float:
    """CPU seconds of ``pids``, every thread of each, from ``/proc``: nanoseconds on the CPU
    (``schedstat``) where the kernel has them, else user + system ticks (10 ms)."""
    return sum(_cpu_seconds(p) for p in pids)


def _cpu_seconds(pid: int) -> float:
    try:
        tasks = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
        return sum(int(task.read_text().split()[0]) for task in tasks) / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mark_cpu(marks: list[dict[str, float]], pids: dict[str, set[int]]) -> None:
    """Append each server's CPU seconds so far (``pids``: its processes) to ``marks``."""
    marks.append({mode: server_cpu(family_pids) for mode, family_pids in pids.items()})


def start_servers(modes: tuple[str, ...], env: dict[str, str]) -> dict[str, tuple[Any, str]]:
    """A fresh server process per mode, started together: {mode: (process, url)}."""
    launched: dict[str, tuple[Any, str]] = {}
    for mode in modes:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", mode, "--port", str(port)],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
        )
        launched[mode] = (proc, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    for mode, (proc, url) in launched.items():
        while True:
            try:
                httpx.get(url + "/api/me", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    stop_servers(launched)
                    raise RuntimeError(f"the {mode} server did not start") from None
                time.sleep(0.05)
    return launched


def stop_servers(servers: dict[str, tuple[Any, str]]) -> None:
    for proc, _ in servers.values():
        proc.terminate()
    for proc, _ in servers.values():
        proc.wait(timeout=10)


# ---------------------------------------------------------------------- the guard alone


def request_scope(host: bytes, authorization: bytes) -> dict[str, Any]:
    """The ASGI scope of one ``GET /api/me``, as uvicorn builds it (a new one per request,
    with a new header value object, as a server's parser makes: ``bytes()`` of a bytes
    object would hand back the same one)."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/me",
        "raw_path": b"/api/me",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host), (b"authorization", bytes(bytearray(authorization)))],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


def request_environ(host: bytes, authorization: bytes) -> dict[str, Any]:
    """The WSGI environ of the same request."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/api/me",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host.decode(),
        "HTTP_AUTHORIZATION": authorization.decode(),
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
        "wsgi.errors": sys.stderr,
    }


def guard_costs(env: dict[str, str], token: str, rounds: int) -> dict[str, float]:
    """Microseconds the guard itself adds to one request, in this process: each realmid
    candidate's middleware around an app that does nothing, against that app alone, with
    a fresh scope (environ) per request as a server builds, the request as the load client
    sends it. Median over ``rounds`` interleaved pairs of blocks."""
    import realmid

    async def nothing(scope: Any, receive: Any, send: Any) -> None:
        return None

    def nothing_wsgi(environ: Any, start_response: Any) -> list[bytes]:
        return []

    authorization = f"Bearer {token}".encode()
    host = env["BENCH_ISSUER"].removeprefix("http://").encode()

    def scope() -> dict[str, Any]:
        return request_scope(host, authorization)

    def environ() -> dict[str, Any]:
        return request_environ(host, authorization)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    loop = asyncio.new_event_loop()
    handles: list[Any] = []
    runs: dict[str, Any] = {}

    def asgi_run(app: Any) -> Any:
        async def run(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                await app(scope(), receive, send)
            return time.perf_counter() - start

        return lambda n: loop.run_until_complete(run(n))

    def wsgi_run(app: Any) -> Any:
        def run(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                app(environ(), start_response)
            return time.perf_counter() - start

        return run

    kwargs = {"realm_id": env["BENCH_REALM_ID"], "api_key": env["BENCH_API_KEY"]}
    kwargs["base_url"] = env["BENCH_ISSUER"]
    for mode, cls, face in (
        ("realmid-async", realmid.AsyncRealm, "asgi"),
        ("realmid-sync", realmid.Realm, "asgi"),
        ("flask-realmid-sync", realmid.Realm, "wsgi"),
        ("flask-realmid-async", realmid.AsyncRealm, "wsgi"),
    ):
        handle = cls(**kwargs)
        handles.append(handle)
        if face == "asgi":
            runs[mode] = asgi_run(handle.asgi_middleware(nothing))
        else:
            runs[mode] = wsgi_run(handle.wsgi_middleware(nothing_wsgi))
    baselines = {"asgi": asgi_run(nothing), "wsgi": wsgi_run(nothing_wsgi)}
    for run in runs.values():
        run(200)  # warm: the verifier built, the token in its cache
    extra: dict[str, list[float]] = {mode: [] for mode in runs}
    number = 2000
    for _ in range(rounds):
        for mode, run in runs.items():
            base = baselines["wsgi" if mode.startswith("flask") else "asgi"]
            bare = base(number)
            extra[mode].append((run(number) - bare) / number * 1e6)
    for handle in handles:
        if isinstance(handle, realmid.AsyncRealm):
            loop.run_until_complete(handle.aclose())
        else:
            handle.close()
    loop.close()
    return {mode: statistics.median(values) for mode, values in extra.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
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
        pinned = _two_cpus()
        pin(CLIENT_CPU)  # the servers pin themselves to SERVER_CPU
        ratios: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        cpu_ratios: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        rps: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        cpu: dict[str, list[float]] = {mode: [] for mode in CANDIDATES}
        for number in range(args.rounds):
            servers = start_servers(CANDIDATES, env)
            try:
                for modes, base in ((ASGI, "bare"), (WSGI, "flask-bare")):
                    for mode in modes[1:]:
                        pair = [base, mode] if number % 2 == 0 else [mode, base]
                        pids = {m: family(servers[m][0].pid) for m in pair}  # reads /proc
                        marks: list[dict[str, float]] = []
                        answers = asyncio.run(
                            joint_load(
                                [servers[m][1] for m in pair],
                                token,
                                args.seconds,
                                args.concurrency,
                                on_window=functools.partial(mark_cpu, marks, pids),
                            )
                        )
                        per_request = {
                            m: (marks[1][m] - marks[0][m]) / max(done, 1)
                            for m, (_, done) in zip(pair, answers, strict=True)
                        }
                        got = {m: answer[0] for m, answer in zip(pair, answers, strict=True)}
                        ratios[mode].append(got[mode] / got[base])
                        cpu_ratios[mode].append(per_request[mode] / per_request[base])
                        for m in pair:
                            rps[m].append(got[m])
                            cpu[m].append(per_request[m])
            finally:
                stop_servers(servers)
        guard = guard_costs(env, token, args.rounds)
    print(
        f"{args.rounds} rounds of fresh servers; in each, every candidate and its stack's bare "
        f"app loaded at once for {args.seconds:g} s,\n{args.concurrency} requests in flight on "
        "each, one access token, both servers on one CPU; medians over rounds (quartiles); "
        + (f"servers on CPU {SERVER_CPU}, client on CPU {CLIENT_CPU}" if pinned else "unpinned")
    )
    for stack, modes, base in (
        ("ASGI: uvicorn (1 worker, h11) + Starlette", ASGI, "bare"),
        ("WSGI: gunicorn (1 worker, gthread x2) + Flask", WSGI, "flask-bare"),
    ):
        print(f"\n{stack}; baseline {base}")
        print(
            f"{'candidate':<22}{'req/s':>8}{'x base':>8}{'quartiles':>13}{'server us/req':>15}"
            f"{'x base':>8}  target (req/s)"
        )
        for mode in modes:
            target, spread, ratio, cpu_ratio = "", "", 1.0, 1.0
            if mode != base:
                ratio = statistics.median(ratios[mode])
                low, _, high = statistics.quantiles(ratios[mode], n=4)
                spread = f"{low:.3f}-{high:.3f}"
                cpu_ratio = statistics.median(cpu_ratios[mode])
            if "realmid" in mode:
                verdict = "ok" if ratio >= TARGET else "MISSED"
                target = f">= {TARGET}x: {verdict}"
            elif mode.endswith("-again"):
                target = "A/A: the same app, the noise of this machine"
            micros = statistics.median(cpu[mode]) * 1e6
            print(
                f"{mode:<22}{statistics.median(rps[mode]):>8.0f}{ratio:>8.3f}{spread:>13}"
                f"{micros:>15.0f}{cpu_ratio:>8.3f}  {target}"
            )
    print("\nreq/s: while sharing the CPU with the other server of the pair (about half its own).")
    print(
        "\nserver us/req: CPU time of the server process (and its workers, every thread) per "
        "request, from /proc/*/task/*/schedstat;\nits ratio is the guard's cost with the load "
        "client's scheduling taken out."
    )
    print(
        "\nThe guard alone, in a hot loop in this process (its middleware around an app that "
        "does nothing, against that app;\nmedian of interleaved blocks), as a share of its bare "
        "server's CPU per request. A lower bound, not a\nverdict: inside a server the guard's "
        "code and data come in cold between requests and cost more."
    )
    print(f"{'candidate':<22}{'guard us/req':>13}{'share':>8}{'at best':>9}")
    for mode, cost in guard.items():
        base = "flask-bare" if mode.startswith("flask") else "bare"
        share = cost / (statistics.median(cpu[base]) * 1e6)
        print(f"{mode:<22}{cost:>13.1f}{share:>8.1%}{1 / (1 + share):>8.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
