from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="MFAChallenge")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "mfa_challenge_token",
        "methods",
    }
)


@_attrs_define
class MFAChallenge:
    """A step-up challenge (`realm.auth.mint_mfa_challenge`). Empty (`available` False) when
    the issuer has no challenge to offer, so a middleware falls back to a plain 412.

        Attributes:
            mfa_challenge_token (str | Unset):
            methods (list[str] | Unset):
    """

    mfa_challenge_token: str | None = _attrs_field(default=None, repr=False)
    methods: list[str] | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @property
    def available(self) -> bool:
        """Whether a challenge was minted."""
        return bool(self.mfa_challenge_token)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "MFAChallenge"}

    def to_dict(self) -> dict[str, Any]:
        mfa_challenge_token = self.mfa_challenge_token

        methods: list[str] | Unset = UNSET
        if not isinstance(self.methods, Unset):
            methods = self.methods

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if mfa_challenge_token is not UNSET:
            field_dict["mfa_challenge_token"] = mfa_challenge_token
        if methods is not UNSET:
            field_dict["methods"] = methods

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        mfa_challenge_token = d.get("mfa_challenge_token")

        methods = d.get("methods")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        mfa_challenge = cls(
            mfa_challenge_token,
            methods,
            additional_properties,
        )

        return mfa_challenge

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
