"""The examples in the public docstrings run and say what they show."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import realmid.jwks
import realmid.revocation
import realmid.verify


@pytest.mark.parametrize(
    "module",
    [realmid.jwks, realmid.revocation, realmid.verify],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
