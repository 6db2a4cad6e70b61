from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tenant_config import TenantConfig


T = TypeVar("T", bound="Tenant")


@_attrs_define
class Tenant:
    """
    Attributes:
        id (str):
        display_name (str | Unset):
        owner_user_id (str | Unset):
        signup_mode (str | Unset):
        allowed_domains (list[str] | Unset):
        config (TenantConfig | Unset):
        created_at (str | Unset):
        updated_at (str | Unset):
    """

    id: str
    display_name: str | Unset = UNSET
    owner_user_id: str | Unset = UNSET
    signup_mode: str | Unset = UNSET
    allowed_domains: list[str] | Unset = UNSET
    config: TenantConfig | Unset = UNSET
    created_at: str | Unset = UNSET
    updated_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        owner_user_id = self.owner_user_id

        signup_mode = self.signup_mode

        allowed_domains: list[str] | Unset = UNSET
        if not isinstance(self.allowed_domains, Unset):
            allowed_domains = self.allowed_domains

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        created_at = self.created_at

        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if owner_user_id is not UNSET:
            field_dict["owner_user_id"] = owner_user_id
        if signup_mode is not UNSET:
            field_dict["signup_mode"] = signup_mode
        if allowed_domains is not UNSET:
            field_dict["allowed_domains"] = allowed_domains
        if config is not UNSET:
            field_dict["config"] = config
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tenant_config import TenantConfig  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        display_name = d.pop("display_name", UNSET)

        owner_user_id = d.pop("owner_user_id", UNSET)

        signup_mode = d.pop("signup_mode", UNSET)

        allowed_domains = cast(list[str], d.pop("allowed_domains", UNSET))

        _config = d.pop("config", UNSET)
        config: TenantConfig | Unset
        if isinstance(_config, Unset):
            config = UNSET
        else:
            config = TenantConfig.from_dict(_config)

        created_at = d.pop("created_at", UNSET)

        updated_at = d.pop("updated_at", UNSET)

        tenant = cls(
            id=id,
            display_name=display_name,
            owner_user_id=owner_user_id,
            signup_mode=signup_mode,
            allowed_domains=allowed_domains,
            config=config,
            created_at=created_at,
            updated_at=updated_at,
        )

        tenant.additional_properties = d
        return tenant

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
