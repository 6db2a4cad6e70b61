"""Every ```python block of README.md and docs/*.md runs here, so the docs cannot rot.

How a block runs:

- in-process, in a fresh namespace, in a worker thread that must finish within
  ``BLOCK_TIMEOUT`` seconds;
- compiled under the Markdown file's own path and line numbers, so a traceback points at
  the line of the doc (``docs/errors.md:57``), and the test id names the block the same way.

Names injected into every block's namespace (each doc says so at its top):

- ``emu``: a running :class:`~realmid.testing.RealmEmulator` seen through a realm of the
  block's own (one shared server; its faults, rate limits and clock are reset after each
  block, so a block may flip them; it must not rotate or retire the shared signing keys);
- ``realm``: a :class:`realmid.Realm` on that realm, closed after the block;
- ``redis_url``: ``redis://127.0.0.1:<port>/0`` of a redis-server started for the session,
  injected only into blocks that mention ``redis_url``.

A block that defines ``test_*`` functions is a pytest example: it is written to a temp dir
and run by pytest in a subprocess with ``realmid.testing.pytest_plugin`` loaded, so its
fixtures (``emulator``, ``realm_emulator``, ``mfa_user``) are the real ones.

Blocks fenced ```text, ```sh, ```console (see ``SHOWN``) are displayed, not run. Every fence
must name its language: a typo such as ```pyhton would otherwise skip a block silently.
"""

from __future__ import annotations

import itertools
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import realmid
from realmid.testing import RealmEmulator

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = "python"
SHOWN = frozenset({"text", "sh", "console"})
BLOCK_TIMEOUT = 20.0
PYTEST_EXAMPLE_TIMEOUT = 60.0

# An opening fence: up to three spaces of indentation, three or more backticks, the info string.
_FENCE = re.compile(r"^( {0,3})(`{3,})\s*([^`\s]*)")
_PYTEST_EXAMPLE = re.compile(r"^def test_\w+\(", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int  # 1-based line of the block's first code line
    lang: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


def parse_blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path``, in order. An unclosed fence is an error."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence, lang = len(opening.group(1)), opening.group(2), opening.group(3)
        end = i + 1
        while end < len(lines) and not (
            lines[end].strip().startswith(fence) and set(lines[end].strip()) == {"`"}
        ):
            end += 1
        if end == len(lines):
            raise ValueError(f"{path.relative_to(ROOT)}:{i + 1}: unclosed code fence")
        body = [line[indent:] if line[:indent].isspace() else line for line in lines[i + 1 : end]]
        blocks.append(Block(path, i + 2, lang, "\n".join(body) + "\n"))
        i = end + 1
    return blocks


ALL_BLOCKS = [block for path in DOCS for block in parse_blocks(path)]
PYTHON_BLOCKS = [block for block in ALL_BLOCKS if block.lang == RUN]


def test_docs_exist_and_have_examples() -> None:
    names = {path.name for path in DOCS}
    wanted = {"README.md", "migration.md", "errors.md", "sync-and-async.md"}
    wanted |= {"regenerating.md", "emulator.md"}
    assert wanted <= names, f"missing docs: {sorted(wanted - names)}"
    for path in DOCS:
        assert any(b.path == path for b in PYTHON_BLOCKS), f"{path.name} has no python example"


def test_every_fence_names_its_language() -> None:
    bad = [f"{b.where} ```{b.lang}" for b in ALL_BLOCKS if b.lang not in SHOWN | {RUN}]
    assert not bad, f"fences must be ```python (run) or one of {sorted(SHOWN)}: {bad}"


# ------------------------------------------------------------------------------ fixtures

_realms = itertools.count(1)


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[RealmEmulator]:
    with RealmEmulator() as emu:
        yield emu


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        # No skip: CI installs it (.ci/run), and a skipped example is an unchecked one.
        raise RuntimeError("redis-server is not on PATH: apt-get install -y redis-server")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", workdir]
    proc = subprocess.Popen(
        [str(arg) for arg in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


# ------------------------------------------------------------------------------ running


def _execute(block: Block, namespace: dict[str, Any]) -> None:
    # Leading newlines keep the doc's line numbers in tracebacks.
    code = compile("\n" * (block.line - 1) + block.code, str(block.path), "exec")
    failure: list[BaseException] = []

    def run() -> None:
        try:
            exec(code, namespace)
        except BaseException as exc:  # reported below, with the doc's file and line
            failure.append(exc)

    worker = threading.Thread(target=run, name=f"doc example {block.where}", daemon=True)
    worker.start()
    worker.join(BLOCK_TIMEOUT)
    if worker.is_alive():
        pytest.fail(f"{block.where}: still running after {BLOCK_TIMEOUT:.0f} s", pytrace=False)
    if failure:
        trace = "".join(traceback.format_exception(failure[0]))
        pytest.fail(f"{block.where}: the example failed\n{trace}", pytrace=False)


def _run_pytest_example(block: Block, tmp_path: Path) -> None:
    test_file = tmp_path / "test_doc_example.py"
    test_file.write_text("\n" * (block.line - 1) + block.code, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "realmid.testing.pytest_plugin"]
    command += ["-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test_file)]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=PYTEST_EXAMPLE_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{block.where}: the pytest example failed (its line numbers are the doc's)\n"
            f"{result.stdout}{result.stderr}",
            pytrace=False,
        )


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[b.where for b in PYTHON_BLOCKS])
def test_python_block_runs(
    block: Block,
    shared_emulator: RealmEmulator,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    if _PYTEST_EXAMPLE.search(block.code):
        _run_pytest_example(block, tmp_path)
        return
    emu = shared_emulator.using_realm(shared_emulator.add_realm(f"Docs Realm {next(_realms)}"))
    offset = shared_emulator.clock_offset
    namespace: dict[str, Any] = {"__name__": "__main__", "emu": emu}
    if "redis_url" in block.code:
        namespace["redis_url"] = request.getfixturevalue("redis_url")
    realm = realmid.Realm(realm_id=emu.realm_id, api_key=emu.api_key, base_url=emu.base_url)
    namespace["realm"] = realm
    try:
        _execute(block, namespace)
    finally:
        realm.close()
        shared_emulator.faults.clear()
        shared_emulator.reset_rate_limits()
        shared_emulator.clock_offset = offset
