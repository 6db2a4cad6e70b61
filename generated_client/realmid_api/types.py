"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from datetime import datetime, timezone
from http import HTTPStatus
from types import NoneType
from typing import IO, Any, BinaryIO, Generic, TypeAlias, TypeVar

from attrs import define

# Absent is None: `X | Unset` reads `X | None`, and `isinstance(x, Unset)` is `x is None`.
Unset: TypeAlias = NoneType  # type: ignore[nonetype-type]
UNSET: Unset = None

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


def parse_datetime(raw: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (UTC when it names no offset).

    None when absent or unreadable: the raw string stays on the model (``<name>_raw``), as the
    reference keeps both (``ExpiresAt`` and ``ExpiresAtS``), so a timestamp in a form this
    reader does not know never fails the whole answer.
    """
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def pydantic_core_schema(cls: Any) -> Any:
    """A pydantic-core schema for a generated model: validate from a dict (or the model
    itself), serialize with ``to_dict()`` (JSON-ready, datetimes as RFC 3339).

    So ``response_model=Tenant`` works in FastAPI. pydantic is imported only when asked.
    """
    from pydantic_core import core_schema

    def validate(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise ValueError(f"a {cls.__name__} is a JSON object, not {type(value).__name__}")
        try:
            return cls.from_dict(value)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # pydantic reports a ValueError as a validation error; the value is not echoed
            # (it may hold a credential), only what was wrong with it.
            raise ValueError(f"not a {cls.__name__} ({type(exc).__name__}: {exc})") from None

    return core_schema.no_info_plain_validator_function(
        validate,
        serialization=core_schema.plain_serializer_function_ser_schema(
            lambda model: model.to_dict()
        ),
    )


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset", "parse_datetime"]
