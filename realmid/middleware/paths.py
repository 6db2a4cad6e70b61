"""Path globs and path normalization for the middleware's routing decision.

Exemption is the one place where a wrong match opens a door, so it fails closed: a path
that is not in canonical form (``//``, ``.`` or ``..`` segments, a backslash, a control
character) is never exempt and never a handled route. MFA rules, in the other direction,
are matched against the *normalized* path, so ``/pay/`` and ``/x/../pay`` meet the rule
for ``/pay`` whatever the application's router makes of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

__all__ = ["compile_glob", "compile_globs", "is_canonical", "normalize"]

_NOT_CANONICAL = re.compile(r"//|/\.\.?(?:/|$)|[\\\x00-\x1f\x7f]")


def compile_glob(pattern: str) -> str:
    """The regular expression (source) of one glob: ``**``, ``*``, ``?``, literals."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
        i += 1
    return "".join(out)


def compile_globs(patterns: Iterable[str]) -> Callable[[str], bool]:
    """One matcher for several globs: ``match(path)`` is True when any glob matches whole."""
    sources = [compile_glob(p) for p in patterns]
    if not sources:
        return lambda _path: False
    regex = re.compile("|".join(f"(?:{s})" for s in sources), re.DOTALL)
    fullmatch = regex.fullmatch
    return lambda path: fullmatch(path) is not None


def is_canonical(path: str) -> bool:
    """True for an absolute path without empty, ``.`` or ``..`` segments or control chars."""
    return path.startswith("/") and _NOT_CANONICAL.search(path) is None


def normalize(path: str) -> str:
    """Resolve ``.``/``..``, collapse ``//`` and backslashes, drop a trailing ``/``."""
    segments: list[str] = []
    for segment in path.replace("\\", "/").split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return "/" + "/".join(segments)
