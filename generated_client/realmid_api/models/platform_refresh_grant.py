from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PlatformRefreshGrant")


@_attrs_define
class PlatformRefreshGrant:
    """Platform refresh; the platform refresh token is the bearer.

    Attributes:
        grant_type (Literal['platform_refresh']):
    """

    grant_type: Literal["platform_refresh"]

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["platform_refresh"], d.pop("grant_type"))
        if grant_type != "platform_refresh":
            raise ValueError(f"grant_type must match const 'platform_refresh', got '{grant_type}'")

        platform_refresh_grant = cls(
            grant_type=grant_type,
        )

        return platform_refresh_grant
