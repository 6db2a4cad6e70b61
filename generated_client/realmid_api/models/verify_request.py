from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="VerifyRequest")


@_attrs_define
class VerifyRequest:
    """
    Attributes:
        subject_ref (str):
        purpose (str):
        presented (str):
    """

    subject_ref: str
    purpose: str
    presented: str

    def to_dict(self) -> dict[str, Any]:
        subject_ref = self.subject_ref

        purpose = self.purpose

        presented = self.presented

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject_ref": subject_ref,
                "purpose": purpose,
                "presented": presented,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject_ref = d.pop("subject_ref")

        purpose = d.pop("purpose")

        presented = d.pop("presented")

        verify_request = cls(
            subject_ref=subject_ref,
            purpose=purpose,
            presented=presented,
        )

        return verify_request
