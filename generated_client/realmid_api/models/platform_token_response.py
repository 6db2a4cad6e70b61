from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, pydantic_core_schema

T = TypeVar("T", bound="PlatformTokenResponse")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "access_token",
        "refresh_token",
        "expires_in",
        "token_type",
    }
)


@_attrs_define
class PlatformTokenResponse:
    """The answer to the platform grants (API-key login, platform refresh). The reference
    shows no type for it; the decision: the token fields of `Session`/`MintResult`, with
    only `access_token` required. A refresh that does not rotate may leave
    `refresh_token` out (the client keeps its own); without `expires_in` the client reads
    the lifetime from the token's `exp`. `token_type` may come and is ignored.

        Attributes:
            access_token (str):
            refresh_token (str | Unset):
            expires_in (int | Unset): Lifetime of `access_token` in seconds, counted from receipt.
            token_type (str | Unset):
    """

    access_token: str = _attrs_field(repr=False)
    refresh_token: str | None = _attrs_field(default=None, repr=False)
    expires_in: int | None = None
    token_type: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "PlatformTokenResponse"}

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        refresh_token = self.refresh_token

        expires_in = self.expires_in

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
            }
        )
        if refresh_token is not UNSET:
            field_dict["refresh_token"] = refresh_token
        if expires_in is not UNSET:
            field_dict["expires_in"] = expires_in
        if token_type is not UNSET:
            field_dict["token_type"] = token_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        access_token = d["access_token"]

        refresh_token = d.get("refresh_token")

        expires_in = d.get("expires_in")

        token_type = d.get("token_type")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        platform_token_response = cls(
            access_token,
            refresh_token,
            expires_in,
            token_type,
            additional_properties,
        )

        return platform_token_response

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
