from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="ViewResponse")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "value",
        "expires_at",
        "purpose",
        "subject_ref",
        "issuer_user_id",
    }
)


@_attrs_define
class ViewResponse:
    """
    Attributes:
        id (str):
        value (str):
        expires_at (datetime.datetime):
        purpose (str):
        subject_ref (str):
        issuer_user_id (str):
    """

    id: str
    value: str = _attrs_field(repr=False)
    purpose: str
    subject_ref: str
    issuer_user_id: str
    expires_at: datetime.datetime | None = None
    expires_at_raw: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "ViewResponse"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        value = self.value

        expires_at: str | None = self.expires_at_raw
        if self.expires_at is not None and (
            expires_at is None or parse_datetime(expires_at) != self.expires_at
        ):
            expires_at = self.expires_at.isoformat()

        purpose = self.purpose

        subject_ref = self.subject_ref

        issuer_user_id = self.issuer_user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "value": value,
                "purpose": purpose,
                "subject_ref": subject_ref,
                "issuer_user_id": issuer_user_id,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        value = d["value"]

        expires_at_raw = d.get("expires_at")
        expires_at: datetime.datetime | None = None
        if type(expires_at_raw) is not str:
            expires_at_raw = None
        elif expires_at_raw:
            try:
                expires_at = _fromisoformat(expires_at_raw)
            except ValueError:
                pass
            else:
                if expires_at.tzinfo is None:
                    expires_at = expires_at.replace(tzinfo=_UTC)

        purpose = d["purpose"]

        subject_ref = d["subject_ref"]

        issuer_user_id = d["issuer_user_id"]

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        view_response = cls(
            id,
            value,
            purpose,
            subject_ref,
            issuer_user_id,
            expires_at,
            expires_at_raw,
            additional_properties,
        )

        return view_response

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
