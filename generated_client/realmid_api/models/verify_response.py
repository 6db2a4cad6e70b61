from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, parse_datetime, pydantic_core_schema

_fromisoformat = datetime.datetime.fromisoformat
_UTC = datetime.timezone.utc


T = TypeVar("T", bound="VerifyResponse")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "otp_id",
        "issuer_user_id",
        "issued_at",
        "subject_ref",
        "purpose",
    }
)


@_attrs_define
class VerifyResponse:
    """
    Attributes:
        otp_id (str):
        issuer_user_id (str):
        issued_at (datetime.datetime):
        subject_ref (str):
        purpose (str):
    """

    otp_id: str
    issuer_user_id: str
    subject_ref: str
    purpose: str
    issued_at: datetime.datetime | None = None
    issued_at_raw: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "VerifyResponse"}

    def to_dict(self) -> dict[str, Any]:
        otp_id = self.otp_id

        issuer_user_id = self.issuer_user_id

        issued_at: str | None = self.issued_at_raw
        if self.issued_at is not None and (
            issued_at is None or parse_datetime(issued_at) != self.issued_at
        ):
            issued_at = self.issued_at.isoformat()

        subject_ref = self.subject_ref

        purpose = self.purpose

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "otp_id": otp_id,
                "issuer_user_id": issuer_user_id,
                "subject_ref": subject_ref,
                "purpose": purpose,
            }
        )
        if issued_at is not UNSET:
            field_dict["issued_at"] = issued_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        otp_id = d["otp_id"]

        issuer_user_id = d["issuer_user_id"]

        issued_at_raw = d.get("issued_at")
        issued_at: datetime.datetime | None = None
        if type(issued_at_raw) is not str:
            issued_at_raw = None
        elif issued_at_raw:
            try:
                issued_at = _fromisoformat(issued_at_raw)
            except ValueError:
                pass
            else:
                if issued_at.tzinfo is None:
                    issued_at = issued_at.replace(tzinfo=_UTC)

        subject_ref = d["subject_ref"]

        purpose = d["purpose"]

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        verify_response = cls(
            otp_id,
            issuer_user_id,
            subject_ref,
            purpose,
            issued_at,
            issued_at_raw,
            additional_properties,
        )

        return verify_response

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
