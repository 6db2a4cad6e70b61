"""The sync face is generated from the async source and cannot drift from it."""

from __future__ import annotations

import io
import shutil
import tokenize
from pathlib import Path

from generator import twins
from generator.core import snapshot


def test_committed_twins_are_what_the_async_source_gives(tmp_path: Path) -> None:
    twins.render(tmp_path)
    assert snapshot(tmp_path) == snapshot(twins.SYNC_DIR)
    assert twins.check() == []


def test_twins_have_no_async_left(tmp_path: Path) -> None:
    for path in sorted(twins.SYNC_DIR.glob("*.py")):
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
