from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="SessionInfo")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "created_at",
        "last_used_at",
        "user_agent",
        "ip",
    }
)


@_attrs_define
class SessionInfo:
    """
    Attributes:
        id (str):
        created_at (datetime.datetime | Unset):
        last_used_at (datetime.datetime | Unset):
        user_agent (str | Unset):
        ip (str | Unset):
    """

    id: str
    created_at: datetime.datetime | None = None
    created_at_raw: str | None = None
    last_used_at: datetime.datetime | None = None
    last_used_at_raw: str | None = None
    user_agent: str | None = None
    ip: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "SessionInfo"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at: str | None = self.created_at_raw
        if self.created_at is not None and (
            created_at is None or parse_datetime(created_at) != self.created_at
        ):
            created_at = self.created_at.isoformat()

        last_used_at: str | None = self.last_used_at_raw
        if self.last_used_at is not None and (
            last_used_at is None or parse_datetime(last_used_at) != self.last_used_at
        ):
            last_used_at = self.last_used_at.isoformat()

        user_agent = self.user_agent

        ip = self.ip

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent
        if ip is not UNSET:
            field_dict["ip"] = ip

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

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

        last_used_at_raw = d.get("last_used_at")
        last_used_at: datetime.datetime | None = None
        if type(last_used_at_raw) is not str:
            last_used_at_raw = None
        elif last_used_at_raw == created_at_raw:
            # The same text as created_at (an item never updated): share its parse, datetimes are immutable.
            last_used_at = created_at
        elif last_used_at_raw:
            try:
                last_used_at = _fromisoformat(last_used_at_raw)
            except ValueError:
                pass
            else:
                if last_used_at.tzinfo is None:
                    last_used_at = last_used_at.replace(tzinfo=_UTC)

        user_agent = d.get("user_agent")

        ip = d.get("ip")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        session_info = cls(
            id,
            created_at,
            created_at_raw,
            last_used_at,
            last_used_at_raw,
            user_agent,
            ip,
            additional_properties,
        )

        return session_info

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
