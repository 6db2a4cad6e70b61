"""One message for an optional dependency that is not installed: which extra brings it.

Each integration module imports its framework through :func:`missing_extra`::

    try:
        import django
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "django", "realmid.middleware.django") from exc
"""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(exc: ModuleNotFoundError, extra: str, needed_by: str) -> ModuleNotFoundError:
    """A ``ModuleNotFoundError`` (still an ``ImportError``) that names the pip command.

    >>> str(missing_extra(ModuleNotFoundError("No module named 'django'", name="django"),
    ...                   "django", "realmid.middleware.django"))
    'realmid.middleware.django needs django, which is not installed: pip install "realmid[django]"'
    """
    missing = exc.name or "an optional dependency"
    return ModuleNotFoundError(
        f'{needed_by} needs {missing}, which is not installed: pip install "realmid[{extra}]"',
        name=exc.name,
    )
