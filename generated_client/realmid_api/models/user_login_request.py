from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="UserLoginRequest")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "method",
        "provider_token",
        "grant_type",
        "realm_id",
        "tenant_id",
    }
)


@_attrs_define
class UserLoginRequest:
    """User login with an upstream provider token. Custom claims are not accepted on login
    (SPEC §4.1). The reference's LoginRequest names the method, the provider token and the
    tenant; `grant_type` and `realm_id` are sent by this SDK and not required.

        Attributes:
            method (str): `firebase` or `google` today; the reference calls others roadmap, so the issuer may add providers.
            provider_token (str):
            grant_type (Literal['provider_token'] | Unset):
            realm_id (str | Unset):
            tenant_id (str | Unset): Chooses the tenant when the user belongs to several.
    """

    method: str
    provider_token: str = _attrs_field(repr=False)
    grant_type: Literal["provider_token"] | None = None
    realm_id: str | None = None
    tenant_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "UserLoginRequest"}

    def to_dict(self) -> dict[str, Any]:
        method = self.method

        provider_token = self.provider_token

        grant_type = self.grant_type

        realm_id = self.realm_id

        tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "method": method,
                "provider_token": provider_token,
            }
        )
        if grant_type is not UNSET:
            field_dict["grant_type"] = grant_type
        if realm_id is not UNSET:
            field_dict["realm_id"] = realm_id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        method = d["method"]

        provider_token = d["provider_token"]

        grant_type = cast(Literal["provider_token"] | Unset, d.get("grant_type"))
        if grant_type != "provider_token" and not isinstance(grant_type, Unset):
            raise ValueError(f"grant_type must match const 'provider_token', got '{grant_type}'")

        realm_id = d.get("realm_id")

        tenant_id = d.get("tenant_id")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        user_login_request = cls(
            method,
            provider_token,
            grant_type,
            realm_id,
            tenant_id,
            additional_properties,
        )

        return user_login_request

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
