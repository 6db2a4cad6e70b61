"""Multi-pod revocation with Redis: a logout served by pod A is refused by pod B.

``python -m examples.multi_pod`` plays a deployment of two replicas ("pods") of the Flask
example (:mod:`examples.flask_app`) behind an imaginary load balancer:

1. a Redis: ``REALMID_REDIS_URL``, else a ``redis-server`` it starts on a free loopback
   port without persistence (``redis-server`` must then be on ``PATH``);
2. a local Realm ID emulator, seeded with one user (it mints the user's provider token);
3. two pods, two OS processes (:mod:`examples.multi_pod.pod`), each a ``realmid.Realm``
   whose revocation cache is a ``RedisRevocationCache`` on that Redis;
4. log in on pod A, call pod B, log out on pod A, call pod B with the old token again.

Access tokens are stateless JWTs: pod B refuses the logged-out one only because pod A's
logout parked its ``jti`` in the Redis they share. ``--cache memory`` gives each pod its
own in-memory cache instead and shows the failure that Redis prevents. The exit code is 0
when pod B refused the revoked token, 1 when it accepted it (or a step went wrong), 2 when
there is no Redis to use.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import redis

from examples.serving import free_port
from examples.settings import redact
from realmid.revocation import DEFAULT_REDIS_PREFIX
from realmid.testing import RealmEmulator

__all__ = ["DemoError", "Pod", "RedisNotFound", "redis_server", "run_demo", "where"]

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "pat@example.test"
READY_TIMEOUT = 20.0


class RedisNotFound(RuntimeError):
    """No ``REALMID_REDIS_URL`` and no ``redis-server`` on ``PATH``."""


class DemoError(RuntimeError):
    """A step of the demo did not go as a working deployment would have it."""


def where(redis_url: str) -> str:
    """``host:port/db`` of a Redis URL: never its password."""
    parts = urlsplit(redis_url)
    db = parts.path.strip("/") or "0"
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}/{db}"


def _wait_for_redis(proc: subprocess.Popen[bytes], url: str, timeout: float = 10.0) -> None:
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited at start (code {proc.returncode})")
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING within 10 s")
    finally:
        client.close()


@contextmanager
def redis_server() -> Iterator[tuple[str, int]]:
    """A throwaway ``redis-server`` on a free loopback port: its URL and pid.

    No RDB snapshots, no AOF, its working directory a temporary one: nothing outlives it.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisNotFound(
            "redis-server is not on PATH. Install it (apt-get install redis-server, or"
            " brew install redis), or point REALMID_REDIS_URL at a Redis you have"
            " (e.g. REALMID_REDIS_URL=redis://127.0.0.1:6379/0)."
        )
    with tempfile.TemporaryDirectory(prefix="realmid-redis-") as workdir:
        port = free_port()
        # No shell; the binary is the PATH's redis-server and every argument is ours.
        proc = subprocess.Popen(  # noqa: S603
            [
                binary,
                *("--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"redis://127.0.0.1:{port}/0"
            _wait_for_redis(proc, url)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Pod:
    """One pod: ``python -m examples.multi_pod.pod`` in a process of its own.

    The pod stops when its stdin closes, so it cannot outlive the demo that started it.
    """

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.url = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "examples.multi_pod.pod"],
            cwd=ROOT,
            env={**env, "REALMID_POD_NAME": name},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> str:
        """Block until the pod printed ``ready <url>``; its URL."""
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.proc.stdout
        assert stdout is not None
        # readline() has no timeout; a thread gives it one (and works on every platform).
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise DemoError(f"pod {self.name} was not ready within {timeout:.0f} s") from None
        if not line.startswith("ready "):
            code = self.proc.poll()
            raise DemoError(f"pod {self.name} exited (code {code}) before it was ready")
        self.url = line.split()[1]
        return self.url

    def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _code(response: httpx.Response) -> str:
    """The envelope's code (and "(revoked)" when it says so), for a one-line summary."""
    try:
        body: Any = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return f"{body.get('code', '')}{' (revoked)' if body.get('revoked') else ''}"


def _expect(response: httpx.Response, status: int, step: str) -> None:
    # Only the status and the envelope's code: a body may hold tokens.
    if response.status_code != status:
        got = f"{response.status_code} {_code(response)}".rstrip()
        raise DemoError(f"{step}: expected HTTP {status}, got {got}")


def run_demo(cache: str, say: Callable[[str], None]) -> bool:
    """Run the demo with ``cache`` (``redis`` or ``memory``); True when pod B refused."""
    with ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REALMID_")}
        redis_url = None
        if cache == "redis":
            redis_url = os.environ.get("REALMID_REDIS_URL")
            if redis_url:
                say(f"using the Redis of REALMID_REDIS_URL at {where(redis_url)}")
            else:
                redis_url, pid = stack.enter_context(redis_server())
                say(f"started redis-server at {where(redis_url)} (pid {pid}, no persistence)")
            env["REALMID_REDIS_URL"] = redis_url

        emu = stack.enter_context(RealmEmulator())
        tenant = emu.create_tenant("Pods Inc")
        user = emu.seed_user(EMAIL, {tenant: "member"})
        say(f"started the Realm ID emulator at {emu.base_url}; seeded {EMAIL}")

        # The pods read their realm from the environment, as a real deployment would; the
        # API key rides there, never on a command line (which `ps` shows to everyone).
        env |= {
            "REALMID_REALM_ID": emu.realm_id,
            "REALMID_API_KEY": emu.api_key,
            "REALMID_BASE_URL": emu.base_url,
        }
        pods = [Pod("A", env), Pod("B", env)]  # both start before either is awaited
        for pod in pods:
            stack.callback(pod.stop)
        a, b = (pod.wait_ready() for pod in pods)
        kind = (
            f"RedisRevocationCache on {where(redis_url)}"
            if redis_url
            else "MemRevocationCache of its own"
        )
        say(f"pod A (pid {pods[0].proc.pid}) at {a}, pod B (pid {pods[1].proc.pid}) at {b}")
        say(f"each pod is a realmid.Realm with a {kind}")

        http = stack.enter_context(httpx.Client(timeout=10))
        login = http.post(f"{a}/login", json={"provider_token": emu.mint_provider_token(EMAIL)})
        _expect(login, 200, "login on pod A")
        access, refresh = login.json()["access_token"], login.json()["refresh_token"]
        say(f"logged in on pod A: POST /login → 200, access token {redact(access)}")

        me = http.get(f"{b}/api/me", headers=_bearer(access))
        _expect(me, 200, "GET /api/me on pod B")
        if me.json()["user_id"] != user.id:
            raise DemoError("pod B answered for another user")
        say(f"pod B accepts it: GET /api/me → 200, user {user.id}")

        out = http.post(f"{a}/logout", json={"refresh_token": refresh}, headers=_bearer(access))
        _expect(out, 204, "logout on pod A")
        say("logged out on pod A: POST /logout → 204")

        if redis_url:
            # Read without verifying: this is only to find the key pod A wrote.
            jti = jwt.decode(access, options={"verify_signature": False})["jti"]
            with redis.Redis.from_url(redis_url, socket_timeout=2) as client:
                ttl = int(client.ttl(DEFAULT_REDIS_PREFIX + jti))
            if ttl <= 0:
                raise DemoError("pod A's logout left no revocation key in Redis")
            say(f"pod A parked the token's jti in Redis: key TTL {ttl} s (the token's own life)")
        else:
            say("pod A parked the token's jti in its own memory only")

        again = http.get(f"{b}/api/me", headers=_bearer(access))
        refused = again.status_code == 401
        if refused:
            say(f"pod B refuses the logged-out token: GET /api/me → 401 {_code(again)}")
        elif again.status_code == 200:
            say("pod B still ACCEPTS the logged-out token: GET /api/me → 200")
        else:
            _expect(again, 401, "GET /api/me on pod B after the logout")

        renewed = http.post(f"{b}/token", json={"refresh_token": refresh})
        _expect(renewed, 401, "refresh on pod B after the logout")
        say(f"pod B cannot refresh either: POST /token → 401 {_code(renewed)} (session ended)")
        return refused
