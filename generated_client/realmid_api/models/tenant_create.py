from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="TenantCreate")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "display_name",
        "allowed_domains",
        "signup_mode",
    }
)


@_attrs_define
class TenantCreate:
    """
    Attributes:
        display_name (str):
        allowed_domains (list[str] | Unset):
        signup_mode (str | Unset): `closed` (default), `allowlist` or `open` (ADR-045); partner tenants cannot set
            `open`.
    """

    display_name: str
    allowed_domains: list[str] | None = None
    signup_mode: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "TenantCreate"}

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        allowed_domains: list[str] | Unset = UNSET
        if not isinstance(self.allowed_domains, Unset):
            allowed_domains = self.allowed_domains

        signup_mode = self.signup_mode

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "display_name": display_name,
            }
        )
        if allowed_domains is not UNSET:
            field_dict["allowed_domains"] = allowed_domains
        if signup_mode is not UNSET:
            field_dict["signup_mode"] = signup_mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        display_name = d["display_name"]

        allowed_domains = d.get("allowed_domains")

        signup_mode = d.get("signup_mode")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        tenant_create = cls(
            display_name,
            allowed_domains,
            signup_mode,
            additional_properties,
        )

        return tenant_create

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
