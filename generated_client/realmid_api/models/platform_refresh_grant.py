from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlatformRefreshGrant")


@_attrs_define
class PlatformRefreshGrant:
    """Platform refresh; the platform refresh token is the bearer, and the body may be left out.

    Attributes:
        grant_type (Literal['platform_refresh'] | Unset):
    """

    grant_type: Literal["platform_refresh"] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if grant_type is not UNSET:
            field_dict["grant_type"] = grant_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["platform_refresh"] | Unset, d.pop("grant_type", UNSET))
        if grant_type != "platform_refresh" and not isinstance(grant_type, Unset):
            raise ValueError(f"grant_type must match const 'platform_refresh', got '{grant_type}'")

        platform_refresh_grant = cls(
            grant_type=grant_type,
        )

        platform_refresh_grant.additional_properties = d
        return platform_refresh_grant

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
