from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DomainClaimRequest")


@_attrs_define
class DomainClaimRequest:
    """
    Attributes:
        hostname (str):
    """

    hostname: str

    def to_dict(self) -> dict[str, Any]:
        hostname = self.hostname

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "hostname": hostname,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        hostname = d.pop("hostname")

        domain_claim_request = cls(
            hostname=hostname,
        )

        return domain_claim_request
