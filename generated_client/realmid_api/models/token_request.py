from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_request_custom_claims import TokenRequestCustomClaims
from ..models.token_request_grant_type import TokenRequestGrantType, check_token_request_grant_type
from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="TokenRequest")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "grant_type",
        "refresh_token",
        "tenant_id",
        "custom_claims",
    }
)


@_attrs_define
class TokenRequest:
    """The body of `POST /auth/token`, for both grants (one schema, not a union: the grant is
    told by what is there). With `refresh_token`: a user refresh, optionally switching
    tenant and merging custom claims (SPEC §4.2). Without it (or with no body at all): a
    platform refresh, whose refresh token is the bearer. `grant_type` may be sent and is
    not required.

        Attributes:
            grant_type (TokenRequestGrantType | Unset):
            refresh_token (str | Unset):
            tenant_id (str | Unset):
            custom_claims (TokenRequestCustomClaims | Unset): Merged into the minted access token; registered claim names
                are refused.
    """

    grant_type: TokenRequestGrantType | None = None
    refresh_token: str | None = _attrs_field(default=None, repr=False)
    tenant_id: str | None = None
    custom_claims: TokenRequestCustomClaims | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "TokenRequest"}

    def to_dict(self) -> dict[str, Any]:
        grant_type: str | Unset = UNSET
        if not isinstance(self.grant_type, Unset):
            grant_type = self.grant_type

        refresh_token = self.refresh_token

        tenant_id = self.tenant_id

        custom_claims: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_claims, Unset):
            custom_claims = self.custom_claims.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if grant_type is not UNSET:
            field_dict["grant_type"] = grant_type
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if custom_claims is not UNSET:
            field_dict["custom_claims"] = custom_claims

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        _grant_type = d.get("grant_type")
        grant_type: TokenRequestGrantType | Unset
        if isinstance(_grant_type, Unset):
            grant_type = UNSET
        else:
            grant_type = check_token_request_grant_type(_grant_type)

        refresh_token = d.get("refresh_token")

        tenant_id = d.get("tenant_id")

        _custom_claims = d.get("custom_claims")
        custom_claims: TokenRequestCustomClaims | Unset
        if isinstance(_custom_claims, Unset):
            custom_claims = UNSET
        else:
            custom_claims = TokenRequestCustomClaims.from_dict(_custom_claims)

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        token_request = cls(
            grant_type,
            refresh_token,
            tenant_id,
            custom_claims,
            additional_properties,
        )

        return token_request

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
