from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, pydantic_core_schema

T = TypeVar("T", bound="Error")

# The wire names this model declares; any other member goes to additional_properties.
_KNOWN: frozenset[str] = frozenset(
    {
        "code",
        "message",
        "mfa_challenge_token",
        "methods",
        "reason",
        "retry_after",
        "request_id",
    }
)


@_attrs_define
class Error:
    """The one error envelope. `code` is a taxonomy code (SPEC §3.1); the server may add
    codes, so it is a plain string. Siblings carry what the code needs (`mfa_challenge_token`,
    `methods`, `reason`, `retry_after`, ...) and unknown siblings are kept.

        Attributes:
            code (str):
            message (str):
            mfa_challenge_token (str | Unset):
            methods (list[str] | Unset):
            reason (str | Unset): `no_mfa`, `stale_mfa` or `fresh_required` on a middleware 412.
            retry_after (int | Unset):
            request_id (str | Unset):
    """

    code: str
    message: str
    mfa_challenge_token: str | None = None
    methods: list[str] | None = None
    reason: str | None = None
    retry_after: int | None = None
    request_id: str | None = None
    additional_properties: dict[str, Any] = _attrs_field(factory=dict, repr=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return pydantic_core_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "object", "title": "Error"}

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        mfa_challenge_token = self.mfa_challenge_token

        methods: list[str] | Unset = UNSET
        if not isinstance(self.methods, Unset):
            methods = self.methods

        reason = self.reason

        retry_after = self.retry_after

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if mfa_challenge_token is not UNSET:
            field_dict["mfa_challenge_token"] = mfa_challenge_token
        if methods is not UNSET:
            field_dict["methods"] = methods
        if reason is not UNSET:
            field_dict["reason"] = reason
        if retry_after is not UNSET:
            field_dict["retry_after"] = retry_after
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = src_dict
        code = d["code"]

        message = d["message"]

        mfa_challenge_token = d.get("mfa_challenge_token")

        methods = d.get("methods")

        reason = d.get("reason")

        retry_after = d.get("retry_after")

        request_id = d.get("request_id")

        # The members this model does not declare, in the order they came.
        additional_properties = (
            {} if _KNOWN.issuperset(d) else {k: v for k, v in d.items() if k not in _KNOWN}
        )
        # Positional, in the order the fields are declared above: a keyword call costs about
        # twice as much, and this runs once per item of every page.
        error = cls(
            code,
            message,
            mfa_challenge_token,
            methods,
            reason,
            retry_after,
            request_id,
            additional_properties,
        )

        return error

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
