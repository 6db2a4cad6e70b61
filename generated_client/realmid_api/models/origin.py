from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="Origin")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "domain",
        "entity_type",
        "entity_id",
        "verification_id",
        "created_at",
        "detached_at",
    }
)


@_attrs_define
class Origin:
    """
    Attributes:
        id (str):
        domain (str):
        entity_type (str):
        entity_id (str):
        verification_id (None | str | Unset):
        created_at (datetime.datetime | Unset):
        detached_at (None | str | Unset):
    """

    id: str
    domain: str
    entity_type: str
    entity_id: str
    verification_id: None | str = None
    created_at: datetime.datetime | None = None
    created_at_raw: str | None = None
    detached_at: None | str = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "Origin"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        domain = self.domain

        entity_type = self.entity_type

        entity_id = self.entity_id

        verification_id: None | str | Unset
        if isinstance(self.verification_id, Unset):
            verification_id = UNSET
        else:
            verification_id = self.verification_id

        created_at: str | None = self.created_at_raw
        if self.created_at is not None and (
            created_at is None or parse_datetime(created_at) != self.created_at
        ):
            created_at = self.created_at.isoformat()

        detached_at: None | str | Unset
        if isinstance(self.detached_at, Unset):
            detached_at = UNSET
        else:
            detached_at = self.detached_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "domain": domain,
                "entity_type": entity_type,
                "entity_id": entity_id,
            }
        )
        if verification_id is not UNSET:
            field_dict["verification_id"] = verification_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if detached_at is not UNSET:
            field_dict["detached_at"] = detached_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        domain = d["domain"]

        entity_type = d["entity_type"]

        entity_id = d["entity_id"]

        def _parse_verification_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        verification_id = _parse_verification_id(d.get("verification_id"))

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

        def _parse_detached_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detached_at = _parse_detached_at(d.get("detached_at"))

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        origin = cls(
            id,
            domain,
            entity_type,
            entity_id,
            verification_id,
            created_at,
            created_at_raw,
            detached_at,
            additional_properties,
        )

        return origin

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
