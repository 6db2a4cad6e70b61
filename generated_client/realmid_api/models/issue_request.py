from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="IssueRequest")


@_attrs_define
class IssueRequest:
    """
    Attributes:
        subject_ref (str):
        purpose (str):
    """

    subject_ref: str
    purpose: str

    def to_dict(self) -> dict[str, Any]:
        subject_ref = self.subject_ref

        purpose = self.purpose

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "subject_ref": subject_ref,
                "purpose": purpose,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        subject_ref = d.pop("subject_ref")

        purpose = d.pop("purpose")

        issue_request = cls(
            subject_ref=subject_ref,
            purpose=purpose,
        )

        return issue_request
