from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TenantDomainClaimRequest")


@_attrs_define
class TenantDomainClaimRequest:
    """
    Attributes:
        domain (str):
        method (str | Unset): `dns_txt` (default) or `html_file`.
    """

    domain: str
    method: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        domain = self.domain

        method = self.method

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "domain": domain,
            }
        )
        if method is not UNSET:
            field_dict["method"] = method

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        domain = d.pop("domain")

        method = d.pop("method", UNSET)

        tenant_domain_claim_request = cls(
            domain=domain,
            method=method,
        )

        return tenant_domain_claim_request
