from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DomainVerifyRequest")


@_attrs_define
class DomainVerifyRequest:
    """
    Attributes:
        claim_token (str):
    """

    claim_token: str

    def to_dict(self) -> dict[str, Any]:
        claim_token = self.claim_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "claim_token": claim_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        claim_token = d.pop("claim_token")

        domain_verify_request = cls(
            claim_token=claim_token,
        )

        return domain_verify_request
