"""The sync face is generated from the async source and cannot drift from it."""

from __future__ import annotations

import io
import shutil
import tokenize
from pathlib import Path

from generator import twins
from generator.core import snapshot


def test_every_async_folder_has_its_twin_folder() -> None:
    found = sorted(p.parent for p in twins.PROJECT_ROOT.glob("realmid/**/_async/__init__.py"))
    assert found == sorted(source for source, _ in twins.pairs())
    assert (twins.PROJECT_ROOT / "realmid/middleware/_async/flow.py").is_file()


def test_committed_twins_are_what_the_async_source_gives(tmp_path: Path) -> None:
    for i, (source, twin) in enumerate(twins.pairs()):
        twins.render(tmp_path / str(i), source)
        assert snapshot(tmp_path / str(i)) == snapshot(twin)
    assert twins.check() == []


def test_a_stale_twin_in_any_folder_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "realmid" / "middleware"
    for side in ("_async", "_sync"):
        shutil.copytree(
            twins.PROJECT_ROOT / "realmid/middleware" / side,
            package / side,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    folders = [(package / "_async", package / "_sync")]
    assert twins.check(folders) == []
    flow = package / "_sync" / "flow.py"
    flow.write_text(flow.read_text() + "# drift\n")
    assert twins.check(folders) == [("stale", f"{package.as_posix()}/_sync/flow.py")]


def test_twins_have_no_async_left(tmp_path: Path) -> None:
    for path in sorted(p for _, twin in twins.pairs() for p in twin.glob("*.py")):
        names = {
            tok.string
            for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
            if tok.type == tokenize.NAME
        }
        assert not names & {"async", "await", "AsyncRealm", "AsyncLock", "aclose"}, path.name


def test_an_async_edit_without_regeneration_is_noticed(tmp_path: Path) -> None:
    source = tmp_path / "_async"
    shutil.copytree(twins.ASYNC_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    realm = source / "realm.py"
    realm.write_text(realm.read_text().replace('"The realm\'s id."', '"The realm id."'))
    out = tmp_path / "out"
    twins.render(out, source)
    rendered = snapshot(out)
    committed = snapshot(twins.SYNC_DIR)
    changed = sorted(name for name in committed if rendered.get(name) != committed[name])
    assert changed == ["realm.py"]
