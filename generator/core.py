"""Regenerate and check the ``realmid_api`` client generated from the OpenAPI spec.

The generated tree (``generated_client/`` by default) holds exactly two things: the package
``realmid_api/`` and ``PROVENANCE.json``. Everything in it is owned by this module: in-place
regeneration deletes files that are no longer produced, and ``--check`` reports any difference.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Bumping openapi-python-client changes the generated code, so it is an explicit, reviewed step:
# update this pin together with the venv and regenerate.
PINNED_OPENAPI_PYTHON_CLIENT_VERSION = "0.29.1"

GENERATOR_DIR = Path(__file__).resolve().parent
# Paths are resolved against the project root, never the cwd, so the CLI and the tests behave the
# same wherever they are started from.
PROJECT_ROOT = GENERATOR_DIR.parent
CONFIG_PATH = GENERATOR_DIR / "config.yaml"
TEMPLATES_DIR = GENERATOR_DIR / "templates"
DEFAULT_SPEC = Path("openapi/realmid.yaml")
DEFAULT_OUT = Path("generated_client")

PACKAGE_NAME = "realmid_api"  # must match package_name_override in config.yaml
PROVENANCE_NAME = "PROVENANCE.json"
# openapi-python-client only writes py.typed for --meta != none; same content as upstream's.
PY_TYPED_CONTENT = b"# Marker file for PEP 561"

# The spec itself, shipped inside the package as JSON: the emulator (realmid.testing) validates
# requests against it, so an installed SDK carries the contract its client was generated from.
CONTRACT_NAME = "openapi.json"

# Byproducts of importing or linting the generated package; never generated, never compared.
IGNORED_DIR_NAMES = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})
IGNORED_SUFFIXES = (".pyc", ".pyo")


class GeneratorFailure(Exception):
    """A problem the user must fix; the CLI prints the message and exits 1 (no traceback)."""


def resolve(path: Path) -> Path:
    """Return ``path`` made absolute relative to the project root (absolute paths pass through)."""
    return (PROJECT_ROOT / path).resolve()


def display(path: Path) -> str:
    """Render ``path`` relative to the project root when inside it, for short stable messages."""
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def check_generator_version() -> str:
    """Fail unless the installed openapi-python-client is the pinned one; return its version."""
    try:
        import openapi_python_client  # only needed for this check
    except ImportError as err:
        raise GeneratorFailure(
            f"openapi-python-client is not installed in {sys.executable}; "
            f"install openapi-python-client=={PINNED_OPENAPI_PYTHON_CLIENT_VERSION}"
        ) from err
    installed = str(openapi_python_client.__version__)
    if installed != PINNED_OPENAPI_PYTHON_CLIENT_VERSION:
        raise GeneratorFailure(
            f"openapi-python-client version mismatch: installed {installed}, "
            f"pinned {PINNED_OPENAPI_PYTHON_CLIENT_VERSION} (generator/core.py). Install the "
            "pinned version, or bump the pin deliberately and regenerate."
        )
    return installed


def validate_spec(spec: Path) -> None:
    """Validate ``spec`` with openapi-spec-validator; raise GeneratorFailure with its message."""
    # Imported lazily: the validator pulls in jsonschema and friends, which --help does not need.
    from openapi_spec_validator import validate
    from openapi_spec_validator.exceptions import OpenAPISpecValidatorError
    from openapi_spec_validator.readers import read_from_filename
    from openapi_spec_validator.validation.exceptions import (
        OpenAPIValidationError,
    )

    if not spec.is_file():
        raise GeneratorFailure(f"spec not found: {display(spec)}")
    try:
        document, base_uri = read_from_filename(str(spec))
    except Exception as err:  # YAML/JSON syntax errors come from several libraries
        raise GeneratorFailure(f"spec is not readable YAML/JSON: {display(spec)}: {err}") from err
    try:
        validate(document, base_uri=base_uri)
    except OpenAPIValidationError as err:
        location = str(err.json_path)
        raise GeneratorFailure(
            f"spec is invalid: {display(spec)}: {err.message} (at {location})"
        ) from err
    except OpenAPISpecValidatorError as err:  # e.g. no recognisable `openapi:` version field
        raise GeneratorFailure(f"spec is invalid: {display(spec)}: {err!r}") from err


def tool_env() -> dict[str, str]:
    """Environment for the generator subprocess: venv tools first, no ambient knobs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUFF_")}
    # The post hooks call plain `ruff`; when the venv is used without being activated its bin dir
    # is not on PATH, and some other ruff (or none) would run instead.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # Belt and braces for determinism: nothing should depend on set/dict hash order, but if
    # something upstream ever does, a fixed seed keeps the output stable anyway.
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def ruff_version(env: dict[str, str]) -> str:
    """Return the version of the ruff the post hooks will run, e.g. ``"0.17.6"``."""
    ruff = shutil.which("ruff", path=env["PATH"])
    if ruff is None:
        raise GeneratorFailure(f"ruff not found next to {sys.executable} or on PATH")
    result = subprocess.run([ruff, "--version"], capture_output=True, text=True, check=True)
    # Output is "ruff X.Y.Z"; keep only the version so the provenance has no path in it.
    return result.stdout.split()[-1]


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def iter_files(root: Path) -> Iterator[Path]:
    """Yield files under ``root`` in sorted order, skipping caches and bytecode."""
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part in IGNORED_DIR_NAMES for part in rel_parts) or path.suffix in IGNORED_SUFFIXES:
            continue
        if path.is_file():
            yield path


def provenance(spec: Path, generator_version: str, ruff: str) -> bytes:
    """Serialise the inputs of a generation run; no timestamps or paths, so it is reproducible."""
    data = {
        "config_sha256": sha256(CONFIG_PATH),
        "openapi_python_client_version": generator_version,
        "ruff_version": ruff,
        "spec_sha256": sha256(spec),
        "templates_sha256": {
            path.relative_to(TEMPLATES_DIR).as_posix(): sha256(path)
            for path in iter_files(TEMPLATES_DIR)
        },
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def contract_json(spec: Path) -> bytes:
    """The spec as deterministic JSON (document order kept, two-space indent, trailing newline)."""
    import yaml  # only needed at generation time

    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def generate(spec: Path, dest: Path) -> None:
    """Generate the full tree (``realmid_api/`` + ``PROVENANCE.json``) into empty dir ``dest``."""
    generator_version = check_generator_version()
    env = tool_env()
    ruff = ruff_version(env)
    package_dir = dest / PACKAGE_NAME
    # A subprocess rather than the Python API: the CLI is the documented, stable interface, its
    # error reporting and --fail-on-warning come for free, and it isolates typer/global state.
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--meta",
        "none",
        "--fail-on-warning",
        "--overwrite",
        "--config",
        str(CONFIG_PATH),
        "--custom-template-path",
        str(TEMPLATES_DIR),
        "--output-path",
        str(package_dir),
    ]
    result = subprocess.run(command, cwd=dest, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        # Drop the "Generating <temp dir>" progress line: noise, and a random path in the message.
        lines = (result.stdout + "\n" + result.stderr).strip().splitlines()
        output = "\n".join(line for line in lines if not line.startswith("Generating ")).strip()
        raise GeneratorFailure(
            f"openapi-python-client failed (exit {result.returncode}) on {display(spec)}; "
            f"warnings are fatal (--fail-on-warning):\n{output}"
        )
    (package_dir / "py.typed").write_bytes(PY_TYPED_CONTENT)
    (package_dir / CONTRACT_NAME).write_bytes(contract_json(spec))
    (dest / PROVENANCE_NAME).write_bytes(provenance(spec, generator_version, ruff))


def snapshot(root: Path) -> dict[str, bytes]:
    """Map each file's posix path under ``root`` to its bytes (empty if ``root`` is absent)."""
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in iter_files(root)}


def diff_trees(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[tuple[str, str]]:
    """Return sorted ``(kind, relative path)`` pairs, kind being stale, missing or extra."""
    differences = []
    for rel in sorted(expected.keys() | actual.keys()):
        if rel not in actual:
            differences.append(("missing", rel))
        elif rel not in expected:
            differences.append(("extra", rel))
        elif expected[rel] != actual[rel]:
            differences.append(("stale", rel))
    return differences


def check(spec: Path, out: Path) -> list[str]:
    """Regenerate into a temp dir and return one message per file of ``out`` that differs."""
    validate_spec(spec)
    with tempfile.TemporaryDirectory(prefix="realmid-generator-") as tmp:
        generate(spec, Path(tmp))
        expected = snapshot(Path(tmp))
    actual = snapshot(out)
    problems = [f"{kind}: {display(out / rel)}" for kind, rel in diff_trees(expected, actual)]
    from generator import twins  # imports this module

    return problems + [f"{kind}: {path}" for kind, path in twins.check()]


def regenerate(spec: Path, out: Path) -> int:
    """Regenerate ``out`` in place; return the number of files written or deleted."""
    validate_spec(spec)
    # Refuse to prune a directory we did not create: a mistyped --out (e.g. ".") would otherwise
    # delete everything in it that the generator does not produce.
    if out.is_dir() and any(out.iterdir()) and not (out / PROVENANCE_NAME).is_file():
        raise GeneratorFailure(
            f"refusing to regenerate into {display(out)}: it is not empty and has no "
            f"{PROVENANCE_NAME}, so it was not produced by this generator"
        )
    with tempfile.TemporaryDirectory(prefix="realmid-generator-") as tmp:
        generate(spec, Path(tmp))
        changes = sync_tree(Path(tmp), out)
    from generator import twins  # imports this module

    return changes + twins.regenerate()


def sync_tree(src: Path, dst: Path) -> int:
    """Make ``dst`` match ``src`` (ignoring caches); only touch files whose bytes differ."""
    wanted = snapshot(src)
    present = snapshot(dst)
    changes = 0
    for kind, rel in diff_trees(wanted, present):
        target = dst / rel
        if kind == "extra":
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(wanted[rel])
        changes += 1
    # Drop directories no longer produced (e.g. a removed API tag), including leftover caches.
    wanted_dirs = {Path(rel).parent for rel in wanted}
    wanted_dirs |= {parent for d in wanted_dirs for parent in d.parents}
    for path in sorted(dst.rglob("*"), reverse=True):
        if (
            path.is_dir()
            and path.name not in IGNORED_DIR_NAMES
            and path.relative_to(dst) not in wanted_dirs
        ):
            shutil.rmtree(path)
    return changes
