from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import pydantic_core_schema

T = TypeVar("T", bound="OriginBindRequest")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "domain",
    }
)


@_attrs_define
class OriginBindRequest:
    """
    Attributes:
        domain (str):
    """

    domain: str
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "OriginBindRequest"}

    def to_dict(self) -> dict[str, Any]:
        domain = self.domain

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "domain": domain,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        domain = d["domain"]

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        origin_bind_request = cls(
            domain,
            additional_properties,
        )

        return origin_bind_request

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
