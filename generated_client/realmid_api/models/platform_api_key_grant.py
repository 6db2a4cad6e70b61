from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import pydantic_core_schema

T = TypeVar("T", bound="PlatformApiKeyGrant")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "grant_type",
        "realm_id",
        "api_key",
    }
)


@_attrs_define
class PlatformApiKeyGrant:
    """The only request that carries the raw API key.

    Attributes:
        grant_type (Literal['platform_api_key']):
        realm_id (str):
        api_key (str):
    """

    grant_type: Literal["platform_api_key"]
    realm_id: str
    api_key: str = _attrs_field(repr=False)
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "PlatformApiKeyGrant"}

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        realm_id = self.realm_id

        api_key = self.api_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "grant_type": grant_type,
                "realm_id": realm_id,
                "api_key": api_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        grant_type = cast(Literal["platform_api_key"], d["grant_type"])
        if grant_type != "platform_api_key":
            raise ValueError(f"grant_type must match const 'platform_api_key', got '{grant_type}'")

        realm_id = d["realm_id"]

        api_key = d["api_key"]

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        platform_api_key_grant = cls(
            grant_type,
            realm_id,
            api_key,
            additional_properties,
        )

        return platform_api_key_grant

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
