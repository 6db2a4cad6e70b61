from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="Tenant")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "display_name",
        "owner_user_id",
        "signup_mode",
        "allowed_domains",
        "config",
        "created_at",
        "updated_at",
    }
)


@_attrs_define
class Tenant:
    """
    Attributes:
        id (str):
        display_name (str | Unset):
        owner_user_id (str | Unset):
        signup_mode (str | Unset):
        allowed_domains (list[str] | Unset):
        config (Any | Unset): The tenant's config blob, a JSON object (Go: map[string]any). Declared without a
            type on purpose: the generator then hands it over as the plain dict it is,
            instead of wrapping a free-form map in a model class of its own.
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    id: str
    display_name: str | None = None
    owner_user_id: str | None = None
    signup_mode: str | None = None
    allowed_domains: list[str] | None = None
    config: Any | None = None
    created_at: datetime.datetime | None = None
    created_at_raw: str | None = None
    updated_at: datetime.datetime | None = None
    updated_at_raw: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "Tenant"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        owner_user_id = self.owner_user_id

        signup_mode = self.signup_mode

        allowed_domains: list[str] | Unset = UNSET
        if not isinstance(self.allowed_domains, Unset):
            allowed_domains = self.allowed_domains

        config = self.config

        created_at: str | None = self.created_at_raw
        if self.created_at is not None and (
            created_at is None or parse_datetime(created_at) != self.created_at
        ):
            created_at = self.created_at.isoformat()

        updated_at: str | None = self.updated_at_raw
        if self.updated_at is not None and (
            updated_at is None or parse_datetime(updated_at) != self.updated_at
        ):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if owner_user_id is not UNSET:
            field_dict["owner_user_id"] = owner_user_id
        if signup_mode is not UNSET:
            field_dict["signup_mode"] = signup_mode
        if allowed_domains is not UNSET:
            field_dict["allowed_domains"] = allowed_domains
        if config is not UNSET:
            field_dict["config"] = config
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        display_name = d.get("display_name")

        owner_user_id = d.get("owner_user_id")

        signup_mode = d.get("signup_mode")

        allowed_domains = d.get("allowed_domains")

        config = d.get("config")

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

        updated_at_raw = d.get("updated_at")
        updated_at: datetime.datetime | None = None
        if type(updated_at_raw) is not str:
            updated_at_raw = None
        elif updated_at_raw == created_at_raw:
            # The same text as created_at (an item never updated): share its parse, datetimes are immutable.
            updated_at = created_at
        elif updated_at_raw:
            try:
                updated_at = _fromisoformat(updated_at_raw)
            except ValueError:
                pass
            else:
                if updated_at.tzinfo is None:
                    updated_at = updated_at.replace(tzinfo=_UTC)

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        tenant = cls(
            id,
            display_name,
            owner_user_id,
            signup_mode,
            allowed_domains,
            config,
            created_at,
            created_at_raw,
            updated_at,
            updated_at_raw,
            additional_properties,
        )

        return tenant

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
