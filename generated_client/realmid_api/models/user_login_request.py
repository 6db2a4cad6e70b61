from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.user_login_request_method import (
    UserLoginRequestMethod,
    check_user_login_request_method,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserLoginRequest")


@_attrs_define
class UserLoginRequest:
    """User login with an upstream provider token. Custom claims are not accepted on login (SPEC §4.1).

    Attributes:
        grant_type (Literal['provider_token']):
        realm_id (str):
        method (UserLoginRequestMethod):
        provider_token (str):
        tenant_id (str | Unset): Chooses the tenant when the user belongs to several.
    """

    grant_type: Literal["provider_token"]
    realm_id: str
    method: UserLoginRequestMethod
    provider_token: str
    tenant_id: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        realm_id = self.realm_id

        method: str = self.method

        provider_token = self.provider_token

        tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "realm_id": realm_id,
                "method": method,
                "provider_token": provider_token,
            }
        )
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_type = cast(Literal["provider_token"], d.pop("grant_type"))
        if grant_type != "provider_token":
            raise ValueError(f"grant_type must match const 'provider_token', got '{grant_type}'")

        realm_id = d.pop("realm_id")

        method = check_user_login_request_method(d.pop("method"))

        provider_token = d.pop("provider_token")

        tenant_id = d.pop("tenant_id", UNSET)

        user_login_request = cls(
            grant_type=grant_type,
            realm_id=realm_id,
            method=method,
            provider_token=provider_token,
            tenant_id=tenant_id,
        )

        return user_login_request
