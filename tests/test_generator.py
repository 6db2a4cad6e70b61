"""`python -m generator`: deterministic output, drift detection, spec validation, lazy models.

Every test drives the real CLI in a subprocess from the project root, against the real spec
(openapi/realmid.yaml) generated into temp dirs, so nothing here touches generated_client/.
Set REALMID_GENERATOR_TEST_SPEC to run the same tests against another OpenAPI document.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC = Path(os.environ.get("REALMID_GENERATOR_TEST_SPEC", ROOT / "openapi" / "realmid.yaml"))
PACKAGE = "realmid_api"


def run_generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ARGS` from the project root, as CI does."""
    # No bytecode: the generated trees are compared byte by byte and imported by later tests.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (caches excluded) by posix relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def generate(out: Path) -> None:
    result = run_generator("--spec", SPEC, "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated tree for SPEC, built once for the module."""
    out = tmp_path_factory.mktemp("generated") / "generated_client"
    generate(out)
    return out


def test_generated_tree_has_package_markers_and_provenance(generated: Path) -> None:
    assert (generated / PACKAGE / "py.typed").is_file()
    provenance = (generated / "PROVENANCE.json").read_text()
    assert provenance.endswith("}\n")
    data = json.loads(provenance)
    assert data["openapi_python_client_version"] == "0.29.1"
    assert "models_init.py.jinja" in data["templates_sha256"]


def test_regeneration_is_byte_identical(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "generated_client"
    generate(again)
    first, second = tree(generated), tree(again)
    assert sorted(first) == sorted(second)
    assert [rel for rel in first if first[rel] != second[rel]] == []


def test_check_passes_on_fresh_output(generated: Path) -> None:
    result = run_generator("--check", "--spec", SPEC, "--out", generated)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK")


def editable_description(raw: str, spec: dict[str, Any]) -> str:
    """A one-line property description that appears verbatim, exactly once, in the raw YAML.

    Property descriptions of object schemas land in the model's docstring, so changing one
    must make that model file stale.
    """
    for schema in spec.get("components", {}).get("schemas", {}).values():
        for prop in (schema.get("properties") or {}).values():
            text = prop.get("description") if isinstance(prop, dict) else None
            if (
                isinstance(text, str)
                and "type" in prop
                and "\n" not in text
                and re.search("[a-z]", text)
                and raw.count(text) == 1
            ):
                return text
    pytest.fail(f"no single-line, unique property description found in {SPEC}")


def test_check_names_stale_file_after_one_character_change(generated: Path, tmp_path: Path) -> None:
    raw = SPEC.read_text()
    text = editable_description(raw, yaml.safe_load(raw))
    # Swap the first lowercase letter for another one: still valid YAML, still the same schema.
    letter = re.search("[a-z]", text)
    assert letter is not None
    index = letter.start()
    edited = text[:index] + ("b" if text[index] == "a" else "a") + text[index + 1 :]
    spec_copy = tmp_path / SPEC.name
    spec_copy.write_text(raw.replace(text, edited))

    result = run_generator("--check", "--spec", spec_copy, "--out", generated)

    assert result.returncode != 0
    stale = [line for line in result.stdout.splitlines() if line.startswith("stale: ")]
    assert any(line.endswith(".py") and f"/{PACKAGE}/" in line for line in stale), result.stdout
    assert any(line.endswith("/PROVENANCE.json") for line in stale), result.stdout


def test_check_rejects_invalid_spec_with_validator_message(tmp_path: Path) -> None:
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("openapi: 3.1.0\ninfo:\n  title: No version\npaths: {}\n")
    out = tmp_path / "generated_client"

    result = run_generator("--check", "--spec", invalid, "--out", out)

    assert result.returncode != 0
    # jsonschema quotes the name with ' or " depending on its version.
    assert re.search(r"""['"]version['"] is a required property""", result.stderr)
    assert not out.exists()


LAZY_PROBE = """
import json, sys
import realmid_api.models as models

def loaded():
    return sorted(m for m in sys.modules if m.startswith("realmid_api.models."))

before = loaded()
name = models.__all__[0]
value = getattr(models, name)
after = loaded()
try:
    models.DefinitelyNotAModel
    unknown = "no error"
except AttributeError as err:
    unknown = str(err)
print(json.dumps({
    "count": len(models.__all__), "before": before, "after": after,
    "cached": vars(models).get(name) is value, "unknown": unknown,
}))
"""


def test_models_package_imports_lazily(generated: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(generated), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE],
        cwd=generated,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)

    assert probe["count"] > 0
    assert probe["before"] == []  # `import realmid_api.models` loads no model module
    assert probe["after"]  # touching one name imports its module...
    if probe["count"] > 5:  # ...and not (nearly) all of them
        assert len(probe["after"]) < probe["count"]
    assert probe["cached"]  # and caches it in the package namespace
    assert "DefinitelyNotAModel" in probe["unknown"]
