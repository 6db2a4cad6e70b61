from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, pydantic_core_schema

T = TypeVar("T", bound="SearchHit")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "type",
        "id",
        "label",
        "sublabel",
        "platform_id",
    }
)


@_attrs_define
class SearchHit:
    """
    Attributes:
        type_ (str):
        id (str):
        label (str):
        sublabel (str | Unset):
        platform_id (str | Unset):
    """

    type_: str
    id: str
    label: str
    sublabel: str | None = None
    platform_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "SearchHit"}

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        id = self.id

        label = self.label

        sublabel = self.sublabel

        platform_id = self.platform_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "id": id,
                "label": label,
            }
        )
        if sublabel is not UNSET:
            field_dict["sublabel"] = sublabel
        if platform_id is not UNSET:
            field_dict["platform_id"] = platform_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        type_ = d["type"]

        id = d["id"]

        label = d["label"]

        sublabel = d.get("sublabel")

        platform_id = d.get("platform_id")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        search_hit = cls(
            type_,
            id,
            label,
            sublabel,
            platform_id,
            additional_properties,
        )

        return search_hit

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
