"""The facade reaches the generated client only through its public names.

``realmid_api`` is regenerated from the spec; its underscore names (``_get_kwargs``,
``_parse_response``, ``AuthenticatedClient._client``, ``._base_url``, ...) are upstream's
internals and change with the template or the generator's version without notice. The
facade (``realmid/**``, except the emulator in ``realmid/testing/``) therefore uses only
public names of it: the operation modules' ``sync*`` / ``asyncio*`` calls, their
``request_kwargs`` builder (added by ``generator/templates/endpoint_module.py.jinja``),
the client's public methods and the models.

The scan is an AST walk with a small, deliberately conservative notion of "comes from
``realmid_api``": a name bound by an import of it (or ``importlib.import_module`` of it),
anything reached from such a value by attribute, call, subscript, ``await``, ``with`` or
``for``, a variable or ``self`` attribute assigned one, and a parameter, variable, class
member or method annotated with a ``realmid_api`` type. An underscore (non-dunder)
attribute of such a value, a ``getattr``/``hasattr``/``setattr`` of an underscore name on
one, or an import of an underscore name from ``realmid_api`` is a violation.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import pytest
from realmid_api import AuthenticatedClient
from realmid_api.api.auth import login
from realmid_api.api.realm import get_jwks
from realmid_api.models import PlatformApiKeyGrant

ROOT = Path(__file__).resolve().parents[1]
FACADE = ROOT / "realmid"
EMULATOR = FACADE / "testing"
GENERATED = "realmid_api"
_REFLECTION = {"getattr", "hasattr", "setattr", "delattr"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _from_generated(module: str | None) -> bool:
    return module is not None and (module == GENERATED or module.startswith(GENERATED + "."))


def _dotted(node: ast.expr) -> str | None:
    """``self.x`` -> "self.x"; a plain name -> the name; anything else -> None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _imports_generated_module(call: ast.Call) -> bool:
    """``importlib.import_module("realmid_api...")`` (also an f-string starting so)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not call.args:
        return False
    arg = call.args[0]
    if isinstance(arg, ast.JoinedStr) and arg.values:
        arg = arg.values[0]
    return (
        isinstance(arg, ast.Constant)
        and isinstance(arg.value, str)
        and arg.value.startswith(GENERATED)
    )


class _Scan:
    """One file's scan; ``violations`` holds ``line: text`` entries."""

    def __init__(self, tree: ast.Module, members: frozenset[str] = frozenset()) -> None:
        self.violations: list[str] = []
        # Members of facade classes that hold or return a realmid_api value (``api_client``,
        # ``_api``), found by a first pass over every file: ``realm.api_client._client``.
        self.members = members
        self.members_found: set[str] = set()
        self.imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and _from_generated(node.module):
                for alias in node.names:
                    if _private(alias.name) or any(
                        _private(part) for part in (node.module or "").split(".")
                    ):
                        self._flag(node, f"imports {node.module}.{alias.name}")
                    self.imported.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _from_generated(alias.name):
                        if any(_private(part) for part in alias.name.split(".")):
                            self._flag(node, f"imports {alias.name}")
                        self.imported.add(alias.asname or alias.name.split(".")[0])
        self._scope(tree.body, set(self.imported))

    def _flag(self, node: ast.AST, what: str) -> None:
        self.violations.append(f"{getattr(node, 'lineno', '?')}: {what}")

    # -- what counts as generated ----------------------------------------------------------

    def _annotation_is_generated(self, node: ast.expr | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return False
        return any(isinstance(sub, ast.Name) and sub.id in self.imported for sub in ast.walk(node))

    def _is_generated(self, node: ast.expr, known: set[str]) -> bool:
        dotted = _dotted(node)
        if dotted is not None and dotted in known:
            return True
        if isinstance(node, ast.Attribute) and node.attr in self.members:
            return True
        if isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
            return self._is_generated(node.value, known)
        if isinstance(node, ast.Await):
            return self._is_generated(node.value, known)
        if isinstance(node, ast.Call):
            return _imports_generated_module(node) or self._is_generated(node.func, known)
        return False

    def _bind(self, target: ast.expr, known: set[str]) -> bool:
        """Mark ``target`` (a name, ``self.x``, or a tuple of them) generated."""
        if isinstance(target, ast.Tuple | ast.List):
            return any([self._bind(elt, known) for elt in target.elts])
        dotted = _dotted(target)
        if dotted is None or dotted in known:
            return False
        known.add(dotted)
        return True

    def _targets(self, node: ast.AST, known: set[str]) -> list[ast.expr]:
        """What ``node`` binds to a generated value, if it binds one."""
        if isinstance(node, ast.Assign):
            return node.targets if self._is_generated(node.value, known) else []
        if isinstance(node, ast.AnnAssign):
            generated = self._annotation_is_generated(node.annotation) or (
                node.value is not None and self._is_generated(node.value, known)
            )
            return [node.target] if generated else []
        if isinstance(node, ast.NamedExpr):
            return [node.target] if self._is_generated(node.value, known) else []
        if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            return [node.target] if self._is_generated(node.iter, known) else []
        if isinstance(node, ast.withitem) and node.optional_vars is not None:
            return [node.optional_vars] if self._is_generated(node.context_expr, known) else []
        return []

    # -- scopes ----------------------------------------------------------------------------

    def _own_nodes(self, body: Iterable[ast.AST]) -> Iterator[ast.AST]:
        """The nodes of a scope; nested functions, classes and lambdas are yielded, not
        entered (they are scopes of their own)."""
        stack: list[ast.AST] = list(body)
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            ):
                stack.extend(ast.iter_child_nodes(node))

    def _scope(self, body: list[ast.stmt], known: set[str]) -> None:
        nested: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = []
        changed = True
        while changed:  # to a fixpoint: a loop may use a name before it is (re)assigned
            changed = False
            for node in self._own_nodes(body):
                for target in self._targets(node, known):
                    changed |= self._bind(target, known)
        for node in self._own_nodes(body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                nested.append(node)
            elif isinstance(node, ast.Lambda):
                self._check_tree(node.body, known)
            else:
                self._check(node, known)
        for node in nested:
            if isinstance(node, ast.ClassDef):
                self._class(node, known)
            else:
                self._function(node, known)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, outer: set[str]) -> None:
        known = set(outer)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and self._annotation_is_generated(arg.annotation):
                known.add(arg.arg)
        for default in [*args.defaults, *args.kw_defaults]:
            if default is not None:
                self._check_tree(default, outer)
        for decorator in node.decorator_list:
            self._check_tree(decorator, outer)
        self._scope(node.body, known)

    def _class(self, node: ast.ClassDef, outer: set[str]) -> None:
        # ``self.x`` is generated when the class declares, assigns or returns it so.
        members: set[str] = set()
        for item in node.body:
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and self._annotation_is_generated(item.annotation)
            ):
                members.add(f"self.{item.target.id}")
            elif isinstance(
                item, ast.FunctionDef | ast.AsyncFunctionDef
            ) and self._annotation_is_generated(item.returns):
                members.add(f"self.{item.name}")
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign | ast.AnnAssign) and sub.value is not None:
                targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
                for target in targets:
                    dotted = _dotted(target)
                    if (
                        dotted is not None
                        and dotted.startswith("self.")
                        and self._is_generated(sub.value, outer)
                    ):
                        members.add(dotted)
        self.members_found |= {member.removeprefix("self.") for member in members}
        self._scope(node.body, outer | members)

    # -- the check -------------------------------------------------------------------------

    def _check_tree(self, root: ast.AST, known: set[str]) -> None:
        for node in self._own_nodes([root]):
            if isinstance(node, ast.Lambda):
                self._check_tree(node.body, known)
            else:
                self._check(node, known)

    def _check(self, node: ast.AST, known: set[str]) -> None:
        private_attribute = (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and self._is_generated(node.value, known)
        )
        private_reflection = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _REFLECTION
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and self._is_generated(node.args[0], known)
        )
        if private_attribute or private_reflection:
            self._flag(node, ast.unparse(node))


def private_uses(
    source: str, filename: str = "<test>", members: frozenset[str] = frozenset()
) -> list[str]:
    """The uses of ``realmid_api`` underscore names in ``source``, as ``line: text``."""
    scan = _Scan(ast.parse(source, filename), members)
    return sorted(set(scan.violations), key=lambda v: (int(v.split(":")[0]), v))


def generated_members(sources: Iterable[str]) -> frozenset[str]:
    """The class members, across ``sources``, that hold or return a realmid_api value."""
    found: set[str] = set()
    for source in sources:
        found |= _Scan(ast.parse(source)).members_found
    return frozenset(found)


def facade_files() -> list[Path]:
    return sorted(p for p in FACADE.rglob("*.py") if EMULATOR not in p.parents)


def test_facade_uses_only_public_generated_names() -> None:
    files = facade_files()
    assert FACADE / "_auth_flow.py" in files
    assert FACADE / "jwks.py" in files
    assert not any(EMULATOR in p.parents for p in files)
    sources = {path: path.read_text(encoding="utf-8") for path in files}
    members = generated_members(sources.values())
    assert "api_client" in members  # Realm.api_client -> AuthenticatedClient
    found = {
        str(path.relative_to(ROOT)): uses
        for path, source in sources.items()
        if (uses := private_uses(source, str(path), members))
    }
    assert found == {}, "facade code uses private names of realmid_api:\n" + json.dumps(
        found, indent=2
    )


def test_the_scan_sees_real_uses_of_the_facade() -> None:
    # Not vacuous: the facade does reach realmid_api, and the scan follows those values.
    source = (FACADE / "_auth_flow.py").read_text(encoding="utf-8")
    assert "login.request_kwargs(" in source
    assert private_uses(source.replace("login.request_kwargs(", "login._get_kwargs(")) != []
    # ... and across files: a facade member that holds the generated client.
    members = generated_members([(FACADE / "_async" / "realm.py").read_text(encoding="utf-8")])
    assert private_uses("def f(realm):\n    return realm.api_client._client\n", members=members)


@pytest.mark.parametrize(
    "source",
    [
        # the use this check was written against
        "from realmid_api.api.auth import login\nlogin._get_kwargs(body=b)\n",
        "from realmid_api.api.auth import login as lg\ndef f():\n    return lg._parse_response\n",
        "import realmid_api.api.auth.login\nrealmid_api.api.auth.login._get_kwargs()\n",
        "from realmid_api.api.auth.login import _get_kwargs\n",
        # the client, however it is reached
        "from realmid_api import AuthenticatedClient\n"
        "c = AuthenticatedClient(base_url='x', token='')\nc._base_url\n",
        "from realmid_api import AuthenticatedClient\n"
        "def f(client: AuthenticatedClient):\n    return client._client\n",
        "from realmid_api import AuthenticatedClient\n"
        "def f(client: 'AuthenticatedClient | None'):\n    return client._client\n",
        "from realmid_api import AuthenticatedClient\n"
        "class R:\n"
        "    def __init__(self):\n        self._api = AuthenticatedClient(base_url='x', token='')\n"
        "    def http(self):\n        return self._api._client\n",
        "from realmid_api import AuthenticatedClient\n"
        "class R:\n"
        "    @property\n    def api_client(self) -> AuthenticatedClient: ...\n"
        "    def f(self):\n        return self.api_client._base_url\n",
        "from realmid_api import AuthenticatedClient\n"
        "def f(c: AuthenticatedClient):\n    return getattr(c, '_headers')\n",
        # values the operations hand back
        "from realmid_api.api.auth import login\n"
        "async def f(c):\n    r = await login.asyncio_detailed(client=c)\n    return r.parsed._x\n",
        "import importlib\nm = importlib.import_module(f'realmid_api.api.{t}')\nm._get_kwargs\n",
    ],
)
def test_the_scan_catches_private_uses(source: str) -> None:
    assert private_uses(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from realmid_api.api.auth import login\nlogin.request_kwargs(body=b)\n",
        "from realmid_api import AuthenticatedClient\n"
        "def f(c: AuthenticatedClient):\n    return c.get_httpx_client(), type(c).__name__\n",
        # the facade's own privates, and httpx's, are not the generated client's
        "import httpx\nclass C:\n    def __init__(self, c: httpx.Client):\n"
        "        self._client = c\n    def f(self):\n        return self._client._transport\n",
    ],
)
def test_the_scan_allows_public_uses(source: str) -> None:
    assert private_uses(source) == []


# -- the public builder is the wire shape of the generated call ------------------------------
#
# A mock transport is the right tool here: what is compared is the shape of ONE request
# (method, URL, headers, body) as the generated `sync_detailed` hands it to httpx, not any
# behaviour of a server, so nothing a real server would add (or the emulator checks) matters.


def _captured() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    return seen, httpx.MockTransport(handler)


def _client(transport: httpx.MockTransport) -> AuthenticatedClient:
    base = "https://issuer.example/base"
    return AuthenticatedClient(base_url=base, token="t").set_httpx_client(
        httpx.Client(base_url=base, transport=transport)
    )


def test_request_kwargs_is_what_sync_detailed_sends() -> None:
    grant = PlatformApiKeyGrant(grant_type="platform_api_key", realm_id="r", api_key="k")
    seen, transport = _captured()
    login.sync_detailed(client=_client(transport), body=grant, x_on_behalf_of_ip="192.0.2.7")
    (sent,) = seen

    built = login.request_kwargs(body=grant, x_on_behalf_of_ip="192.0.2.7")
    assert set(built) <= {"method", "url", "params", "headers", "json", "cookies"}
    assert sent.method == built["method"].upper() == "POST"
    # `url` is relative to the base URL, path included.
    assert sent.url == httpx.URL("https://issuer.example/base" + built["url"])
    assert sent.url.path == "/base/auth/login"
    assert json.loads(sent.content) == built["json"]
    for name, value in built["headers"].items():
        assert sent.headers[name] == value


def test_get_jwks_builder_gives_the_jwks_path() -> None:
    seen, transport = _captured()
    get_jwks.sync_detailed(client=_client(transport))
    (sent,) = seen
    built = get_jwks.request_kwargs()
    assert sent.method == built["method"].upper() == "GET"
    assert sent.url.path == "/base" + built["url"] == "/base/.well-known/jwks.json"

    from realmid.jwks import jwks_url

    assert jwks_url("https://issuer.example/base/") == "https://issuer.example/base" + built["url"]
