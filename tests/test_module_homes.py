"""One home per concern: each policy and decoder is defined once, and the modules that
hold them do not import each other in a circle.

An AST scan of the hand-written package (``realmid/``, without the emulator in
``realmid/testing`` and without the generated ``_sync`` twins, which restate their
``_async`` sources by construction).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "realmid"


def _sources() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).as_posix()
        if rel.startswith("realmid/testing/") or "/_sync/" in rel:
            continue
        found[rel] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _definitions() -> dict[str, list[str]]:
    where: dict[str, list[str]] = defaultdict(list)
    for rel, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                where[node.name].append(rel)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        where[target.id].append(rel)
    return where


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_each_policy_and_decoder_has_one_definition() -> None:
    where = _definitions()
    assert where["unverified_claims"] == ["realmid/_jose.py"]
    assert where["b64url_decode"] == ["realmid/_jose.py"]
    assert where["strict_json_object"] == ["realmid/_jose.py"]
    assert where["LOGOUT_FAIL_CLOSED"] == ["realmid/_async/tokens.py"]
    assert where["logout_then_park"] == ["realmid/_async/tokens.py"]
    assert where["duration"] == ["realmid/_inputs.py"]
    assert where["MAX_JTI_CHARS"] == ["realmid/_inputs.py"]


def test_the_decoders_and_caches_import_neither_the_verifier_nor_the_tokens_wing() -> None:
    sources = _sources()
    for rel in ("realmid/_jose.py", "realmid/_inputs.py", "realmid/revocation.py"):
        imported = _imports(sources[rel])
        assert not imported & {"realmid.verify", "realmid._async.tokens", "realmid.jwks"}, rel
    assert not {m for m in _imports(sources["realmid/_jose.py"]) if m.startswith("realmid")}


def test_no_logout_path_keeps_a_fail_closed_set_of_its_own() -> None:
    # auth.logout and the middleware's logout route go through realm.tokens.logout_then_park:
    # neither names the outcomes after which a token is parked anyway.
    sources = _sources()
    for rel in ("realmid/_async/auth.py", "realmid/middleware/_async/flow.py"):
        named = {
            node.attr
            for node in ast.walk(sources[rel])
            if isinstance(node, ast.Attribute) and node.attr.isupper()
        }
        assert not named & {"NETWORK", "SERVER_ERROR", "RATE_LIMITED"}, rel
        assert "logout_then_park" in {
            node.attr for node in ast.walk(sources[rel]) if isinstance(node, ast.Attribute)
        }, rel
