from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tenant_ref import TenantRef
    from ..models.user_summary import UserSummary


T = TypeVar("T", bound="TenantChoice")


@_attrs_define
class TenantChoice:
    """The user belongs to several tenants and none was chosen; no tokens are minted.

    Attributes:
        kind (Literal['tenant_choice']):
        tenants (list[TenantRef]):
        user (UserSummary | Unset):
    """

    kind: Literal["tenant_choice"]
    tenants: list[TenantRef]
    user: UserSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        tenants = []
        for tenants_item_data in self.tenants:
            tenants_item = tenants_item_data.to_dict()
            tenants.append(tenants_item)

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "tenants": tenants,
            }
        )
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tenant_ref import TenantRef  # noqa: PLC0415
        from ..models.user_summary import UserSummary  # noqa: PLC0415

        d = dict(src_dict)
        kind = cast(Literal["tenant_choice"], d.pop("kind"))
        if kind != "tenant_choice":
            raise ValueError(f"kind must match const 'tenant_choice', got '{kind}'")

        tenants = []
        _tenants = d.pop("tenants")
        for tenants_item_data in _tenants:
            tenants_item = TenantRef.from_dict(tenants_item_data)

            tenants.append(tenants_item)

        _user = d.pop("user", UNSET)
        user: UserSummary | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = UserSummary.from_dict(_user)

        tenant_choice = cls(
            kind=kind,
            tenants=tenants,
            user=user,
        )

        tenant_choice.additional_properties = d
        return tenant_choice

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
