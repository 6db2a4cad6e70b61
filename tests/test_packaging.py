"""What ``pip install realmid`` gives a partner: dependencies, extras, the sdist, the CLI.

Import checks run in a subprocess whose ``sys.meta_path`` refuses the module that an
install without the extra lacks, so they see exactly what such an install would.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tarfile
import textwrap
from email.parser import Parser
from pathlib import Path

import pytest

import realmid
from realmid._extras import missing_extra
from realmid.testing import RealmEmulator

ROOT = Path(__file__).resolve().parents[1]

# Prepended to each subprocess script: `import <name>` fails for every name in BLOCKED, as
# it does where that distribution is not installed.
BLOCKER = """
import importlib.abc
import sys

class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _Blocker())
"""


def run_blocked(blocked: set[str], script: str) -> subprocess.CompletedProcess[str]:
    source = f"BLOCKED = {sorted(blocked)!r}\n{BLOCKER}\n{textwrap.dedent(script)}"
    return subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def _name(requirement: str) -> str:
    """The normalised distribution name of a ``Requires-Dist`` line."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _split(requires: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """Core requirement names, and each extra's."""
    core: set[str] = set()
    extras: dict[str, set[str]] = {}
    for line in requires:
        requirement, _, marker = line.partition(";")
        found = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if found is None:
            core.add(_name(requirement))
        else:
            extras.setdefault(found.group(1), set()).add(_name(requirement))
    return core, extras


# ---------------------------------------------------------------------- dependencies


def test_pyjwt_is_not_a_core_dependency_but_comes_with_testing() -> None:
    core, extras = _split(importlib.metadata.requires("realmid") or [])
    assert "pyjwt" not in core
    assert core >= {"httpx", "cryptography", "pybase64", "msgspec"}
    # The emulator and its plugin need these, and nothing of a web framework but starlette.
    assert {"pyjwt", "pytest", "uvicorn", "starlette"} <= extras["testing"]
    assert not {"fastapi", "flask", "django"} & extras["testing"]
    for framework in ("fastapi", "flask", "django"):
        assert framework in extras[framework]


def test_the_pytest_plugin_is_an_entry_point_named_after_its_module() -> None:
    (entry,) = [
        ep
        for ep in importlib.metadata.entry_points(group="pytest11")
        if ep.value.startswith("realmid")
    ]
    # The name pytest registers it under is the module name a conftest's
    # `pytest_plugins = [...]` line asks for, so that line finds it already loaded.
    assert entry.name == entry.value == "realmid.testing.pytest_plugin"


def test_import_and_verify_work_without_pyjwt(
    emulator: RealmEmulator,
) -> None:
    user = emulator.seed_user("nojwt@example.test", {emulator.create_tenant("No JWT"): "member"})
    session = emulator.session_for(user.id, user.tenant_id)
    args = {
        "realm_id": emulator.realm_id,
        "api_key": emulator.api_key,
        "base_url": emulator.base_url,
        "token": session["access_token"],
        "audience": emulator.audience,
        "sub": user.id,
    }
    result = run_blocked(
        {"jwt"},
        f"""
        import json
        args = json.loads({json.dumps(args)!r})
        import realmid
        from realmid import Realm
        with Realm(realm_id=args["realm_id"], api_key=args["api_key"],
                   base_url=args["base_url"]) as realm:
            claims = realm.verify(args["token"], audience=args["audience"])
        assert claims.sub == args["sub"], claims
        assert "jwt" not in sys.modules
        try:
            import jwt
        except ModuleNotFoundError:
            print("verified without jwt")
        """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "verified without jwt"


# ---------------------------------------------------------------------- missing extras


def test_a_missing_extra_names_its_pip_command() -> None:
    result = run_blocked(
        {"fastapi"},
        """
        try:
            import realmid.middleware.fastapi
        except ModuleNotFoundError as exc:
            print(type(exc).__name__, exc.name)
            print(exc)
        """,
    )
    assert result.returncode == 0, result.stderr
    kind, message = result.stdout.strip().splitlines()
    assert kind == "ModuleNotFoundError fastapi"  # still what `except ImportError` catches
    assert message == (
        "realmid.middleware.fastapi needs fastapi, which is not installed: "
        'pip install "realmid[fastapi]"'
    )


def test_missing_extra_keeps_the_missing_module_name() -> None:
    error = missing_extra(
        ModuleNotFoundError("No module named 'redis'", name="redis"), "redis", "x"
    )
    assert isinstance(error, ImportError)
    assert error.name == "redis"
    assert str(error).endswith('pip install "realmid[redis]"')


# ---------------------------------------------------------------------- python -m realmid


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "realmid", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_python_m_realmid_help() -> None:
    result = _cli("--help")
    assert result.returncode == 0, result.stderr
    # The same CLI as the `realmid` console script (issue 18), under its module name.
    assert result.stdout.startswith("Usage: python -m realmid [OPTIONS] COMMAND")
    assert "--version" in result.stdout
    for command in ("verify", "decode", "tenants", "emulator", "ops"):
        assert f"  {command} " in result.stdout
    # --help prints the help only, not the listing.
    assert "operations in realmid_api" not in result.stdout


def test_python_m_realmid_ops_lists_the_generated_operations() -> None:
    result = _cli("ops")
    assert result.returncode == 0, result.stderr
    assert "[tenants]" in result.stdout
    assert "  create_tenant(" in result.stdout
    assert result.stdout.rstrip().endswith("operations in realmid_api")


def test_python_m_realmid_version() -> None:
    result = _cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"realmid {realmid.__version__} (Realm ID API {realmid.SERVER_VERSION})"
    )


def test_python_m_realmid_refuses_an_unknown_argument() -> None:
    result = _cli("--frobnicate")
    assert result.returncode == 2
    assert "realmid: bad_request: No such option '--frobnicate'" in result.stderr
    assert result.stdout == ""


def test_the_module_docstring_is_current() -> None:
    import realmid.__main__ as cli

    doc = cli.__doc__ or ""
    assert "until the facade" not in doc  # the stale line it once had
    assert "scripts/quickstart" in doc  # the README's main job, named as it is now


# ---------------------------------------------------------------------- the sdist


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> tarfile.TarFile:
    """The sdist built from this checkout's files (tracked and new, not ignored), offline."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
        cwd=ROOT,
    ).stdout.split(b"\0")
    source = tmp_path_factory.mktemp("source")
    for raw in filter(None, listed):
        relative = raw.decode()
        origin = ROOT / relative
        if origin.is_file():  # a file deleted in the work tree but still tracked is not
            target = source / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(origin.read_bytes())
    out = tmp_path_factory.mktemp("dist")
    # The PEP 517 hook of the venv's own setuptools, as `python -m build --sdist
    # --no-isolation` would call it: offline, and nothing to install but setuptools>=77
    # (the build-system requirement, for the SPDX `license` and License-File metadata).
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; build_meta.build_sdist(sys.argv[1])",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=source,
        timeout=300,
        check=False,
    )
    setuptools_version = importlib.metadata.version("setuptools")
    assert result.returncode == 0, (
        f"the sdist did not build with setuptools {setuptools_version} (needs >=77)\n"
        + result.stdout
        + result.stderr
    )
    (archive,) = out.glob("realmid-*.tar.gz")
    return tarfile.open(archive)


def _members(sdist: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    return {m.name.partition("/")[2]: m for m in sdist.getmembers() if m.isfile()}


# What an sdist holds besides the packages: its metadata, the readme, changelog, license.
SDIST_METADATA = {
    "PKG-INFO",
    "setup.cfg",
    "pyproject.toml",
    "MANIFEST.in",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
}
PACKAGE_DIRS = ("realmid/", "generated_client/realmid_api/")


def test_the_sdist_holds_the_packages_and_no_suite_it_cannot_run(sdist: tarfile.TarFile) -> None:
    names = set(_members(sdist))
    outside = {
        n for n in names if not n.startswith(PACKAGE_DIRS) and not n.startswith("realmid.egg-info/")
    }
    # No tests/ (they read docs/, examples/, openapi/ and generator/, which are not shipped),
    # nothing else of the checkout either.
    assert outside == SDIST_METADATA
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_sdist_has_every_file_of_both_packages(sdist: tarfile.TarFile) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *PACKAGE_DIRS],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    expected = {p for p in tracked if (ROOT / p).is_file()}
    # The wheel is built from the sdist: a module or data file missing here (the emulator's
    # contract openapi.json, py.typed) is missing from every install.
    assert expected
    assert expected <= set(_members(sdist))


def test_the_sdist_metadata_carries_the_license(sdist: tarfile.TarFile) -> None:
    members = _members(sdist)
    info = Parser().parsestr(_read(sdist, members["PKG-INFO"]))
    assert info["License-Expression"] == "Apache-2.0"
    assert info.get_all("License-File") == ["LICENSE"]
    licence = _read(sdist, members["LICENSE"])
    assert licence == (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    core, _ = _split(info.get_all("Requires-Dist") or [])
    assert "pyjwt" not in core


def _read(sdist: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    handle = sdist.extractfile(member)
    assert handle is not None
    return handle.read().decode()


def test_pytest_runs_in_a_project_without_the_testing_extra(tmp_path: Path) -> None:
    # The pytest11 entry point loads the plugin in every project that has realmid: without
    # realmid[testing] (no PyJWT, uvicorn, pyotp), a plain test suite must still run.
    test_file = tmp_path / "test_plain.py"
    test_file.write_text("def test_plain():\n    pass\n")
    result = run_blocked(
        {"jwt", "uvicorn", "pyotp"},
        f"""
        import sys, pytest
        sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", {str(test_file)!r}]))
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
