"""Client CPU per item for walking a long list through the SDK, against a raw httpx page loop.

Both candidates walk the same pages of ``GET /tenants`` (the page envelope
``{"items", "next_cursor", "total"}``) from one RealmEmulator seeded with ``--items``
tenants, at ``--page-size`` items per page (500 is the emulator's and the contract's
maximum, ``Limit: maximum 500``):

- ``baseline``: an ``httpx.Client`` loop with the platform bearer set by hand:
  ``GET /tenants?limit=&cursor=``, ``json.loads`` the body, read each item's ``id``,
  follow ``next_cursor`` until it is null;
- ``sdk``: ``for t in realm.tenants.list(limit=...): t.id`` on a ``realmid.Realm`` whose
  platform token is already warm (the generated client parses each page into models);
- the same pair on the async face (``httpx.AsyncClient`` vs ``AsyncRealm``, ``async for``),
  each awaited in one long-lived event loop.

The figure is CPU, not wall: ``time.process_time()`` of this process around one full walk,
divided by the items walked. The emulator runs in a child process
(``python -m realmid.testing`` on 127.0.0.1), so this process's CPU is the client's alone;
the server's CPU per item (read from ``/proc`` when there is one) and the wall time are
shown beside it for context, not compared. Rounds are interleaved (baseline, sdk, baseline,
sdk, ...) so drift hits both alike; each column is the median over rounds, and ``x base``
is the median of the per-round ratios sdk / baseline (what the SDK's models and plumbing
cost on top of the bare HTTP + JSON a hand-written loop pays)::

    python bench/pagination.py [--items 5000] [--page-size 500] [--rounds 9] [--no-async]
    python bench/pagination.py --profile   # cProfile one SDK walk instead (realmid code only)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

import realmid

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5
MAX_PAGE = 500  # realmid/testing/paging.py MAX_LIMIT and openapi Limit.maximum


@dataclass(frozen=True)
class Emulator:
    base_url: str
    realm_id: str
    api_key: str
    pid: int


@dataclass(frozen=True)
class Sample:
    cpu: float  # seconds of this process's CPU
    wall: float  # seconds
    server_cpu: float | None  # seconds of the emulator process's CPU, when /proc has it
    items: int


@contextmanager
def emulator_process() -> Iterator[Emulator]:
    """``python -m realmid.testing`` in a child process on loopback; stopped on exit."""
    paths = [str(ROOT), str(ROOT / "generated_client"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    cmd = [sys.executable, "-m", "realmid.testing", "--host", "127.0.0.1", "--rate-limit", "1e9"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout

    def drain() -> None:  # keep reading so the child never blocks on a full pipe
        for line in stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=drain, daemon=True).start()
    try:
        found: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(found) < 3:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError("the emulator did not start within 30 s") from None
            if not line:
                raise RuntimeError(f"the emulator exited early (code {proc.wait()})")
            key, sep, value = line.strip().partition("=")
            if sep and key in ("base_url", "realm_id", "api_key"):
                found[key] = value
        if not found["base_url"].startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the emulator is not on loopback: {found['base_url']}")
        yield Emulator(found["base_url"], found["realm_id"], found["api_key"], proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def process_cpu(pid: int | None) -> float | None:
    """User + system CPU seconds of ``pid`` (all its threads), or None without ``/proc``."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(http: httpx.Client, count: int) -> None:
    """``count`` tenants through the control surface (``POST /_emulator/tenants``)."""
    for i in range(count):
        answer = http.post("/_emulator/tenants", json={"display_name": f"Bench Tenant {i:05d}"})
        answer.raise_for_status()


def platform_token(http: httpx.Client, emu: Emulator) -> str:
    body = {"grant_type": "platform_api_key", "realm_id": emu.realm_id, "api_key": emu.api_key}
    answer = http.post("/auth/login", json=body)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def sync_baseline(http: httpx.Client, bearer: str, page_size: int) -> Callable[[], int]:
    headers = {"Authorization": f"Bearer {bearer}"}

    def walk() -> int:
        count = 0
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": page_size}
            if cursor is not None:
                params["cursor"] = cursor
            answer = http.get("/tenants", params=params, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"GET /tenants answered {answer.status_code}")
            page = json.loads(answer.content)
            for item in page["items"]:
                if item["id"]:
                    count += 1
            cursor = page.get("next_cursor")
            if cursor is None:
                return count

    return walk


def sync_sdk(realm: realmid.Realm, page_size: int) -> Callable[[], int]:
    def walk() -> int:
        count = 0
        for tenant in realm.tenants.list(limit=page_size):
            if tenant.id:
                count += 1
        return count

    return walk


def async_baseline(
    loop: asyncio.AbstractEventLoop, http: httpx.AsyncClient, bearer: str, page_size: int
) -> Callable[[], int]:
    headers = {"Authorization": f"Bearer {bearer}"}

    async def walk() -> int:
        count = 0
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"limit": page_size}
            if cursor is not None:
                params["cursor"] = cursor
            answer = await http.get("/tenants", params=params, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"GET /tenants answered {answer.status_code}")
            page = json.loads(answer.content)
            for item in page["items"]:
                if item["id"]:
                    count += 1
            cursor = page.get("next_cursor")
            if cursor is None:
                return count

    return lambda: loop.run_until_complete(walk())


def async_sdk(
    loop: asyncio.AbstractEventLoop, realm: realmid.AsyncRealm, page_size: int
) -> Callable[[], int]:
    async def walk() -> int:
        count = 0
        async for tenant in realm.tenants.list(limit=page_size):
            if tenant.id:
                count += 1
        return count

    return lambda: loop.run_until_complete(walk())


def measure(walk: Callable[[], int], server_pid: int | None = None) -> Sample:
    # Each walk starts from an empty collector: a full collection owed to the garbage of the
    # candidate before it (the heap here is tens of ms to sweep) would otherwise be charged
    # to whichever walk happens to cross the threshold. The walk's own collections still count.
    gc.collect()
    server_before = process_cpu(server_pid)
    wall_before, cpu_before = time.perf_counter(), time.process_time()
    items = walk()
    cpu, wall = time.process_time() - cpu_before, time.perf_counter() - wall_before
    server_after = process_cpu(server_pid)
    server = None
    if server_before is not None and server_after is not None:
        server = server_after - server_before
    return Sample(cpu=cpu, wall=wall, server_cpu=server, items=items)


def per_item_us(samples: list[Sample], field: str) -> float | None:
    values = [getattr(s, field) for s in samples]
    if any(v is None for v in values):
        return None
    return statistics.median(v / s.items for v, s in zip(values, samples, strict=True)) * 1e6


def profile_sdk(
    walk: Callable[[], int], http: httpx.Client, bearer: str, page_size: int, top: int
) -> None:
    """Where the SDK walk's CPU goes: unprofiled ``TenantPage.from_dict`` cost per item
    against the whole walk's, then cProfile's top realmid / realmid_api entries.

    cProfile runs on its default (wall) clock: a CPU clock is a syscall per event here and
    inflates small functions like ``from_dict`` several times over. Its ``handle_request``
    figures therefore include the wait for the emulator; ``from_dict`` does no I/O.
    """
    from realmid_api.models import TenantPage

    body = http.get(
        "/tenants", params={"limit": page_size}, headers={"Authorization": f"Bearer {bearer}"}
    ).content
    per_page = len(json.loads(body)["items"])
    walk()  # warm
    sdk_cpu = statistics.median(s.cpu / s.items for s in (measure(walk) for _ in range(5)))
    loads, parse = [], []
    for _ in range(9):
        started = time.process_time()
        parsed = [json.loads(body) for _ in range(10)]
        loaded = time.process_time()
        for document in parsed:
            TenantPage.from_dict(document)
        loads.append((loaded - started) / (10 * per_page))
        parse.append((time.process_time() - loaded) / (10 * per_page))
    from_dict_us, loads_us, sdk_us = (
        statistics.median(parse) * 1e6,
        statistics.median(loads) * 1e6,
        sdk_cpu * 1e6,
    )
    print(
        f"unprofiled, per item: SDK walk {sdk_us:.2f} us CPU; TenantPage.from_dict "
        f"{from_dict_us:.2f} us ({from_dict_us / sdk_us:.0%} of it); json.loads {loads_us:.2f} us"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    items = walk()
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    ours = []
    for (filename, line, name), (_, calls, _tt, cumulative, _) in raw.items():
        for package in ("realmid_api", "realmid"):
            marker = f"{os.sep}{package}{os.sep}"
            if marker in filename:
                short = package + os.sep + filename.rpartition(marker)[2]
                ours.append((cumulative, calls, f"{short}:{line}({name})"))
                break
    ours.sort(reverse=True)
    walk_total = max((c for c, _, label in ours if label.endswith("(__iter__)")), default=0.0)
    from_dict = max((c for c, _, label in ours if label.endswith("(from_dict)")), default=0.0)
    waited = max((c for c, _, label in ours if label.endswith("(handle_request)")), default=0.0)
    print(
        f"cProfile (wall clock), one SDK walk of {items} items: {walk_total * 1e3:.1f} ms, "
        f"{waited * 1e3:.1f} ms of it in the transport (emulator wait included); outermost "
        f"from_dict {from_dict * 1e3:.1f} ms = {from_dict / max(walk_total - waited, 1e-9):.0%} "
        "of the rest\n"
    )
    print(f"{'cumulative ms':>14} {'calls':>8}  function")
    for cumulative, calls, label in ours[:top]:
        print(f"{cumulative * 1e3:14.1f} {calls:8d}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000, help="tenants to seed")
    parser.add_argument("--page-size", type=int, default=MAX_PAGE, help=f"max {MAX_PAGE}")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--no-async", action="store_true", help="skip the async face")
    parser.add_argument("--profile", action="store_true", help="cProfile the SDK walk instead")
    parser.add_argument("--top", type=int, default=15, help="entries shown by --profile")
    args = parser.parse_args()
    if not 1 <= args.page_size <= MAX_PAGE:
        parser.error(f"--page-size must be within 1..{MAX_PAGE} (the contract's Limit maximum)")

    with emulator_process() as emu, httpx.Client(base_url=emu.base_url, timeout=30) as http:
        started = time.perf_counter()
        seed(http, args.items)
        seeded = time.perf_counter() - started
        bearer = platform_token(http, emu)
        realm = realmid.Realm(realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url)
        sync_walks = {
            "baseline": sync_baseline(http, bearer, args.page_size),
            "sdk": sync_sdk(realm, args.page_size),
        }
        if args.profile:
            profile_sdk(sync_walks["sdk"], http, bearer, args.page_size, args.top)
            realm.close()
            return
        faces = {"sync": sync_walks}
        loop = asyncio.new_event_loop()
        async_http = httpx.AsyncClient(base_url=emu.base_url, timeout=30)
        async_realm = realmid.AsyncRealm(
            realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url
        )
        if not args.no_async:
            faces["async"] = {
                "baseline": async_baseline(loop, async_http, bearer, args.page_size),
                "sdk": async_sdk(loop, async_realm, args.page_size),
            }
        try:
            for walks in faces.values():  # warm: connections open, platform tokens fetched
                for walk in walks.values():
                    walk()
            samples = {(face, name): [] for face, walks in faces.items() for name in walks}
            for _ in range(args.rounds):
                for face, walks in faces.items():
                    for name, walk in walks.items():
                        samples[face, name].append(measure(walk, emu.pid))
        finally:
            realm.close()
            loop.run_until_complete(async_realm.aclose())
            loop.run_until_complete(async_http.aclose())
            loop.close()

    walked = samples["sync", "sdk"][0].items
    pages = -(-walked // args.page_size)
    print(
        f"{walked} tenants ({args.items} seeded in {seeded:.1f} s), page size {args.page_size} "
        f"({pages} pages per walk); emulator in a child process on 127.0.0.1"
    )
    print(f"median of {args.rounds} interleaved rounds; client CPU = this process's process_time\n")
    print(
        f"{'face':6} {'candidate':9} {'client CPU us/item':>19} {'x base':>7} "
        f"{'wall us/item':>13} {'server CPU us/item':>19}"
    )
    verdict = {True: "ok", False: "MISSED"}
    ratios: dict[str, float] = {}
    for face, walks in faces.items():
        base = per_item_us(samples[face, "baseline"], "cpu") or 0.0
        for name in walks:
            cpu = per_item_us(samples[face, name], "cpu") or 0.0
            wall = per_item_us(samples[face, name], "wall") or 0.0
            server = per_item_us(samples[face, name], "server_cpu")
            shown = "n/a" if server is None else f"{server:.2f}"
            # The median of per-round ratios: each sdk walk ran right after its baseline walk,
            # so this shared VM's drift hits both alike and cancels in their ratio.
            pairs = zip(samples[face, name], samples[face, "baseline"], strict=True)
            ratio = (
                statistics.median(
                    (mine.cpu / mine.items) / (theirs.cpu / theirs.items) for mine, theirs in pairs
                )
                if base
                else 0.0
            )
            if name == "sdk":
                ratios[face] = ratio
            print(f"{face:6} {name:9} {cpu:19.2f} {ratio:7.2f} {wall:13.2f} {shown:>19}")
    print()
    for face, ratio in ratios.items():
        print(
            f"target <= {TARGET}x baseline client CPU at page size {args.page_size} ({face}): "
            f"{ratio:.2f}x {verdict[ratio <= TARGET]}"
        )


if __name__ == "__main__":
    main()
