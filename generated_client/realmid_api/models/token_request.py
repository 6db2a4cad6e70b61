from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.token_request_custom_claims import TokenRequestCustomClaims


T = TypeVar("T", bound="TokenRequest")


@_attrs_define
class TokenRequest:
    """User refresh, optionally switching tenant and merging custom claims (SPEC §4.2).

    Attributes:
        grant_type (Literal['refresh_token']):
        refresh_token (str):
        tenant_id (str | Unset):
        custom_claims (TokenRequestCustomClaims | Unset): Merged into the minted access token; registered claim names
            are refused.
    """

    grant_type: Literal["refresh_token"]
    refresh_token: str
    tenant_id: str | Unset = UNSET
    custom_claims: TokenRequestCustomClaims | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        grant_type = self.grant_type

        refresh_token = self.refresh_token

        tenant_id = self.tenant_id

        custom_claims: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_claims, Unset):
            custom_claims = self.custom_claims.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "grant_type": grant_type,
                "refresh_token": refresh_token,
            }
        )
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if custom_claims is not UNSET:
            field_dict["custom_claims"] = custom_claims

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.token_request_custom_claims import TokenRequestCustomClaims  # noqa: PLC0415

        d = dict(src_dict)
        grant_type = cast(Literal["refresh_token"], d.pop("grant_type"))
        if grant_type != "refresh_token":
            raise ValueError(f"grant_type must match const 'refresh_token', got '{grant_type}'")

        refresh_token = d.pop("refresh_token")

        tenant_id = d.pop("tenant_id", UNSET)

        _custom_claims = d.pop("custom_claims", UNSET)
        custom_claims: TokenRequestCustomClaims | Unset
        if isinstance(_custom_claims, Unset):
            custom_claims = UNSET
        else:
            custom_claims = TokenRequestCustomClaims.from_dict(_custom_claims)

        token_request = cls(
            grant_type=grant_type,
            refresh_token=refresh_token,
            tenant_id=tenant_id,
            custom_claims=custom_claims,
        )

        return token_request
