from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, pydantic_core_schema

T = TypeVar("T", bound="TenantDomainClaim")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "domain",
        "status",
        "method",
        "dns_record_name",
        "dns_record_value",
        "file_path",
        "file_content",
    }
)


@_attrs_define
class TenantDomainClaim:
    """
    Attributes:
        domain (str):
        status (str):
        method (str):
        dns_record_name (str | Unset):
        dns_record_value (str | Unset):
        file_path (str | Unset):
        file_content (str | Unset):
    """

    domain: str
    status: str
    method: str
    dns_record_name: str | None = None
    dns_record_value: str | None = None
    file_path: str | None = None
    file_content: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "TenantDomainClaim"}

    def to_dict(self) -> dict[str, Any]:
        domain = self.domain

        status = self.status

        method = self.method

        dns_record_name = self.dns_record_name

        dns_record_value = self.dns_record_value

        file_path = self.file_path

        file_content = self.file_content

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "domain": domain,
                "status": status,
                "method": method,
            }
        )
        if dns_record_name is not UNSET:
            field_dict["dns_record_name"] = dns_record_name
        if dns_record_value is not UNSET:
            field_dict["dns_record_value"] = dns_record_value
        if file_path is not UNSET:
            field_dict["file_path"] = file_path
        if file_content is not UNSET:
            field_dict["file_content"] = file_content

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        domain = d["domain"]

        status = d["status"]

        method = d["method"]

        dns_record_name = d.get("dns_record_name")

        dns_record_value = d.get("dns_record_value")

        file_path = d.get("file_path")

        file_content = d.get("file_content")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        tenant_domain_claim = cls(
            domain,
            status,
            method,
            dns_record_name,
            dns_record_value,
            file_path,
            file_content,
            additional_properties,
        )

        return tenant_domain_claim

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
