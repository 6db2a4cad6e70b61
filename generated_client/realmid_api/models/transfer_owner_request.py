from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TransferOwnerRequest")


@_attrs_define
class TransferOwnerRequest:
    """
    Attributes:
        new_owner_user_id (str):
    """

    new_owner_user_id: str

    def to_dict(self) -> dict[str, Any]:
        new_owner_user_id = self.new_owner_user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_owner_user_id": new_owner_user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_owner_user_id = d.pop("new_owner_user_id")

        transfer_owner_request = cls(
            new_owner_user_id=new_owner_user_id,
        )

        return transfer_owner_request
