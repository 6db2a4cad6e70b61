from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="OtpLoginRequest")


@_attrs_define
class OtpLoginRequest:
    """
    Attributes:
        realm_id (str):
        identifier (str): An email address or an E.164 phone number.
        presented (str):
    """

    realm_id: str
    identifier: str
    presented: str

    def to_dict(self) -> dict[str, Any]:
        realm_id = self.realm_id

        identifier = self.identifier

        presented = self.presented

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "realm_id": realm_id,
                "identifier": identifier,
                "presented": presented,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        realm_id = d.pop("realm_id")

        identifier = d.pop("identifier")

        presented = d.pop("presented")

        otp_login_request = cls(
            realm_id=realm_id,
            identifier=identifier,
            presented=presented,
        )

        return otp_login_request
