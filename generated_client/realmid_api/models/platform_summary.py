from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.platform_owner import PlatformOwner
from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="PlatformSummary")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "id",
        "display_name",
        "slug",
        "status",
        "signup_mode",
        "domains",
        "owner",
        "tenants_count",
        "users_count",
        "last_activity_at",
        "created_at",
    }
)


@_attrs_define
class PlatformSummary:
    """
    Attributes:
        id (str):
        display_name (str | Unset):
        slug (str | Unset):
        status (str | Unset):
        signup_mode (str | Unset):
        domains (list[str] | Unset):
        owner (PlatformOwner | Unset):
        tenants_count (int | Unset):
        users_count (int | Unset):
        last_activity_at (int | Unset):
        created_at (int | Unset):
    """

    id: str
    display_name: str | None = None
    slug: str | None = None
    status: str | None = None
    signup_mode: str | None = None
    domains: list[str] | None = None
    owner: PlatformOwner | None = None
    tenants_count: int | None = None
    users_count: int | None = None
    last_activity_at: int | None = None
    created_at: int | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "PlatformSummary"}

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        slug = self.slug

        status = self.status

        signup_mode = self.signup_mode

        domains: list[str] | Unset = UNSET
        if not isinstance(self.domains, Unset):
            domains = self.domains

        owner: dict[str, Any] | Unset = UNSET
        if not isinstance(self.owner, Unset):
            owner = self.owner.to_dict()

        tenants_count = self.tenants_count

        users_count = self.users_count

        last_activity_at = self.last_activity_at

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if slug is not UNSET:
            field_dict["slug"] = slug
        if status is not UNSET:
            field_dict["status"] = status
        if signup_mode is not UNSET:
            field_dict["signup_mode"] = signup_mode
        if domains is not UNSET:
            field_dict["domains"] = domains
        if owner is not UNSET:
            field_dict["owner"] = owner
        if tenants_count is not UNSET:
            field_dict["tenants_count"] = tenants_count
        if users_count is not UNSET:
            field_dict["users_count"] = users_count
        if last_activity_at is not UNSET:
            field_dict["last_activity_at"] = last_activity_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        id = d["id"]

        display_name = d.get("display_name")

        slug = d.get("slug")

        status = d.get("status")

        signup_mode = d.get("signup_mode")

        domains = d.get("domains")

        _owner = d.get("owner")
        owner: PlatformOwner | Unset
        if isinstance(_owner, Unset):
            owner = UNSET
        else:
            owner = PlatformOwner.from_dict(_owner)

        tenants_count = d.get("tenants_count")

        users_count = d.get("users_count")

        last_activity_at = d.get("last_activity_at")

        created_at = d.get("created_at")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        platform_summary = cls(
            id,
            display_name,
            slug,
            status,
            signup_mode,
            domains,
            owner,
            tenants_count,
            users_count,
            last_activity_at,
            created_at,
            additional_properties,
        )

        return platform_summary

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
