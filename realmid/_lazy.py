"""``resource``: a handle attribute built on first access, then kept (one object per handle).

The handles' resource namespaces (``realm.tenants``, ``realm.auth``, ...) are built this way,
so constructing a handle imports none of the generated operation modules or models behind
them: each namespace's module, and what it imports, loads the first time it is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Self, TypeVar, overload

T = TypeVar("T")


class resource(Generic[T]):
    """As :func:`functools.cached_property`, and safe to race: threads that reach a handle's
    attribute for the first time at once all get the one object stored (``dict.setdefault``
    is atomic), so ``realm.tenants is realm.tenants`` holds from the first access on.

    A non-data descriptor: once stored, the instance's ``__dict__`` answers directly.
    """

    def __init__(self, build: Callable[[Any], T]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | Self:
        if instance is None:
            return self
        value: T = instance.__dict__.setdefault(self._name, self._build(instance))
        return value
