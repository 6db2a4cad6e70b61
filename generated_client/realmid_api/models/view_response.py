from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ViewResponse")


@_attrs_define
class ViewResponse:
    """
    Attributes:
        id (str):
        value (str):
        expires_at (str): RFC 3339.
        purpose (str):
        subject_ref (str):
        issuer_user_id (str):
    """

    id: str
    value: str
    expires_at: str
    purpose: str
    subject_ref: str
    issuer_user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        value = self.value

        expires_at = self.expires_at

        purpose = self.purpose

        subject_ref = self.subject_ref

        issuer_user_id = self.issuer_user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "value": value,
                "expires_at": expires_at,
                "purpose": purpose,
                "subject_ref": subject_ref,
                "issuer_user_id": issuer_user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        value = d.pop("value")

        expires_at = d.pop("expires_at")

        purpose = d.pop("purpose")

        subject_ref = d.pop("subject_ref")

        issuer_user_id = d.pop("issuer_user_id")

        view_response = cls(
            id=id,
            value=value,
            expires_at=expires_at,
            purpose=purpose,
            subject_ref=subject_ref,
            issuer_user_id=issuer_user_id,
        )

        view_response.additional_properties = d
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
