from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="RoleObject")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "name",
        "is_system",
        "display_name",
        "permissions",
        "created_at",
        "updated_at",
    }
)


@_attrs_define
class RoleObject:
    """
    Attributes:
        id (str):
        name (str):
        is_system (bool):
        display_name (str | Unset):
        permissions (list[str] | Unset):
        created_at (int | Unset):
        updated_at (int | Unset):
    """

    id: str
    name: str
    is_system: bool
    display_name: str | None = None
    permissions: list[str] | None = None
    created_at: int | None = None
    updated_at: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "RoleObject"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        is_system = self.is_system

        display_name = self.display_name

        permissions: list[str] | Unset = UNSET
        if not isinstance(self.permissions, Unset):
            permissions = self.permissions

        created_at = self.created_at

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "is_system": is_system,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if permissions is not UNSET:
            field_dict["permissions"] = permissions
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        name = d["name"]

        is_system = d["is_system"]

        display_name = d.get("display_name")

        permissions = d.get("permissions")

        created_at = d.get("created_at")

        updated_at = d.get("updated_at")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        role_object = cls(
            id,
            name,
            is_system,
            display_name,
            permissions,
            created_at,
            updated_at,
            additional_properties,
        )

        return role_object

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
