from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, pydantic_core_schema

T = TypeVar("T", bound="AuditEvent")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "occurred_at",
        "kind",
        "actor_user_id",
        "actor_label",
        "platform_id",
        "tenant_id",
        "target_type",
        "target_id",
        "summary",
    }
)


@_attrs_define
class AuditEvent:
    """
    Attributes:
        id (int):
        occurred_at (int):
        kind (str):
        actor_user_id (str | Unset):
        actor_label (str | Unset):
        platform_id (str | Unset):
        tenant_id (str | Unset):
        target_type (str | Unset):
        target_id (str | Unset):
        summary (str | Unset):
    """

    id: int
    occurred_at: int
    kind: str
    actor_user_id: str | None = None
    actor_label: str | None = None
    platform_id: str | None = None
    tenant_id: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    summary: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "AuditEvent"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        occurred_at = self.occurred_at

        kind = self.kind

        actor_user_id = self.actor_user_id

        actor_label = self.actor_label

        platform_id = self.platform_id

        tenant_id = self.tenant_id

        target_type = self.target_type

        target_id = self.target_id

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "occurred_at": occurred_at,
                "kind": kind,
            }
        )
        if actor_user_id is not UNSET:
            field_dict["actor_user_id"] = actor_user_id
        if actor_label is not UNSET:
            field_dict["actor_label"] = actor_label
        if platform_id is not UNSET:
            field_dict["platform_id"] = platform_id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if target_type is not UNSET:
            field_dict["target_type"] = target_type
        if target_id is not UNSET:
            field_dict["target_id"] = target_id
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        occurred_at = d["occurred_at"]

        kind = d["kind"]

        actor_user_id = d.get("actor_user_id")

        actor_label = d.get("actor_label")

        platform_id = d.get("platform_id")

        tenant_id = d.get("tenant_id")

        target_type = d.get("target_type")

        target_id = d.get("target_id")

        summary = d.get("summary")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        audit_event = cls(
            id,
            occurred_at,
            kind,
            actor_user_id,
            actor_label,
            platform_id,
            tenant_id,
            target_type,
            target_id,
            summary,
            additional_properties,
        )

        return audit_event

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
