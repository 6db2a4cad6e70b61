from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="APIKey")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "display_name",
        "prefix",
        "secret",
        "scopes",
        "created_at",
        "revoked_at",
    }
)


@_attrs_define
class APIKey:
    """
    Attributes:
        id (str):
        display_name (str | Unset):
        prefix (str | Unset):
        secret (str | Unset): Only present on creation.
        scopes (list[str] | Unset):
        created_at (datetime.datetime | Unset):
        revoked_at (datetime.datetime | Unset):
    """

    id: str
    display_name: str | None = None
    prefix: str | None = None
    secret: str | None = _attrs_field(default=None, repr=False)
    scopes: list[str] | None = None
    created_at: datetime.datetime | None = None
    created_at_raw: str | None = None
    revoked_at: datetime.datetime | None = None
    revoked_at_raw: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "APIKey"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        prefix = self.prefix

        secret = self.secret

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        created_at: str | None = self.created_at_raw
        if self.created_at is not None and (
            created_at is None or parse_datetime(created_at) != self.created_at
        ):
            created_at = self.created_at.isoformat()

        revoked_at: str | None = self.revoked_at_raw
        if self.revoked_at is not None and (
            revoked_at is None or parse_datetime(revoked_at) != self.revoked_at
        ):
            revoked_at = self.revoked_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if prefix is not UNSET:
            field_dict["prefix"] = prefix
        if secret is not UNSET:
            field_dict["secret"] = secret
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if revoked_at is not UNSET:
            field_dict["revoked_at"] = revoked_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        display_name = d.get("display_name")

        prefix = d.get("prefix")

        secret = d.get("secret")

        scopes = d.get("scopes")

        created_at_raw = d.get("created_at")
        created_at: datetime.datetime | None = None
        if type(created_at_raw) is not str:
            created_at_raw = None
        elif created_at_raw:
            try:
                created_at = _fromisoformat(created_at_raw)
            except ValueError:
                pass
            else:
                if created_at.tzinfo is None:
                    created_at = created_at.replace(tzinfo=_UTC)

        revoked_at_raw = d.get("revoked_at")
        revoked_at: datetime.datetime | None = None
        if type(revoked_at_raw) is not str:
            revoked_at_raw = None
        elif revoked_at_raw == created_at_raw:
            # The same text as created_at (an item never updated): share its parse, datetimes are immutable.
            revoked_at = created_at
        elif revoked_at_raw:
            try:
                revoked_at = _fromisoformat(revoked_at_raw)
            except ValueError:
                pass
            else:
                if revoked_at.tzinfo is None:
                    revoked_at = revoked_at.replace(tzinfo=_UTC)

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        api_key = cls(
            id,
            display_name,
            prefix,
            secret,
            scopes,
            created_at,
            created_at_raw,
            revoked_at,
            revoked_at_raw,
            additional_properties,
        )

        return api_key

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
