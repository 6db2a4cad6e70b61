from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="APIKeyCreate")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "display_name",
        "scopes",
    }
)


@_attrs_define
class APIKeyCreate:
    """
    Attributes:
        display_name (str):
        scopes (list[str] | Unset):
    """

    display_name: str
    scopes: list[str] | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "APIKeyCreate"}

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = self.scopes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "display_name": display_name,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        display_name = d["display_name"]

        scopes = d.get("scopes")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        api_key_create = cls(
            display_name,
            scopes,
            additional_properties,
        )

        return api_key_create

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
