from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="MFAEnrollResult")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "secret",
        "otpauth_uri",
        "backup_codes",
    }
)


@_attrs_define
class MFAEnrollResult:
    """
    Attributes:
        secret (str | Unset):
        otpauth_uri (str | Unset):
        backup_codes (list[str] | Unset):
    """

    secret: str | None = _attrs_field(default=None, repr=False)
    otpauth_uri: str | None = _attrs_field(default=None, repr=False)
    backup_codes: list[str] | None = _attrs_field(default=None, repr=False)
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "MFAEnrollResult"}

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        otpauth_uri = self.otpauth_uri

        backup_codes: list[str] | Unset = UNSET
        if not isinstance(self.backup_codes, Unset):
            backup_codes = self.backup_codes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if secret is not UNSET:
            field_dict["secret"] = secret
        if otpauth_uri is not UNSET:
            field_dict["otpauth_uri"] = otpauth_uri
        if backup_codes is not UNSET:
            field_dict["backup_codes"] = backup_codes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        secret = d.get("secret")

        otpauth_uri = d.get("otpauth_uri")

        backup_codes = d.get("backup_codes")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        mfa_enroll_result = cls(
            secret,
            otpauth_uri,
            backup_codes,
            additional_properties,
        )

        return mfa_enroll_result

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
